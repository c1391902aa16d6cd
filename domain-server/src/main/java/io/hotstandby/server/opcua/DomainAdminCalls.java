package io.hotstandby.server.opcua;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the registered {@link DomainAdmin} for the admin namespace's {@code Domain.*} methods: on
 * threads of its own, never on Milo's, with a bounded wait, and with a plain answer when no {@link
 * DomainAdmin} is registered.
 *
 * <p>Changes ({@code apply}, {@code rollback}) run one at a time on one thread; queries ({@code
 * history}, {@code show}) on another, so a change that takes seconds does not hold them up. A
 * change that outlasts its wait is not cancelled: a switchover or a copy to the peers half done
 * must finish or roll back on its own.
 */
final class DomainAdminCalls implements AutoCloseable {
  static final String NOT_AVAILABLE = "domain administration is not available on this server";

  private static final Logger log = LoggerFactory.getLogger(DomainAdminCalls.class);

  private final DomainAdmin admin;
  private final long changeTimeoutMs;
  private final long queryTimeoutMs;
  private final LongSupplier versionInForce;
  private final ExecutorService changes;
  private final ExecutorService queries;

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
    this.changes = admin == null ? null : daemonThread("opcua-domain-change");
    this.queries = admin == null ? null : daemonThread("opcua-domain-query");
  }

  /** Whether a domain admin was registered. */
  boolean available() {
    return admin != null;
  }

  DomainAdminResult apply(byte[] content, String user) {
    return change("apply", () -> admin.apply(content, user));
  }

  DomainAdminResult rollback(String version, String user) {
    return change("rollback", () -> admin.rollback(version, user));
  }

  /**
   * @throws UaException {@code Bad_NotSupported} without a {@link DomainAdmin}, {@code Bad_Timeout}
   *     or {@code Bad_InternalError} when it does not answer
   */
  String historyJson() throws UaException {
    // Not admin::historyJson, which would dereference a null admin before query() can say so.
    String json = query("history", () -> admin.historyJson());
    return json == null ? "[]" : json;
  }

  /**
   * @throws UaException as {@link #historyJson}
   */
  Optional<byte[]> show(String version) throws UaException {
    Optional<byte[]> content = query("show", () -> admin.show(version));
    return content == null ? Optional.empty() : content;
  }

  @Override
  public void close() {
    if (changes != null) {
      changes.shutdownNow();
      queries.shutdownNow();
    }
  }

  private DomainAdminResult change(String what, Callable<DomainAdminResult> call) {
    if (admin == null) {
      return refused(NOT_AVAILABLE);
    }
    try {
      DomainAdminResult result = changes.submit(call).get(changeTimeoutMs, TimeUnit.MILLISECONDS);
      return result != null ? result : refused("the domain " + what + " gave no answer");
    } catch (TimeoutException e) {
      return refused("no answer within " + changeTimeoutMs + " ms; the change may still complete");
    } catch (ExecutionException e) {
      log.warn("Domain {} failed", what, e.getCause());
      return refused("domain " + what + " failed: " + e.getCause());
    } catch (RejectedExecutionException e) {
      return refused("the server is shutting down");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return refused("interrupted");
    }
  }

  private <T> T query(String what, Callable<T> call) throws UaException {
    if (admin == null) {
      throw new UaException(StatusCodes.Bad_NotSupported, NOT_AVAILABLE);
    }
    try {
      return queries.submit(call).get(queryTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new UaException(
          StatusCodes.Bad_Timeout,
          "domain " + what + ": no answer within " + queryTimeoutMs + " ms");
    } catch (ExecutionException e) {
      log.warn("Domain {} failed", what, e.getCause());
      throw new UaException(StatusCodes.Bad_InternalError, e.getCause());
    } catch (RejectedExecutionException e) {
      throw new UaException(StatusCodes.Bad_Shutdown, "the server is shutting down");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UaException(StatusCodes.Bad_Shutdown, "interrupted");
    }
  }

  private DomainAdminResult refused(String message) {
    return new DomainAdminResult(false, message, versionInForce.getAsLong());
  }

  private static ExecutorService daemonThread(String name) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
