package io.hotstandby.rec.quorum;

import java.util.Objects;

/**
 * A server's view of the witness's lease, from the witness's heartbeats. A witness heartbeat that
 * names this server as holder and echoes the heartbeat of this server that renewed it (sent at
 * {@code e} on this server's monotonic clock) proves the witness renewed no earlier than {@code e},
 * so its lease there lasts at least until {@code e + lease}; this server counts it valid only until
 * {@code e + lease - margin}, the margin covering a difference in clock rates and the time it takes
 * to step down. Thread-safe; times are monotonic nanoseconds passed in by the caller.
 */
public final class WitnessLease {
  private final String self;
  private final String witness;
  private final long leaseNanos;
  private final long marginNanos;
  private String holder = "";
  private long heardAt;
  private boolean heard;
  private long validUntil;
  private boolean valid;
  private long droppedAt;
  private boolean dropped;

  /**
   * @param self this server's name
   * @param witness the witness's name
   * @param leaseMillis the witness's lease (the domain's failover timeout)
   */
  public WitnessLease(String self, String witness, long leaseMillis) {
    this.self = Objects.requireNonNull(self, "self");
    this.witness = Objects.requireNonNull(witness, "witness");
    if (leaseMillis <= 0) {
      throw new IllegalArgumentException("lease of " + leaseMillis + " ms");
    }
    this.leaseNanos = leaseMillis * 1_000_000;
    this.marginNanos = leaseNanos / 4;
  }

  /**
   * One authenticated heartbeat of the witness reached this server.
   *
   * @param leaseHolder the holder it announces, "" for none
   * @param echoNanos the sending time (this server's clock) of the heartbeat of this server that
   *     last renewed the lease at the witness ({@code leaseEchoNanos}), 0 if none
   */
  public synchronized void heard(String leaseHolder, long echoNanos, long nowNanos) {
    heard = true;
    heardAt = nowNanos;
    holder = leaseHolder == null ? "" : leaseHolder;
    if (!holder.equals(self)) {
      valid = false;
      return;
    }
    // An echo from the future (not one of ours), older than a lease, or sent before this server
    // gave the role up proves nothing.
    if (echoNanos == 0
        || echoNanos - nowNanos > 0
        || nowNanos - echoNanos > leaseNanos
        || (dropped && echoNanos - droppedAt <= 0)) {
      return;
    }
    long until = echoNanos + leaseNanos - marginNanos;
    if (!valid || until - validUntil > 0) {
      validUntil = until;
      valid = true;
    }
  }

  /**
   * This server gave up the active role: the lease it held counts no more here, and a grant counts
   * again only if it echoes a heartbeat sent after now.
   */
  public synchronized void drop(long nowNanos) {
    valid = false;
    dropped = true;
    droppedAt = nowNanos;
  }

  /** Whether this server holds a lease it may act on now. */
  public synchronized boolean held(long nowNanos) {
    return valid && nowNanos - validUntil < 0;
  }

  /** The monotonic time this server's lease ends, or {@code nowNanos} when it holds none. */
  public synchronized long validUntil(long nowNanos) {
    return held(nowNanos) ? validUntil : nowNanos;
  }

  /** Whether the witness was heard within one lease period. */
  public synchronized boolean reachable(long nowNanos) {
    return heard && nowNanos - heardAt < leaseNanos;
  }

  /** The holder the witness announced last, "" for none or when it is not reachable. */
  public synchronized String holder(long nowNanos) {
    return reachable(nowNanos) ? holder : "";
  }

  /** The witness's name. */
  public String witness() {
    return witness;
  }

  /** The lease's length in milliseconds. */
  public long leaseMillis() {
    return leaseNanos / 1_000_000;
  }
}
