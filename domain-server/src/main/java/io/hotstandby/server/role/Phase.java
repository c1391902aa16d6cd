package io.hotstandby.server.role;

import io.hotstandby.rec.ServerState;

/**
 * Where a server is in its role, finer than the {@link ServerState} it announces: the sub-states of
 * a planned switchover and of a paused active are phases of their own, so every rule of {@link
 * RoleTable} names its target and no flag hides one.
 */
public enum Phase {
  /** Listening for the domain's servers during the join window. */
  STARTING(ServerState.STARTING),
  /** Watching the active, ready to take over. */
  STANDBY(ServerState.STANDBY),
  /**
   * A standby that asked the active to hand the role over and waits for it (planned switchover).
   */
  REQUESTING(ServerState.STANDBY),
  /** A former active that released the role to its standby and waits until that one has it. */
  HANDING_OVER(ServerState.STANDBY),
  /** Running the application. */
  ACTIVE(ServerState.ACTIVE),
  /** An active whose process was paused: device writes held until it has heard its peers. */
  SUSPENDED(ServerState.ACTIVE),
  /** Declared in the domain but neither main nor backup. */
  INACTIVE(ServerState.INACTIVE),
  /** Set to maintenance in the domain file. */
  MAINTENANCE(ServerState.MAINTENANCE),
  /**
   * The domain stopped on this server by an operator: the process runs but takes part in no role
   * until the domain is started again; announced as STOPPED, so peers treat it as gone.
   */
  DOMAIN_STOPPED(ServerState.STOPPED),
  /** Shut down; terminal. */
  STOPPED(ServerState.STOPPED);

  private final ServerState state;

  Phase(ServerState state) {
    this.state = state;
  }

  /** The state this phase announces to peers and clients. */
  public ServerState state() {
    return state;
  }
}
