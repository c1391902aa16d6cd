package io.hotstandby.rec;

/**
 * The state of a domain server, as it announces it in every heartbeat. Ordered roughly along a
 * server's life; only {@link #STOPPED} is terminal. {@link #WITNESS} is the state of a witness for
 * its whole life.
 */
public enum ServerState {
  /** Started, listening for peers during the join window; claims nothing yet. */
  STARTING,
  /** Set to maintenance in the domain file: takes part in no domain event. */
  MAINTENANCE,
  /** Declared in the domain but neither main nor backup. */
  INACTIVE,
  /** Runtime loaded, watching the active, ready to take over. */
  STANDBY,
  /** The one server that runs the application. */
  ACTIVE,
  /** Shut down. */
  STOPPED,
  /**
   * A quorum witness: runs no application, only grants the lease on the active role (see {@code
   * io.hotstandby.rec.quorum}).
   */
  WITNESS;

  public boolean isTerminal() {
    return this == STOPPED;
  }
}
