package io.hotstandby.events;

/**
 * How much an event matters to an operator. Every part that reports to the event log (the role
 * machine, the domain and project replication, the runtime) weighs its events with this scale.
 */
public enum Weight {
  NOTICE,
  WARNING,
  ERROR
}
