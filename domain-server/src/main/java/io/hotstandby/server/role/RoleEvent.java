package io.hotstandby.server.role;

import io.hotstandby.rec.ServerState;

/** Something that happened to a server that may change its state. Each event is a small record. */
public sealed interface RoleEvent {

  /** The process has started and its services are up. */
  record Started() implements RoleEvent {}

  /** A timer the machine armed has run out (on the monotonic clock). */
  record Timeout(RoleTimer timer) implements RoleEvent {}

  /**
   * A fact the machine decides on changed outside it: the integrity check's result, the runtime's
   * readiness or its failure weight.
   *
   * @param what which, for the event log, e.g. "integrity check passes"
   */
  record FactsChanged(String what) implements RoleEvent {}

  /**
   * A valid heartbeat from the partner (the other of main and backup).
   *
   * @param peer the partner's name
   * @param state the state it announces
   * @param term its term
   * @param activeSinceMillis wall-clock time it became active, 0 if not active
   * @param health its failure weight
   * @param runtimeReady whether its runtime could run
   * @param domainVersion the domain file version it runs
   * @param productVersion its product version
   * @param takeoverRequest the server it asks to hand over to it, or ""
   * @param handoverTo the server it has released the active role to, or ""
   * @param echoNanos our own monotonic send time that this heartbeat echoes back, 0 if none: a
   *     heartbeat echoing a send made after a pause is the peer's current view, not a stale one
   *     left in a socket buffer while this process was frozen
   * @param leaseRequest the partner, a standby that lost this server, asks the quorum witness for
   *     the lease
   */
  record PeerHeard(
      String peer,
      ServerState state,
      long term,
      long activeSinceMillis,
      int health,
      boolean runtimeReady,
      long domainVersion,
      String productVersion,
      String takeoverRequest,
      String handoverTo,
      long echoNanos,
      boolean leaseRequest)
      implements RoleEvent {}

  /**
   * The partner is gone: no heartbeat on any path for its loss timeout, a crash seen by the cluster
   * while heartbeats were already missing, or a graceful stop it announced.
   *
   * @param peer the partner's name
   * @param cause a short text for the event log, e.g. "lost on all paths for 512 ms"
   */
  record PeerLost(String peer, String cause) implements RoleEvent {}

  /** The heartbeat schedule of this process ran late (SIGSTOP, GC pause, frozen VM). */
  record Paused(long lateMillis) implements RoleEvent {}

  /** An operator asked this server to become active. */
  record ActivateRequested(String user) implements RoleEvent {}

  /**
   * The domain file in force changed; the context already answers from the new version.
   *
   * @param version the version of the domain file now in force
   */
  record DomainChanged(long version) implements RoleEvent {}

  /**
   * An operator stopped the domain on this server: it leaves its role (an active has handed over
   * first where it could) and stays out of every role, across restarts, until started again.
   *
   * @param force stop even while running the application (an administrator's choice); without it a
   *     server that is ACTIVE, or handing the role over, refuses
   */
  record DomainStopRequested(String user, boolean force) implements RoleEvent {}

  /** An operator started the domain on this server again: it joins as it does at start. */
  record DomainStartRequested(String user) implements RoleEvent {}

  /** The process is shutting down. */
  record Shutdown() implements RoleEvent {}
}
