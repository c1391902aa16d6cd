package io.hotstandby.domain;

/**
 * What a user of the domain's servers may do; each user role may do what the ones before it may.
 * Not to be confused with a server's {@link DomainRole} (main, backup) or its state (active,
 * standby).
 */
public enum UserRole {
  /** Read everything. */
  VIEWER,
  /** Also write tags, acknowledge alarms, switch over. */
  OPERATOR,
  /** Also change the domain file. */
  ADMINISTRATOR;

  /** Whether this user role includes {@code other}. */
  public boolean includes(UserRole other) {
    return compareTo(other) >= 0;
  }
}
