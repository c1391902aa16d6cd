package io.hotstandby.server.role;

import io.hotstandby.rec.ServerState;

/**
 * The OPC UA ServiceLevel every server of a domain computes the same way, so an HMI connected to
 * all of them picks the active: 0 maintenance or stopped, 1 no data (starting, inactive, or a
 * standby whose runtime is not ready), 100–199 a ready standby, 200–255 the active, lower as its
 * failure weight grows.
 */
public final class ServiceLevels {
  private ServiceLevels() {}

  public static int of(
      ServerState state, boolean runtimeReady, int health, boolean writesSuspended) {
    int penalty = Math.min(Math.max(health, 0), 55);
    return switch (state) {
      case MAINTENANCE, STOPPED -> 0;
      case STARTING, INACTIVE, WITNESS -> 1;
      case STANDBY -> runtimeReady ? 199 - Math.min(penalty, 99) : 1;
      case ACTIVE -> writesSuspended ? 200 : 255 - penalty;
    };
  }
}
