package io.hotstandby.server.role;

/**
 * What the role machine asks the server to do after an event, returned as data in {@link Outcome}
 * and carried out, in order, by the one thread that feeds the machine.
 */
public sealed interface Effect {

  /** Schedule a {@link RoleEvent.Timeout} for {@code timer} after {@code delayMillis}. */
  record StartTimer(RoleTimer timer, long delayMillis) implements Effect {}

  /** Let the runtime evaluate alarms and write to devices: this server became ACTIVE. */
  record ActivateRuntime() implements Effect {}

  /** Stop writing and evaluating: this server left ACTIVE. Slow driver work belongs off-thread. */
  record DeactivateRuntime() implements Effect {}

  /** Hold or release device writes (a paused active waiting to hear its peers). */
  record SuspendWrites(boolean suspended) implements Effect {}

  /** Tell the peers and clients at once: the announced snapshot changed. */
  record Announce() implements Effect {}
}
