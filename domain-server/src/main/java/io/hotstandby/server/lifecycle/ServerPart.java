package io.hotstandby.server.lifecycle;

import io.hotstandby.server.StartupException;
import java.util.Optional;

/**
 * One long-lived part of a domain server (the event log, the runtime, the REC link, the OPC UA
 * endpoint, the cluster member, the role thread...): started once, in order, and stopped once, in
 * the reverse order. A part starts no thread before {@link #start}; a second {@link #stop} does
 * nothing.
 */
public interface ServerPart {

  /** Where a part is in its life, in the order it goes through. */
  enum State {
    NEW,
    STARTING,
    RUNNING,
    STOPPING,
    TERMINATED,
    FAILED;

    /** Whether the part will never run again. */
    public boolean isTerminal() {
      return this == TERMINATED || this == FAILED;
    }
  }

  /** A short name for logs and errors, e.g. "rec" or "opcua". */
  String name();

  /**
   * Starts the part; when it returns the part is running.
   *
   * @throws StartupException with a one-line reason and the exit code when it cannot start
   */
  void start() throws StartupException;

  /** Stops the part and releases what it holds; harmless when already stopped or never started. */
  void stop();

  State state();

  /** Why the part failed, when it did. */
  Optional<Throwable> failure();
}
