package io.hotstandby.server;

import io.hotstandby.cluster.sync.DomainHistoryJson;
import io.hotstandby.cluster.sync.DomainReplicator;
import io.hotstandby.domain.DomainFileException;
import io.hotstandby.domain.Sha256;
import io.hotstandby.domain.sync.DomainFileWatcher;
import io.hotstandby.domain.sync.DomainStore;
import io.hotstandby.domain.sync.DomainStore.Proposal;
import io.hotstandby.domain.sync.DomainVersion;
import io.hotstandby.domain.sync.HistoryEntry;
import io.hotstandby.events.Weight;
import io.hotstandby.server.lifecycle.AbstractPart;
import io.hotstandby.server.lifecycle.Parts;
import io.hotstandby.server.opcua.DomainAdmin;
import io.hotstandby.server.opcua.DomainAdminResult;
import io.hotstandby.server.opcua.SessionUser;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Changes of the domain file made on this server: an operator's apply or rollback ({@link
 * DomainAdmin}) and a local edit of the file. Each is validated, preceded by the planned switchover
 * it needs, committed, sent to the peers and then followed by every part (on the role thread).
 *
 * <p>Changes go one at a time, in the order asked, through a queue: the next starts when the
 * previous one is answered, and no thread is held while a switchover is under way. A full queue
 * refuses at once.
 */
final class DomainChanges extends AbstractPart implements DomainAdmin {
  /** Changes waiting or under way beyond which a new one is refused at once. */
  static final int MAX_QUEUED = 16;

  private final ServerParts parts;
  private final Switchover switchover;
  private final DomainReplicator replicator;
  private final Runnable reconfigure;
  private final AtomicInteger queued = new AtomicInteger();
  private volatile ExecutorService thread;
  private DomainFileWatcher watcher;
  private CompletableFuture<?> last = CompletableFuture.completedFuture(null); // guarded by this

  /**
   * @param reconfigure makes every part follow the version in force (posted to the role thread)
   */
  DomainChanges(
      ServerParts parts, Switchover switchover, DomainReplicator replicator, Runnable reconfigure) {
    super("domain changes");
    this.parts = parts;
    this.switchover = switchover;
    this.replicator = replicator;
    this.reconfigure = reconfigure;
  }

