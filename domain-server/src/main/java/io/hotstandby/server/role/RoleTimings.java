package io.hotstandby.server.role;

import io.hotstandby.domain.DomainRole;

/**
 * The role timers that follow from the failover timeout, computed in one place for the role machine
 * and the server that drives it.
 *
 * @param failoverTimeoutMillis the domain's failover timeout
 * @param role this server's role in the domain
 */
public record RoleTimings(long failoverTimeoutMillis, DomainRole role) {

  /**
   * How long a starting server listens before it may claim the role: two failover timeouts for the
   * main, four for the backup, so that when both start together the main takes the role.
   */
  public long joinWindowMillis() {
    return role == DomainRole.BACKUP ? 4 * failoverTimeoutMillis : 2 * failoverTimeoutMillis;
  }

  /** How long a planned switchover may take before it is aborted. */
  public long swapTimeoutMillis() {
    return swapTimeoutMillis(failoverTimeoutMillis);
  }

  /** max(2 s, 4 × failover timeout): long enough for a handover heard over a lossy link. */
  public static long swapTimeoutMillis(long failoverTimeoutMillis) {
    return Math.max(2000, 4 * failoverTimeoutMillis);
  }
}
