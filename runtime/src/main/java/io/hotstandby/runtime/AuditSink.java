package io.hotstandby.runtime;

/**
 * Where the runtime records every operator action, accepted or refused. Called on the thread that
 * completes the action (a caller's or a driver's); must not block for long.
 */
@FunctionalInterface
public interface AuditSink {

  /** Records one action. */
  void record(AuditRecord record);

  /** A sink that records nothing. */
  static AuditSink none() {
    return r -> {};
  }
}
