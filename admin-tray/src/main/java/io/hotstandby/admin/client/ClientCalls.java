package io.hotstandby.admin.client;

import io.hotstandby.opcua.OpcUaErrorText;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/** How {@link AdminClient} waits for the stack's futures and words what went wrong. */
final class ClientCalls {
  private ClientCalls() {}

  static long deadlineIn(long ms) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
  }

  static <T> T await(Future<T> future, long deadlineNanos)
      throws ExecutionException, TimeoutException, InterruptedException {
    long left = Math.max(0, deadlineNanos - System.nanoTime());
    try {
      return future.get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw e;
    }
  }

  static void disconnectQuietly(OpcUaClient client) {
    if (client != null) {
      client.disconnectAsync();
    }
  }

  /** One line for an operator: "connection refused", "no answer within 2000 ms", a status. */
  static String describe(Throwable e, long waitMs) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    Optional<StatusCode> status = UaException.extractStatusCode(e);
    if (status.isPresent()
        && (status.get().getValue() == StatusCodes.Bad_UserAccessDenied
            || status.get().getValue() == StatusCodes.Bad_IdentityTokenRejected
            || status.get().getValue() == StatusCodes.Bad_IdentityTokenInvalid)) {
      return "wrong user name or password";
    }
    return OpcUaErrorText.describe(e, waitMs);
  }
}
