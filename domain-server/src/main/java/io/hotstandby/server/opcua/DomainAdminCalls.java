package io.hotstandby.server.opcua;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the registered {@link DomainAdmin} for the admin namespace's {@code Domain.*} methods: on
 * threads of its own, never on Milo's, answered through a future with a bounded wait, and with a
 * plain answer when no {@link DomainAdmin} is registered.
 *
 * <p>Changes ({@code apply}, {@code rollback}) are handed over one at a time on one thread (which a
 * {@link DomainAdmin} that answers later frees at once); queries ({@code history}, {@code show}) on
 * another, so a change that takes seconds does not hold them up. Each thread has a short queue
 * ({@link BoundedQueue}): a call that finds it full is answered {@code Bad_TooManyOperations} at
 * once, and one still queued when its wait is over is cancelled. A change that has started and
 * outlasts its wait is not: a switchover or a copy to the peers half done must finish or roll back
 * on its own.
 */
final class DomainAdminCalls implements AutoCloseable {
  static final String NOT_AVAILABLE = "domain administration is not available on this server";

  /** Changes waiting behind the one under way beyond which one is refused at once. */
  static final int MAX_WAITING_CHANGES = 8;

  /** Queries waiting behind the one under way beyond which one is refused at once. */
  static final int MAX_WAITING_QUERIES = 16;

  private static final Logger log = LoggerFactory.getLogger(DomainAdminCalls.class);

  private final DomainAdmin admin;
  private final long changeTimeoutMs;
  private final long queryTimeoutMs;
  private final LongSupplier versionInForce;
  private final BoundedQueue changes;
  private final BoundedQueue queries;

  /**
   * @param admin the server's domain administration, or null when it has none
   * @param changeTimeout how long a change may take before the caller is told "no answer"
   * @param queryTimeout how long a query may take before the caller gets {@code Bad_Timeout}
   * @param versionInForce the version to report when {@code admin} gave none
   */
  DomainAdminCalls(
      DomainAdmin admin,
      Duration changeTimeout,
      Duration queryTimeout,
      LongSupplier versionInForce) {
    this.admin = admin;
    this.changeTimeoutMs = Math.max(1, changeTimeout.toMillis());
    this.queryTimeoutMs = Math.max(1, queryTimeout.toMillis());
    this.versionInForce = versionInForce;
    this.changes =
        admin == null
            ? null
            : new BoundedQueue("opcua-domain-change", "domain changes", MAX_WAITING_CHANGES);
    this.queries =
        admin == null
            ? null
            : new BoundedQueue("opcua-domain-query", "domain queries", MAX_WAITING_QUERIES);
  }

  /** Whether a domain admin was registered. */
  boolean available() {
    return admin != null;
  }

  CompletableFuture<DomainAdminResult> apply(byte[] content, SessionUser user) {
    return change("apply", () -> admin.apply(content, user));
  }

  CompletableFuture<DomainAdminResult> rollback(String version, SessionUser user) {
    return change("rollback", () -> admin.rollback(version, user));
  }

  /**
   * Completes exceptionally with a {@link UaException}: {@code Bad_NotSupported} without a {@link
   * DomainAdmin}, {@code Bad_Timeout} or {@code Bad_InternalError} when it does not answer, {@code
   * Bad_TooManyOperations} when too many queries wait.
   */
  CompletableFuture<String> historyJson() {
    // Not admin::historyJson, which would dereference a null admin before query() can say so.
    return query("history", () -> admin.historyJson()).thenApply(j -> j == null ? "[]" : j);
  }

  /** As {@link #historyJson}, for {@code Server.History}. */
  CompletableFuture<String> switchoverHistoryJson(int max) {
    return query("switchover history", () -> admin.switchoverHistoryJson(max))
        .thenApply(j -> j == null ? "[]" : j);
  }

