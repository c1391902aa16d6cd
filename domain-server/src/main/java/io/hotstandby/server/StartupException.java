package io.hotstandby.server;

/**
 * A server that cannot start: bad domain file, unknown server, port in use, data directory in use.
 * The message is one line for the operator; the exit code tells scripts which kind.
 */
public final class StartupException extends Exception {
  /** Exit code for bad input: arguments, domain file, unknown server. */
  public static final int CONFIG = 2;

  /** Exit code for a resource that cannot be had: a port in use, a locked data directory. */
  public static final int RESOURCE = 3;

  private final int exitCode;

  public StartupException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public StartupException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  public int exitCode() {
    return exitCode;
  }
}
