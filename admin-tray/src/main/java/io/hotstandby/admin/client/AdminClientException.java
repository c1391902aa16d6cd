package io.hotstandby.admin.client;

/** A domain server could not be reached or did not answer; the message is one line. */
public final class AdminClientException extends Exception {
  public AdminClientException(String message, Throwable cause) {
    super(message, cause);
  }

  public AdminClientException(String message) {
    super(message);
  }
}
