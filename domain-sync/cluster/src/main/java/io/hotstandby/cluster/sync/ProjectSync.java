package io.hotstandby.cluster.sync;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.ProjectSyncSpec;
import io.hotstandby.events.ReportThrottle;
import io.hotstandby.events.Weight;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the project files the same as the active server's, over the Hazelcast topic {@value
 * #TOPIC}. The active is the source of truth: it announces the manifest of its project files on
 * disk and of those its runtime loaded every {@value #ANNOUNCE_MS} ms, when it becomes active and
 * when a server joins. Every server remembers the last announcement (the newest term wins) and
 * compares the files <em>its</em> runtime loaded with the active's files on disk ({@link
 * ProjectComparison}): a server that differs reports it and, when the domain enables
 * synchronisation, is not ready, so it neither takes over nor is chosen for a switchover until it
 * restarts with the active's files.
 *
 * <p>With synchronisation enabled ({@code <projects sync="true">}), a server that is not active
 * asks the active for each file whose copy on its disk differs, one at a time. The active sends it
 * in chunks of at most 64 KiB, every chunk it sends paced by one {@link TokenBucket} at the
 * domain's {@code bandwidthKBps}; a file that changes during a transfer is sent again from the
 * start ({@link ProjectSender}). The receiver assembles the file (at most {@value
 * ProjectSyncMessage#MAX_FILE} bytes), verifies its SHA-256 against the manifest, keeps the file it
 * replaces in {@code DATA_DIR/project-history/} and writes the new one atomically ({@link
 * ProjectReceiver}). The runtime cannot reload a project while it runs, so the copy takes effect
 * when the server restarts.
 *
 * <p>Threads (daemons, stopped by {@link #close}): "project-sync" handles every message in arrival
 * order (at most {@value #MAX_PENDING} waiting; more are dropped and a transfer that loses a chunk
 * is asked again), announces and retries; "project-send" serves the active's transfers one at a
 * time (at most {@value ProjectSender#MAX_REQUESTS} waiting).
 */
public final class ProjectSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProjectSync.class);

  /** The Hazelcast topic of the project files. */
  public static final String TOPIC = "hotstandby.projects";

  static final long ANNOUNCE_MS = 2000;
  static final long HOUSEKEEPING_MS = 500;
  static final int MAX_PENDING = 256;

  /** What the server does with what this class finds. */
  public interface Listener {
    /** Something for the event log. */
    void event(Weight weight, String message);

    /** Whether the loaded project files match the active's changed; readiness may have too. */
    void inSyncChanged(boolean inSync);
  }

  /**
   * This server's view, for its status.
   *
   * @param sync whether the domain enables copying
   * @param bandwidthKBps the domain's limit
   * @param active the active server whose files count ("" when none was heard), this server's name
   *     when it is the active
   * @param inSync whether the files loaded here are the active's files on disk
   * @param loaded the manifest hash of the files this server's runtime loaded
   * @param onDisk the manifest hash of this server's files on disk
   * @param activeLoaded the active's loaded manifest hash, as last announced
   * @param activeOnDisk the active's on-disk manifest hash, as last announced
   * @param differences the files loaded here that differ from the active's on disk
   * @param changedOnDisk the files on this server's disk that differ from those it loaded (they
   *     take effect at the next start)
   * @param copying the file being copied from the active, or ""
   * @param filesCopied how many files were copied from the active since the start
   */
  public record Status(
      boolean sync,
      int bandwidthKBps,
      String active,
      boolean inSync,
      String loaded,
      String onDisk,
      String activeLoaded,
      String activeOnDisk,
      List<String> differences,
      List<String> changedOnDisk,
      String copying,
      long filesCopied) {}

  private final Supplier<Domain> domain;
  private final String self;
  private final ProjectManifest loaded;
  private final BooleanSupplier active;
  private final LongSupplier term;
  private final Listener listener;
  private final ProjectFiles files;
  private final ProjectComparison comparison;
  private final ProjectReceiver receiver;
  // The same unreadable message at most once a minute: a broken peer repeats it at every announce.
  private final ReportThrottle garbage;
  private final ScheduledExecutorService thread;
  private final boolean periodic;
  private final ProjectSender sender;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Consumer<byte[]> publisher;
  private volatile boolean closed;

  // Written on the "project-sync" thread only; read anywhere.
  private volatile ProjectManifest onDisk;

  // "project-sync" thread only.
  private boolean wasActive;

  /**
   * @param domain the domain in force, asked each time (so changed settings apply at once)
   * @param self this server's name
   * @param dataDir this server's data directory; replaced files go to {@code project-history/}
   * @param loaded the manifest of the files this server's runtime loaded
   * @param active whether this server is the active now
   * @param term this server's term
   */
  public ProjectSync(
      Supplier<Domain> domain,
      String self,
      Path dataDir,
      ProjectManifest loaded,
      BooleanSupplier active,
      LongSupplier term,
      Listener listener) {
    this(
        domain,
        self,
        dataDir,
        loaded,
        active,
        term,
        listener,
        System::nanoTime,
        Clock.systemUTC(),
        true);
  }

  /** As the public constructor, with the clocks given and, for tests, no periodic work. */
  ProjectSync(
      Supplier<Domain> domain,
      String self,
      Path dataDir,
      ProjectManifest loaded,
      BooleanSupplier active,
      LongSupplier term,
      Listener listener,
      LongSupplier nanoTime,
      Clock clock,
      boolean periodic) {
    this.domain = domain;
    this.self = self;
    this.loaded = loaded;
    this.active = active;
    this.term = term;
    this.listener = listener;
    this.files = new ProjectFiles(domain);
    this.onDisk = files.onDisk();
    this.comparison = new ProjectComparison(loaded, active, this::syncEnabled, listener);
    this.receiver =
        new ProjectReceiver(
            self,
            files,
            new ProjectHistory(dataDir.resolve("project-history"), clock),
            listener,
            nanoTime,
            this::send);
    this.garbage = new ReportThrottle(Duration.ofMinutes(1), nanoTime);
    this.sender = new ProjectSender(domain, self, active, files, nanoTime, this::send);
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "project-sync"));
    this.periodic = periodic;
  }

  /** The periodic announcements and housekeeping, from the moment there is a cluster to talk to. */
  private void startPeriodicWork() {
    if (!periodic) {
      return;
    }
    thread.scheduleWithFixedDelay(
        () -> guarded(this::announce), ANNOUNCE_MS, ANNOUNCE_MS, TimeUnit.MILLISECONDS);
    thread.scheduleWithFixedDelay(
        () -> guarded(this::housekeeping), HOUSEKEEPING_MS, HOUSEKEEPING_MS, TimeUnit.MILLISECONDS);
  }

  /** A daemon thread of project sync, named {@code name}. */
  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts talking on the cluster once this server's member is up. */
  public void attach(ClusterMember member) {
    member.subscribe(TOPIC, this::receive);
    attach(bytes -> member.publish(TOPIC, bytes));
  }

  /**
   * Starts sending with {@code publish}, which reaches every server (this one included), and asks
   * the active to announce its files.
   */
  void attach(Consumer<byte[]> publish) {
    this.publisher = publish;
    startPeriodicWork();
    post(
        () -> {
          announce();
          if (!wasActive) {
            send(new ProjectSyncMessage.Query(self));
          }
        });
  }

  /** A message from the topic; any thread. */
  public void receive(byte[] bytes) {
    if (closed) {
      return;
    }
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    try {
      thread.execute(
          () -> {
            try {
              guarded(() -> handle(bytes));
            } finally {
              pending.decrementAndGet();
            }
          });
    } catch (RejectedExecutionException e) {
      pending.decrementAndGet();
    }
  }

  /** A server joined the cluster: the active tells it its files. */
  public void peerJoined(String name) {
    post(this::announce);
  }

  /** This server's role changed (to or from active). */
  public void roleChanged() {
    post(this::announce);
  }

  /** A new version of the domain file is in force: the settings in it apply from now on. */
  public void domainChanged() {
    post(
        () -> {
          sender.followBandwidth();
          comparison.evaluate();
          askForNext();
        });
  }

  /**
   * Whether the project files allow this server to be ready: always when synchronisation is off or
   * this server is the active; otherwise when the files it loaded are the active's files on disk
   * (or no active has been heard).
   */
  public boolean projectsMatchActive() {
    return !syncEnabled() || active.getAsBoolean() || comparison.inSync();
  }

  /** This server's view, for its status. */
  public Status status() {
    ProjectSyncSpec spec = domain.get().projectSync();
    boolean isActive = active.getAsBoolean();
    ProjectSyncMessage.Announce r = comparison.announcement();
    ProjectManifest disk = onDisk;
    String activeName = isActive ? self : r == null ? "" : r.sender();
    String activeLoaded = isActive ? loaded.hash() : r == null ? "" : r.loaded().hash();
    String activeOnDisk = isActive ? disk.hash() : r == null ? "" : r.onDisk().hash();
    return new Status(
        spec.enabled(),
        spec.bandwidthKBps(),
        activeName,
        isActive || comparison.inSync(),
        loaded.hash(),
        disk.hash(),
        activeLoaded,
        activeOnDisk,
        isActive ? List.of() : comparison.differences(),
        loaded.differences(disk),
        receiver.copying(),
        receiver.filesCopied());
  }

  /** The manifest of the files this server's runtime loaded. */
  public ProjectManifest loaded() {
    return loaded;
  }

  private boolean syncEnabled() {
    return domain.get().projectSync().enabled();
  }

  // ---- the "project-sync" thread ------------------------------------------------------------

  private void post(Runnable r) {
    if (closed) {
      return;
    }
    try {
      thread.execute(() -> guarded(r));
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("project sync failed", e);
    }
  }

  /** The active announces its files; every server first follows a change of its own role. */
  private void announce() {
    followRole();
    ProjectManifest disk = readDisk();
    if (wasActive) {
      send(new ProjectSyncMessage.Announce(self, term.getAsLong(), disk, loaded));
    }
  }

  private void followRole() {
    boolean now = active.getAsBoolean();
    if (now == wasActive) {
      return;
    }
    wasActive = now;
    if (now) {
      comparison.forget();
      receiver.becameActive();
    }
    comparison.evaluate();
  }

  /** The files on disk now, kept for the status (which must not read the disk). */
  private ProjectManifest readDisk() {
    ProjectManifest m = files.onDisk();
    onDisk = m;
    return m;
  }

  private void housekeeping() {
    followRole();
    receiver.abandonStalled();
    askForNext();
    long n = dropped.getAndSet(0);
    if (n > 0) {
      log.warn("{} project sync message(s) dropped: too many waiting", n);
    }
  }

  private void send(ProjectSyncMessage m) {
    Consumer<byte[]> p = publisher;
    if (p == null || closed) {
      return;
    }
    try {
      p.accept(ProjectSyncMessage.encode(m));
    } catch (RuntimeException e) {
      log.warn("publishing on {} failed: {}", TOPIC, e.toString());
    }
  }

  private void handle(byte[] bytes) {
    ProjectSyncMessage m;
    try {
      m = ProjectSyncMessage.decode(bytes);
    } catch (IOException e) {
      garbage(e.getMessage());
      return;
    }
    if (m.sender().equals(self)) {
      return;
    }
    if (m instanceof ProjectSyncMessage.Announce a) {
      if (comparison.announced(a)) {
        comparison.evaluate();
        askForNext();
      }
    } else if (m instanceof ProjectSyncMessage.Query) {
      announce();
    } else if (m instanceof ProjectSyncMessage.Want w) {
      sender.wanted(w);
    } else if (m instanceof ProjectSyncMessage.Chunk c) {
      if (c.to().equals(self)) {
        chunk(c);
      }
    }
  }

  /** Whether this server copies from the active now: sync is on and it is not the active. */
  private boolean mayCopy() {
    return syncEnabled() && !active.getAsBoolean();
  }

  /** Asks the active for the next file that differs on disk, unless a transfer is under way. */
  private void askForNext() {
    ProjectSyncMessage.Announce a = comparison.announcement();
    if (a == null || closed || !mayCopy()) {
      receiver.abandon("");
      return;
    }
    receiver.askForNext(a, this::readDisk);
  }

  private void chunk(ProjectSyncMessage.Chunk c) {
    ProjectSyncMessage.Announce a = comparison.announcement();
    if (a == null || !c.sender().equals(a.sender()) || !mayCopy()) {
      return;
    }
    if (receiver.chunk(c)) {
      readDisk();
      askForNext();
    }
  }

  private void garbage(String why) {
    if (garbage.admit(why) != ReportThrottle.HELD) {
      listener.event(
          Weight.WARNING, "unreadable message on the project sync topic dropped: " + why);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    sender.close();
  }
}
