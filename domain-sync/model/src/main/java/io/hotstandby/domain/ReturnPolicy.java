package io.hotstandby.domain;

/** Whether the main server takes the active role back after a failover. */
public enum ReturnPolicy {
  /** Only an operator moves the role back (the default: a flapping main never steals it). */
  MANUAL,
  /** The main takes the role back after it has been a healthy standby for a stable period. */
  AUTOMATIC
}