  /** As {@link #historyJson}. */
  CompletableFuture<Optional<byte[]>> show(String version) {
    return query("show", () -> admin.show(version))
        .thenApply(c -> c == null ? Optional.empty() : c);
  }

  CompletableFuture<DomainAdminResult> stopDomain(boolean force, SessionUser user) {
    return change("stop", () -> admin.stopDomain(force, user));
  }

  CompletableFuture<DomainAdminResult> startDomain(SessionUser user) {
    return change("start", () -> admin.startDomain(user));
  }

  CompletableFuture<DomainAdminResult> setMaintenance(String server, boolean on, SessionUser user) {
    return change("maintenance change", () -> admin.setMaintenance(server, on, user));
  }

  /** As {@link #historyJson}, for {@code Server.Events}. */
  CompletableFuture<String> eventsJson(
      long sinceMillis, long afterSeq, int max, boolean unackedOnly) {
    return query("events", () -> admin.eventsJson(sinceMillis, afterSeq, max, unackedOnly))
        .thenApply(j -> j == null ? "[]" : j);
  }

  /** As {@link #historyJson}, for {@code Server.AcknowledgeEvents}. */
  CompletableFuture<DomainAdminResult> acknowledgeEvents(List<String> ids, SessionUser user) {
    return query("acknowledgement", () -> admin.acknowledgeEvents(ids, user));
  }

  /** As {@link #historyJson}, for {@code Server.Audit}. */
  CompletableFuture<String> auditJson(long sinceMillis, int max) {
    return query("audit", () -> admin.auditJson(sinceMillis, max))
        .thenApply(j -> j == null ? "[]" : j);
  }

  @Override
  public void close() {
    if (changes != null) {
      changes.close();
      queries.close();
    }
  }

  private CompletableFuture<DomainAdminResult> change(
      String what, Supplier<CompletableFuture<DomainAdminResult>> call) {
    if (admin == null) {
      return CompletableFuture.completedFuture(refused(NOT_AVAILABLE));
    }
    return changes
        .submit(call, changeTimeoutMs)
        .handle(
            (result, e) -> {
              if (e == null) {
                return result != null ? result : refused("the domain " + what + " gave no answer");
              }
              Throwable cause = BoundedQueue.unwrap(e);
              if (cause instanceof UaException ua) {
                throw new CompletionException(ua); // the call's status: too many, shutting down
              }
              if (cause instanceof CancellationException) {
                return refused(
                    "not started within "
                        + changeTimeoutMs
                        + " ms behind other domain changes; cancelled");
              }
              if (cause instanceof TimeoutException) {
                return refused(
                    "no answer within " + changeTimeoutMs + " ms; the change may still complete");
              }
              log.warn("Domain {} failed", what, cause);
              return refused("domain " + what + " failed: " + cause);
            });
  }

  private <T> CompletableFuture<T> query(String what, Supplier<T> call) {
    if (admin == null) {
      return CompletableFuture.failedFuture(
          new UaException(StatusCodes.Bad_NotSupported, NOT_AVAILABLE));
    }
    return queries
        .submit(() -> CompletableFuture.completedFuture(call.get()), queryTimeoutMs)
        .exceptionallyCompose(
            e -> {
              Throwable cause = BoundedQueue.unwrap(e);
              if (cause instanceof UaException) {
                return CompletableFuture.failedFuture(cause);
              }
              if (cause instanceof TimeoutException || cause instanceof CancellationException) {
                return CompletableFuture.failedFuture(
                    new UaException(
                        StatusCodes.Bad_Timeout,
                        "domain " + what + ": no answer within " + queryTimeoutMs + " ms"));
              }
              log.warn("Domain {} failed", what, cause);
              return CompletableFuture.failedFuture(
                  new UaException(StatusCodes.Bad_InternalError, cause));
            });
  }

  private DomainAdminResult refused(String message) {
    return new DomainAdminResult(false, message, versionInForce.getAsLong());
  }
}
