package io.hotstandby.rec;

import java.util.Arrays;

/**
 * How long one peer may be silent before it counts as lost: the failover timeout (the floor) while
 * the peer is punctual, longer, up to a ceiling, while there is reason to expect a busy machine
 * rather than a dead peer.
 *
 * <ul>
 *   <li><b>Recent gaps:</b> at least {@value #GAP_FACTOR} times the largest gap between the peer's
 *       heartbeats within the last minute (kept in six slots of ten seconds), so a peer whose
 *       heartbeats came 300 ms apart a moment ago gets 600 ms.
 *   <li><b>Warm-up:</b> the ceiling during the first minute after this link started or the peer
 *       started a new boot. A JVM's first half minute is when its longest pauses happen (class
 *       loading, compilation, the first collections; see docs/BENCHMARKS.md, "Soak"), and after a
 *       power cut every process starts at once.
 * </ul>
 *
 * A crash the cluster reports (its connection closed) is not judged here and stays fast. With the
 * ceiling equal to the floor the timeout is fixed. Pure logic on the caller's monotonic clock; not
 * thread-safe ({@link PeerTable} guards it).
 */
final class LossTimeout {
  static final long GAP_FACTOR = 2;
  static final long WARMUP_NANOS = 60_000_000_000L;
  private static final long SLOT_NANOS = 10_000_000_000L;
  private static final int SLOTS = 6;

  private final long floor;
  private final long ceiling;
  private final long[] slotMax = new long[SLOTS];
  private final long[] slotNo = new long[SLOTS];
  private long warmUntil;

  /**
   * @param floorNanos the timeout of a punctual peer (the domain's failover timeout)
   * @param ceilingNanos the longest it may grow to, at least the floor
   * @param startNanos when the link started: the warm-up runs from here
   */
  LossTimeout(long floorNanos, long ceilingNanos, long startNanos) {
    if (ceilingNanos < floorNanos) {
      throw new IllegalArgumentException("ceiling below floor");
    }
    this.floor = floorNanos;
    this.ceiling = ceilingNanos;
    this.warmUntil = startNanos + WARMUP_NANOS;
    Arrays.fill(slotNo, Long.MIN_VALUE);
  }

  /** The peer started a new boot (a restarted process): a new warm-up from {@code now}. */
  void booted(long now) {
    warmUntil = now + WARMUP_NANOS;
  }

  /** A heartbeat arrived {@code gapNanos} after the previous one, with no loss in between. */
  void gap(long gapNanos, long now) {
    long no = Math.floorDiv(now, SLOT_NANOS);
    int i = (int) Math.floorMod(no, SLOTS);
    if (slotNo[i] != no) {
      slotNo[i] = no;
      slotMax[i] = 0;
    }
    slotMax[i] = Math.max(slotMax[i], gapNanos);
  }

  /** The silence after which the peer counts as lost, as of {@code now}. */
  long nanos(long now) {
    if (ceiling == floor) {
      return floor;
    }
    if (now - warmUntil < 0) {
      return ceiling;
    }
    long no = Math.floorDiv(now, SLOT_NANOS);
    long largest = 0;
    for (int i = 0; i < SLOTS; i++) {
      if (slotNo[i] != Long.MIN_VALUE && no - slotNo[i] < SLOTS) {
        largest = Math.max(largest, slotMax[i]);
      }
    }
    return Math.max(floor, Math.min(ceiling, GAP_FACTOR * largest));
  }
}
