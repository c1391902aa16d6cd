package io.hotstandby.server.opcua;

/** The OPC UA endpoint could not start; the message is one line for the operator. */
public final class OpcUaEndpointException extends Exception {
  public OpcUaEndpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
