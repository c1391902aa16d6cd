package io.hotstandby.server.opcua;

import java.util.concurrent.CompletableFuture;

/**
 * Decides an operator's {@code Activate} request made over OPC UA. {@link #activate} may block
 * (checking preconditions, asking the peer); the endpoint calls it on its own thread and bounds the
 * wait. A handler that can answer through a future overrides {@link #activateLater} and frees that
 * thread too.
 */
@FunctionalInterface
public interface ActivateHandler {
  ActivateResult activate();

  /** The answer through a future; by default {@link #activate} on the calling thread. */
  default CompletableFuture<ActivateResult> activateLater() {
    return CompletableFuture.completedFuture(activate());
  }
}
