package io.hotstandby.server.opcua.app;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one tag write of an OPC UA Write request is answered: its status code and, when it was not
 * Good, the text for the client's diagnostics.
 */
record WriteAnswer(StatusCode status, String text) {
  private static final Logger log = LoggerFactory.getLogger(WriteAnswer.class);

  /** The write's answer, or Bad_Timeout after the write timeout (the write is not cancelled). */
  static CompletableFuture<WriteAnswer> of(
      String path, CompletableFuture<WriteOutcome> future, Duration writeTimeout) {
    // A copy: the timeout ends the client's wait, not the runtime's write.
    return future
        .thenApply(outcome -> outcome)
        .orTimeout(writeTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (outcome, e) -> {
              if (e == null) {
                StatusCode status = AppMapping.statusOf(outcome);
                if (status.isGood()) {
                  return new WriteAnswer(status, null);
                }
                return new WriteAnswer(status, outcome != null ? outcome.status() : "no outcome");
              }
              Throwable cause =
                  e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              if (cause instanceof TimeoutException) {
                String text =
                    "no answer within " + writeTimeout.toMillis() + " ms; the write may complete";
                log.warn("OPC UA write of {}: {}", path, text);
                return new WriteAnswer(new StatusCode(StatusCodes.Bad_Timeout), text);
              }
              log.warn("OPC UA write of {} failed", path, cause);
              return new WriteAnswer(
                  new StatusCode(StatusCodes.Bad_CommunicationError),
                  "failed: " + cause.getMessage());
            });
  }
}
