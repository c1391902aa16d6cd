package io.hotstandby.server.role;

import io.hotstandby.domain.DomainRole;

/**
 * Every duration of the role rules, derived from the domain's failover timeout in this one place.
 */
public final class RoleTimings {
  private RoleTimings() {}

  /**
   * How long a starting server listens before it may claim the role: two failover timeouts for the
   * main, four for the backup, so that when both start together the main takes the role.
   */
  public static long joinWindowMillis(DomainRole role, long failoverTimeoutMillis) {
    return role == DomainRole.BACKUP ? 4 * failoverTimeoutMillis : 2 * failoverTimeoutMillis;
  }

  /**
   * How long a planned switchover may take before it is aborted: max(2 s, 4 × failover timeout).
   */
  public static long swapTimeoutMillis(long failoverTimeoutMillis) {
    return Math.max(2000, 4 * failoverTimeoutMillis);
  }

  /** How long a standby hears no active before it concludes nobody is active. */
  public static long quietMillis(long failoverTimeoutMillis) {
    return failoverTimeoutMillis;
  }

  /** How late a heartbeat or role schedule may run before the process counts as paused. */
  public static long pauseMillis(long failoverTimeoutMillis) {
    return failoverTimeoutMillis / 2;
  }
}
