package io.hotstandby.rec;

import io.hotstandby.rec.PeerView.Liveness;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the link knows about one peer: its last heartbeat, liveness, paths and the sequence numbers
 * that guard against replays. Not thread-safe: {@link PeerTable} guards it.
 */
final class PeerState {
  final String name;
  final Map<String, PathState> paths = new LinkedHashMap<>();

  Liveness liveness = Liveness.UNKNOWN;
  private Heartbeat last;
  private long lastSeenNanos;

  /** Reference for the loss timeout: the last arrival, or the end of a local pause. */
  private long lossRefNanos;

  /** This server paused since the last arrival: the next gap measures us, not the peer. */
  private boolean pausedSinceLast;

  private boolean hasBoot;
  private long bootId;
  private long maxSeq;

  /** The highest boot heard before this link started (persisted): anything below is refused. */
  private final long bootFloor;

  final LossTimeout loss;

  PeerState(String name, Map<String, InetSocketAddress> targets, long bootFloor, LossTimeout loss) {
    this.name = name;
    this.bootFloor = bootFloor;
    this.loss = loss;
    targets.forEach((path, target) -> paths.put(path, new PathState(path, target)));
  }

  /** The boot of the last accepted heartbeat, or the persisted floor before any. */
  long boot() {
    return hasBoot ? bootId : bootFloor;
  }

  /**
   * Checks a heartbeat's boot and sequence number and, if fresh, records them.
   *
   * <p>The sender gives each round one sequence number and sends it on every path, so the copy on
   * the slower path carries the number just seen on the faster one: a heartbeat is fresh if its
   * number is above the last on its own path and not below the highest on any path. A replay of an
   * earlier round on another path is thus refused as well. Boot numbers only grow (the sender
   * persists its own, the receiver the highest it heard): a higher boot starts afresh, a lower one
   * is an earlier run of the peer and refused, even after either side restarted.
   *
   * @return null if accepted, else why not
   */
  String admit(Heartbeat hb, PathState path) {
    long seq = hb.seq();
    long boot = hb.bootId();
    if (hasBoot && boot == bootId) {
      if (seq <= path.lastSeq || seq < maxSeq) {
        return "replayed or out-of-order heartbeat of "
            + name
            + " (seq "
            + seq
            + ", last "
            + Math.max(path.lastSeq, maxSeq)
            + ")";
      }
    } else if (boot < boot()) {
      return "heartbeat of an earlier boot of " + name + " (boot " + boot + ", now " + boot() + ")";
    } else {
      hasBoot = true;
      bootId = boot;
      maxSeq = Long.MIN_VALUE;
      paths.values().forEach(p -> p.lastSeq = Long.MIN_VALUE);
    }
    path.lastSeq = seq;
    maxSeq = Math.max(maxSeq, seq);
    return null;
  }

  void heard(Heartbeat hb, long now) {
    if (last != null
        && !pausedSinceLast
        && (liveness == Liveness.ALIVE || liveness == Liveness.SUSPECT)) {
      loss.gap(now - lastSeenNanos, now);
    }
    pausedSinceLast = false;
    last = hb;
    lastSeenNanos = now;
    lossRefNanos = now;
  }

  /**
   * The liveness the peer's silence calls for. Suspicion counts the real silence; loss counts from
   * {@link #lossRefNanos}, which a local pause may have moved forward.
   */
  Liveness due(long now, long suspectNanos) {
    if (liveness == Liveness.UNKNOWN) {
      return Liveness.UNKNOWN;
    }
    if (now - lossRefNanos > loss.nanos(now)) {
      return Liveness.LOST;
    }
    return now - lastSeenNanos > suspectNanos ? Liveness.SUSPECT : Liveness.ALIVE;
  }

  /** After a local pause: the peer's silence during it is not held against it. */
  void resume(long now, long beforePause, long timeoutNanos) {
    if (liveness == Liveness.ALIVE || liveness == Liveness.SUSPECT) {
      lossRefNanos = now;
    }
    pausedSinceLast = true;
    paths.values().forEach(p -> p.resume(now, beforePause, timeoutNanos));
  }

  /**
   * This server's scheduler ran {@code lateNanos} late, too little to count as a pause: the peer's
   * loss timeout is held for that long, as its heartbeats may have waited here unread.
   */
  void delayed(long lateNanos, long now) {
    if (liveness == Liveness.ALIVE || liveness == Liveness.SUSPECT) {
      lossRefNanos = Math.min(now, lossRefNanos + lateNanos);
    }
  }

  PeerView view(long now, long timeoutNanos) {
    Map<String, PathStatus> statuses = new LinkedHashMap<>();
    paths.forEach((n, p) -> statuses.put(n, p.status(now, timeoutNanos)));
    return new PeerView(
        name,
        last,
        liveness,
        last == null ? 0 : lastSeenNanos,
        statuses,
        loss.nanos(now) / 1_000_000);
  }
}
