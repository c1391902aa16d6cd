package io.hotstandby.server.opcua;

/**
 * The answer to an operator's {@code Activate} request, returned as the method's output arguments.
 *
 * @param accepted whether this server accepted the request and will (or already did) become active
 * @param message one line for the operator: why it was rejected, or what happens next
 */
public record ActivateResult(boolean accepted, String message) {
  public ActivateResult {
    message = message == null ? "" : message;
  }
}
