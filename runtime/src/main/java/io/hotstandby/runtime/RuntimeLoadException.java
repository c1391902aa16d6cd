package io.hotstandby.runtime;

/** A project that cannot be loaded; the message names the file, the element and the problem. */
public class RuntimeLoadException extends Exception {
  public RuntimeLoadException(String message) {
    super(message);
  }

  public RuntimeLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
