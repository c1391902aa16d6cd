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

  /**
   * Why this server may not claim the role alone (its partner not heard), or "" when it may: it
   * must hold the witness's lease, proven by a witness heartbeat naming it that echoes one of its
   * own recent heartbeats.
   */
  static String refusal(RoleMachine m) {
    if (!configured(m) || hearsEachOther(m)) {
      return "";
    }
    WitnessLease lease = m.ctx.witnessLease();
    long now = m.nowNanos();
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

  /**
   * Whether the partner and this server hear each other now: the partner's heartbeats arrive and
   * echo one of this server's sent within half a failover timeout. Hearing alone is not enough: a
   * link that fails one way would leave this server sure of a partner that has lost it.
   */
  static boolean hearsEachOther(RoleMachine m) {
    return m.partnerUp() && m.now() - m.partnerEchoAt < graceMillis(m);
  }

  /**
   * Whether a standby asks the witness for the lease: it has lost its partner and could take the
   * role (a standby that cannot must not hold the lease from an active that can).
   */
  static boolean wantsLease(RoleMachine m) {
    return configured(m)
        && m.phase.state() == STANDBY
        && !m.partnerUp()
        && m.ctx.runtimeReady()
        && m.ctx.integrityPasses()
        && !m.takeoverBlockedByVersion;
  }

  /**
   * This server left the ACTIVE role: the lease it held is given up in its own view too, so only a
   * grant that echoes a later heartbeat lets it claim the role again.
   */
  static void released(RoleMachine m) {
    if (configured(m)) {
      m.ctx.witnessLease().drop(m.nowNanos());
    }
  }

  /** Half a failover timeout, in milliseconds: how long an active goes without hearing anyone. */
  static long graceMillis(RoleMachine m) {
    return m.ctx.failoverTimeoutMillis() / 2;
  }

  /**
   * Whether an active must step down: it holds no valid lease, and its partner asks the witness for
   * the lease, or has not been heard to hear this server for half a failover timeout while this
   * server has been active at least that long (one that just became ACTIVE by a handover gets its
   * lease with its first heartbeats).
   */
  static boolean leaseLost(RoleMachine m) {
    if (!configured(m) || m.phase.state() != ACTIVE || m.ctx.witnessLease().held(m.nowNanos())) {
      return false;
    }
    if (partnerAsksForLease(m)) {
      return true; // the partner lost this server: it may get the lease as soon as it expires
    }
    long now = m.now();
    long grace = graceMillis(m);
    return now - m.partnerEchoAt >= grace && now - m.activatedAt >= grace;
  }

  private static boolean partnerAsksForLease(RoleMachine m) {
    return m.partnerUp() && m.partner.leaseRequest();
  }

  /** When an active should next check its lease (monotonic milliseconds), or -1 for never. */
  static long nextCheck(RoleMachine m) {
    if (!configured(m) || m.phase.state() != ACTIVE) {
      return -1;
    }
    long grace = graceMillis(m);
    long leaseEnd = m.ctx.witnessLease().validUntil(m.nowNanos()) / 1_000_000;
    return Math.max(leaseEnd, Math.max(m.partnerEchoAt + grace, m.activatedAt + grace)) + 1;
  }

  /** Why an active steps down, for the event log. */
  static String stepDownReason(RoleMachine m) {
    String partner =
        partnerAsksForLease(m)
            ? "partner " + m.ctx.partner() + " lost this server and asks the witness for it"
            : "partner "
                + m.ctx.partner()
                + " not heard to hear this server for "
                + (m.now() - m.partnerEchoAt)
                + " ms";
    return "lease of witness "
        + m.ctx.witness()
        + " expired and "
        + partner
        + ": stepping down before the witness can give the role away";
  }
}
