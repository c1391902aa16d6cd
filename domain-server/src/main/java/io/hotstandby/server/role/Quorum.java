package io.hotstandby.server.role;

import static io.hotstandby.rec.ServerState.ACTIVE;
import static io.hotstandby.rec.ServerState.STANDBY;

import io.hotstandby.rec.quorum.WitnessLease;

/**
 * What the role rules ask of the domain's quorum witness, when it has one: a standby takes the role
 * from a lost active only holding the witness's lease; an active that holds no lease and has not
 * heard its partner for half a failover timeout steps down before the witness can give the role
 * away. Without a witness every answer here lets the rules behave as before.
 */
final class Quorum {
  private Quorum() {}

  static boolean configured(RoleMachine m) {
    return !m.ctx.witness().isEmpty() && m.ctx.witnessLease() != null;
  }

  /** Monotonic nanoseconds of the machine's clock. */
  private static long nanos(RoleMachine m) {
    return m.nowNanos();
  }

  /**
   * Why this server may not claim the role alone (its partner not heard), or "" when it may: it
   * must hold the witness's lease, proven by a witness heartbeat naming it that echoes one of its
   * own recent heartbeats.
   */
  static String refusal(RoleMachine m) {
    if (!configured(m) || m.partnerUp()) {
      return "";
    }
    WitnessLease lease = m.ctx.witnessLease();
    long now = nanos(m);
    // The vote is the lease itself, valid as long as an active's: a stale grant (to this server
    // as the active it was) must not let it claim the role again after the witness moved on.
    if (lease.held(now)) {
      return "";
    }
    String w = m.ctx.witness();
    if (!lease.reachable(now)) {
      return "not taking the active role: witness " + w + " is not reachable (no quorum)";
    }
    String holder = lease.holder(now);
    return holder.isEmpty()
        ? "not taking the active role: witness " + w + " has not granted its lease yet"
        : "not taking the active role: witness " + w + " gives its lease to " + holder;
  }

  /** Whether a standby asks the witness for the lease: it has lost its partner. */
  static boolean wantsLease(RoleMachine m) {
    return configured(m) && m.phase.state() == STANDBY && !m.partnerUp();
  }

  /** Half a failover timeout, in milliseconds: how long an active goes without hearing anyone. */
  static long graceMillis(RoleMachine m) {
    return m.ctx.failoverTimeoutMillis() / 2;
  }

  /**
   * Whether an active must step down: it holds no valid lease, has not heard its partner for half a
   * failover timeout, and has been active at least that long (a server that just became ACTIVE by a
   * handover gets its lease with its first heartbeats).
   */
  static boolean leaseLost(RoleMachine m) {
    if (!configured(m) || m.phase.state() != ACTIVE) {
      return false;
    }
    long now = m.now();
    long grace = graceMillis(m);
    return !m.ctx.witnessLease().held(nanos(m))
        && now - m.partnerHeardAt >= grace
        && now - m.activatedAt >= grace;
  }

  /** When an active should next check its lease (monotonic milliseconds), or -1 for never. */
  static long nextCheck(RoleMachine m) {
    if (!configured(m) || m.phase.state() != ACTIVE) {
      return -1;
    }
    long grace = graceMillis(m);
    long leaseEnd = m.ctx.witnessLease().validUntil(nanos(m)) / 1_000_000;
    return Math.max(leaseEnd, Math.max(m.partnerHeardAt + grace, m.activatedAt + grace)) + 1;
  }

  /** Why an active steps down, for the event log. */
  static String stepDownReason(RoleMachine m) {
    return "lease of witness "
        + m.ctx.witness()
        + " expired and partner "
        + m.ctx.partner()
        + " not heard for "
        + (m.now() - m.partnerHeardAt)
        + " ms: stepping down before the witness can give the role away";
  }
}