  @Override
  protected void doStart() {
    thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "domain-change-" + parts.self);
              t.setDaemon(true);
              return t;
            });
    DomainStore store = parts.store;
    try {
      watcher = new DomainFileWatcher(store.file(), 150, this::localEdit).start();
    } catch (IOException e) {
      parts.events.record(
          Weight.WARNING,
          "domain",
          "cannot watch " + store.file() + " for local edits: " + e.getMessage());
    }
  }

  @Override
  protected void doStop() {
    Parts.closeQuietly("domain file watcher", watcher);
    if (thread != null) {
      // A change being committed finishes first: an interrupt would close its file channels
      // between the atomic rename and the history record.
      thread.shutdown();
      try {
        if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
          thread.shutdownNow();
        }
      } catch (InterruptedException e) {
        thread.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public CompletableFuture<DomainAdminResult> apply(byte[] content, SessionUser user) {
    return change(content, user, "apply", false);
  }

  @Override
  public String historyJson() {
    return DomainHistoryJson.of(parts.store);
  }

  @Override
  public String switchoverHistoryJson(int max) {
    HistoryTopic history = parts.history;
    return history == null ? "[]" : history.json(max);
  }

  @Override
  public Optional<byte[]> show(String version) {
    return parts.store.find(version).map(e -> e.version().content());
  }

  @Override
  public CompletableFuture<DomainAdminResult> rollback(String version, SessionUser user) {
    Optional<HistoryEntry> e = parts.store.find(version);
    if (e.isEmpty()) {
      return CompletableFuture.completedFuture(
          new DomainAdminResult(
              false, "no version " + version + " in the history", parts.store.current().number()));
    }
    return change(
        e.get().version().content(),
        user,
        "rollback to version " + e.get().version().number(),
        false);
  }

  /** The file changed on disk: a local edit, unless it is a version this server wrote. */
  private void localEdit(byte[] content) {
    DomainStore store = parts.store;
    String sha = Sha256.hex(content);
    // The version in force, or a file this server wrote itself a moment ago: not an edit. Any
    // other content, an older version's included (a backup copied back), is a change.
    if (state() != State.RUNNING
        || sha.equals(store.current().sha256())
        || store.wroteRecently(sha)) {
      return;
    }
    change(content, SessionUser.local("local"), "edit of " + store.file(), true);
  }

  /**
   * Validates and puts in force a change made on this server, first performing the planned
   * switchover it needs; after the changes asked before it. Never completes exceptionally.
   *
   * @param edit whether the change is already on disk (a local edit), so that a refusal writes the
   *     version in force back
   */
  CompletableFuture<DomainAdminResult> change(
      byte[] content, SessionUser user, String source, boolean edit) {
    return change(current -> content, user, source, edit);
  }

  /**
   * As {@link #change(byte[], SessionUser, String, boolean)}, with the new content made from the
   * version in force when the change's turn comes (so an edit never undoes a change queued before
   * it); an {@link IllegalArgumentException} from {@code next} refuses the change with its message.
   */
  CompletableFuture<DomainAdminResult> change(
      UnaryOperator<byte[]> next, SessionUser user, String source, boolean edit) {
    if (queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      return CompletableFuture.completedFuture(
          new DomainAdminResult(
              false,
              "refused: " + MAX_QUEUED + " domain changes are waiting already; try again later",
              parts.store.current().number()));
    }
    CompletableFuture<DomainAdminResult> result;
    synchronized (this) {
      result =
          last.handle((x, e) -> null)
              .thenComposeAsync(x -> validateAndSwitch(next, user, source, edit), thread)
              .exceptionally(
                  e ->
                      new DomainAdminResult(
                          false,
                          e instanceof RejectedExecutionException
                                  || e.getCause() instanceof RejectedExecutionException
                              ? "the server is shutting down"
                              : "domain " + source + " failed: " + e,
                          parts.store.current().number()));
      last = result;
    }
    result.whenComplete((r, e) -> queued.decrementAndGet());
    return result;
  }

  private CompletableFuture<DomainAdminResult> validateAndSwitch(
      UnaryOperator<byte[]> next, SessionUser user, String source, boolean edit) {
    DomainStore store = parts.store;
    DomainVersion before = store.current();
    byte[] content;
    try {
      content = next.apply(before.content());
    } catch (IllegalArgumentException e) {
      return done(
          new DomainAdminResult(
              false, "domain " + source + " refused: " + e.getMessage(), before.number()));
    }
    Proposal p;
    try {
      p = store.propose(content, user.name(), source);
    } catch (DomainFileException e) {
      return done(refused(content, user, source, edit, e.getMessage()));
    } catch (RuntimeException e) {
      return done(refused(content, user, source, edit, store.file() + ": " + e.getMessage()));
    }
    if (p == null) {
      return done(
          new DomainAdminResult(
              true, "no change: " + before.label() + " is already in force", before.number()));
    }
    String active = switchover.activeServer();
    return switchover
        .before(p.domain(), user.name())
        .thenApplyAsync(
            blocked ->
                blocked.isEmpty()
                    ? commit(p, user, source, active)
                    : refused(content, user, source, edit, blocked),
            thread);
  }

  private DomainAdminResult commit(Proposal p, SessionUser user, String source, String active) {
    DomainStore store = parts.store;
    boolean switched = !active.isEmpty() && !switchover.activeServer().equals(active);
    DomainVersion v;
    try {
      v = store.commit(p);
    } catch (IOException | IllegalStateException e) {
      String msg =
          "cannot put the domain file change in force ("
              + source
              + "): "
              + e.getMessage()
              + "; "
              + store.current().label()
              + " stays in force"
              + (switched
                  ? " (the switchover it needed was made: "
                      + switchover.activeServer()
                      + " is ACTIVE)"
                  : "");
      parts.events.record(Weight.ERROR, "domain", msg);
      audit(user, source, "failed: " + msg);
      return new DomainAdminResult(false, msg, store.current().number());
    }
    String msg = "domain " + v.label() + " in force (" + source + " by " + user.name() + ")";
    parts.events.record(Weight.NOTICE, "domain", msg);
    audit(user, source, v.label());
    replicator.changedHere();
    reconfigure.run();
    return new DomainAdminResult(true, msg + "; sent to every server", v.number());
  }

  private DomainAdminResult refused(
      byte[] content, SessionUser user, String source, boolean edit, String why) {
    DomainStore store = parts.store;
    String msg =
        edit
            ? store.refuse(content, user.name(), source, why)
            : "domain file change refused ("
                + source
                + "): "
                + why
                + "; "
                + store.current().label()
                + " stays in force";
    parts.events.record(Weight.ERROR, "domain", msg);
    audit(user, source, "refused: " + why);
    return new DomainAdminResult(false, msg, store.current().number());
  }

  private void audit(SessionUser user, String source, String result) {
    parts.audit.record(
        user.name(), user.client(), "domain.change", parts.store.file().toString(), source, result);
  }

  private static CompletableFuture<DomainAdminResult> done(DomainAdminResult r) {
    return CompletableFuture.completedFuture(r);
  }
}
