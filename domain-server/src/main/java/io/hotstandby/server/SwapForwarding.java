package io.hotstandby.server;

import io.hotstandby.rec.ServerState;
import io.hotstandby.runtime.alarms.AckResult;
import io.hotstandby.server.mirror.ForwardHandler;
import io.hotstandby.server.mirror.MirrorMessage;
import io.hotstandby.server.opcua.AccessPolicy;
import io.hotstandby.server.opcua.SessionUser;
import io.hotstandby.server.opcua.app.WriteOutcome;
import io.hotstandby.server.role.RoleSnapshot;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bumpless planned switchover for clients: a write or acknowledgement that reaches the old active
 * while it hands the role over, or within {@value #GRACE_MS} ms after (while clients move to the
 * new active), waits for the swap to end and is then served by whichever server is active: here if
 * the swap was rolled back, else passed to the new active over the mirror topic, where the user's
 * role is checked again against the domain in force and the action audited as usual.
 */
final class SwapForwarding implements ForwardHandler {
  /** How long after a handover actions are still passed to the new active. */
  static final long GRACE_MS = 5000;

  /** How long a forwarded action waits for the new active's answer. */
  static final long ANSWER_MS = 10_000;

  private final ServerParts parts;
  private final RoleDriver role;
  private final AccessPolicy access;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<Result>> waiting = new ConcurrentHashMap<>();
  private volatile long handedOverAtNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

  SwapForwarding(ServerParts parts, RoleDriver role) {
    this.parts = parts;
    this.role = role;
    this.access =
        new AccessPolicy(
            () -> parts.domain.users(),
            false,
            (user, action, target, value, result) ->
                parts.audit.record(user.name(), user.client(), action, target, value, result));
  }

  /** The role thread saw this server complete a handover. */
  void handedOver() {
    handedOverAtNanos = System.nanoTime();
  }

  /**
   * Whether an action refused here for want of the active role should wait for a swap instead: this
   * server is handing over, or handed over a moment ago.
   */
  boolean holds() {
    RoleSnapshot s = role.snapshot();
    return s != null
        && (!s.handoverTo().isEmpty()
            || System.nanoTime() - handedOverAtNanos < TimeUnit.MILLISECONDS.toNanos(GRACE_MS));
  }

  /**
   * Waits for the swap to end, then passes the action on: empty future answer means "serve it here"
   * (this server is ACTIVE again), otherwise the new active's outcome.
   */
  CompletableFuture<WriteOutcome> afterSwap(
      String action, String target, Object value, String comment, SessionUser user) {
    long timeout = parts.swapTimeoutMillis() + 1000;
    return role.watch(
            s -> {
              if (s.state() == ServerState.ACTIVE) {
                return "";
              }
              if (!s.handoverTo().isEmpty()) {
                return null;
              }
              String active = activePeer();
              return active.isEmpty() ? null : active;
            },
            timeout,
            "?")
        .thenCompose(
            where -> {
              if (where.isEmpty()) {
                return CompletableFuture.completedFuture(null); // served here by the caller
              }
              if (where.equals("?")) {
                return CompletableFuture.completedFuture(
                    WriteOutcome.refused("no server became ACTIVE after the switchover in time"));
              }
              return forward(where, action, target, value, comment, user)
                  .thenApply(
                      r ->
                          r.ok()
                              ? new WriteOutcome(true, r.text())
                              : WriteOutcome.refused(r.text()));
            });
  }

  private String activePeer() {
    return MirrorWiring.activePeerOf(parts.rec);
  }

  private CompletableFuture<Result> forward(
      String to, String action, String target, Object value, String comment, SessionUser user) {
    long id = ids.incrementAndGet();
    CompletableFuture<Result> answer = new CompletableFuture<>();
    waiting.put(id, answer);
    answer.orTimeout(ANSWER_MS, TimeUnit.MILLISECONDS).whenComplete((r, e) -> waiting.remove(id));
    parts.mirror.forward(
        new MirrorMessage.Forward(
            parts.self, to, id, action, target, value, comment, user.name(), user.client()));
    return answer.exceptionally(e -> new Result(false, "no answer from " + to + " in time"));
  }

  @Override
  public CompletableFuture<Result> serve(MirrorMessage.Forward f) {
    SessionUser user = access.userOf(f.user(), f.client() + " via " + f.sender());
    boolean write = f.action().equals("write");
    AccessPolicy.Decision d =
        access.decide(
            user,
            write ? AccessPolicy.Action.WRITE : AccessPolicy.Action.ACKNOWLEDGE,
            f.target(),
            write ? f.value() : f.comment());
    if (!d.allowed()) {
      return CompletableFuture.completedFuture(new Result(false, d.refusal()));
    }
    if (write) {
      return parts
          .runtime
          .write(f.target(), f.value(), user.name(), user.client())
          .thenCompose(
              r ->
                  r.ok()
                      ? parts.mirror.confirm().thenApply(c -> new Result(true, r.status()))
                      : CompletableFuture.completedFuture(new Result(false, r.status())));
    }
    AckResult r = parts.runtime.acknowledge(f.target(), user.name(), user.client(), f.comment());
    if (!r.ok()) {
      return CompletableFuture.completedFuture(new Result(false, r.text()));
    }
    return parts.mirror.confirm().thenApply(c -> new Result(true, r.text()));
  }

  @Override
  public void answered(MirrorMessage.ForwardResult r) {
    CompletableFuture<Result> f = waiting.remove(r.id());
    if (f != null) {
      f.complete(new Result(r.ok(), r.text()));
    }
  }
}
