package io.hotstandby.runtime;

import io.hotstandby.runtime.project.ProjectFileException;

/** A project that cannot be loaded; the message names the file, the element and the problem. */
public class RuntimeLoadException extends Exception {
  public RuntimeLoadException(String message) {
    super(message);
  }

  public RuntimeLoadException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A project file that cannot be used: its message says file, field and problem. */
  public RuntimeLoadException(ProjectFileException cause) {
    super(cause.getMessage(), cause);
  }
}
