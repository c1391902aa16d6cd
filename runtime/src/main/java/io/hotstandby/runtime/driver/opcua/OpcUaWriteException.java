package io.hotstandby.runtime.driver.opcua;

/**
 * Why a write through an {@link OpcUaDriver} failed, in one line: the device is not connected, the
 * value does not fit the node, or the server answered with a bad status (named in the message).
 */
public final class OpcUaWriteException extends Exception {
  private static final long serialVersionUID = 1L;

  public OpcUaWriteException(String message) {
    super(message);
  }

  public OpcUaWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
