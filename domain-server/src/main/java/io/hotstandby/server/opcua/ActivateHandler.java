package io.hotstandby.server.opcua;

/**
 * Decides an operator's {@code Activate} request made over OPC UA. It may block (checking
 * preconditions, asking the peer); the endpoint calls it on its own thread and bounds the wait.
 */
@FunctionalInterface
public interface ActivateHandler {
  ActivateResult activate();
}
