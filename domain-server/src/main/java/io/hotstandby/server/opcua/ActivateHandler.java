package io.hotstandby.server.opcua;

import java.util.concurrent.CompletableFuture;

/**
 * Decides an operator's {@code Activate} request made over OPC UA. The answer comes through a
 * future (a switchover takes a while); the endpoint asks on a bounded executor of its own and
 * bounds the wait.
 */
@FunctionalInterface
public interface ActivateHandler {
  /**
   * @param user the user name of the operator who asked (allowed already)
   */
  CompletableFuture<ActivateResult> activate(String user);
}
