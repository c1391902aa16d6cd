package io.hotstandby.server.role;

/**
 * The named timers of the role machine. The machine arms one with a {@link Effect.StartTimer}, the
 * server schedules it on a monotonic scheduler and feeds back a {@link RoleEvent.Timeout}; a
 * timeout that is no longer armed, or comes early, is ignored.
 */
public enum RoleTimer {
  /** A starting server has listened long enough to decide (the join window). */
  JOIN,
  /** A planned switchover did not complete in time. */
  SWAP,
  /** A standby has heard no active for the quiet period. */
  QUIET,
  /** A paused active has heard nobody for a full failover timeout. */
  RESUME,
  /** The main has stood by for the stable period before its automatic return. */
  RETURN,
  /** An active with a quorum witness checks whether its lease ran out with nobody heard. */
  LEASE
}
