package io.hotstandby.rec.quorum;

import io.hotstandby.rec.ServerState;
import java.util.Objects;

/**
 * The witness's side of the lease on the active role: one holder at a time, renewed by every
 * heartbeat in which the holder claims the role (announces ACTIVE, or asks for the lease as a
 * standby that lost the active), given to another claimant only once {@code leaseNanos} passed on
 * this witness's monotonic clock without a renewal. A holder that announces anything else gives the
 * lease back at once (a planned switchover, a stop). Right after the witness starts it grants no
 * request for one lease period, so a server active before the witness came up is heard first.
 * Thread-safe; times are monotonic nanoseconds passed in by the caller.
 */
public final class WitnessArbiter {
  /** What one heartbeat did to the lease. */
  public enum Decision {
    /** Nothing changed: the sender does not claim the role and does not hold the lease. */
    NONE,
    /** The holder renewed its lease. */
    RENEWED,
    /** The lease went to the sender: it was free, or its holder's lease had expired. */
    GRANTED,
    /** The sender claims the role but another server's lease has not expired. */
    REFUSED,
    /** The holder no longer claims the role: the lease is free. */
    RELEASED
  }

  private final long leaseNanos;
  private final long startedAt;
  private String holder = "";
  private long renewedAt;
  private long renewedBySentAt;

  /**
   * @param leaseMillis how long a lease lasts without renewal (the domain's failover timeout)
   * @param nowNanos the monotonic time the witness started
   */
  public WitnessArbiter(long leaseMillis, long nowNanos) {
    if (leaseMillis <= 0) {
      throw new IllegalArgumentException("lease of " + leaseMillis + " ms");
    }
    this.leaseNanos = leaseMillis * 1_000_000;
    this.startedAt = nowNanos;
  }

  /**
   * One authenticated heartbeat of a server reached the witness.
   *
   * @param request the server, a standby, asks for the lease
   * @param sentAtNanos when the server sent it, on the server's clock: echoed with the lease
   */
  public synchronized Decision heard(
      String server, ServerState state, boolean request, long sentAtNanos, long nowNanos) {
    Objects.requireNonNull(server, "server");
    boolean claims = state == ServerState.ACTIVE || (request && state == ServerState.STANDBY);
    if (server.equals(holder)) {
      if (claims) {
        renewedAt = nowNanos;
        renewedBySentAt = sentAtNanos;
        return Decision.RENEWED;
      }
      holder = "";
      return Decision.RELEASED;
    }
    if (!claims) {
      return Decision.NONE;
    }
    // A request waits out the first lease period: an active the witness has not heard yet may
    // hold the role. An active's own claim is taken at once.
    boolean warmedUp = state == ServerState.ACTIVE || nowNanos - startedAt >= leaseNanos;
    if (warmedUp && expired(nowNanos)) {
      holder = server;
      renewedAt = nowNanos;
      renewedBySentAt = sentAtNanos;
      return Decision.GRANTED;
    }
    return Decision.REFUSED;
  }

  /** The server holding the lease now, or "" when none does (never granted, released, expired). */
  public synchronized String holder(long nowNanos) {
    return expired(nowNanos) ? "" : holder;
  }

  /**
   * The holder's send time (its clock) of the heartbeat that last renewed its lease, 0 when none is
   * held: announced with the holder, so the two always belong together.
   */
  public synchronized long holderEcho(long nowNanos) {
    return expired(nowNanos) ? 0 : renewedBySentAt;
  }

  /** How long the current lease has left, in milliseconds; 0 when none is held. */
  public synchronized long remainingMillis(long nowNanos) {
    return expired(nowNanos) ? 0 : (leaseNanos - (nowNanos - renewedAt)) / 1_000_000;
  }

  private boolean expired(long nowNanos) {
    return holder.isEmpty() || nowNanos - renewedAt >= leaseNanos;
  }
}
