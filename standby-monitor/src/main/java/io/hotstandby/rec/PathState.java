package io.hotstandby.rec;

import java.net.InetSocketAddress;
import java.time.Instant;

/** What the link knows about one path to one peer. Not thread-safe: {@link PeerTable} guards it. */
final class PathState {
  /** Weight of a new RTT sample in the smoothed RTT; 1/4 follows changes within a few beats. */
  private static final double RTT_WEIGHT = 0.25;

  final String name;
  final InetSocketAddress target;

  /** Highest sequence number accepted on this path in the peer's current boot. */
  long lastSeq = Long.MIN_VALUE;

  private boolean heard;
  private long lastSeenNanos;

  /** Reference for "up": the last arrival, or the end of a local pause if the path was up. */
  private long upRefNanos;

  private Instant lastSeenWall;
  private long received;
  private double rttMillis = Double.NaN;

  // The peer's last sentAtNanos on this path and when it arrived, echoed back so the peer can
  // measure the round trip without synchronised clocks.
  private boolean hasEcho;
  private long echoNanos;
  private long echoReceivedAtNanos;

  PathState(String name, InetSocketAddress target) {
    this.name = name;
    this.target = target;
  }

  /**
   * Records an accepted heartbeat. Its echo fields give one RTT sample if they echo a heartbeat we
   * sent since {@code linkStartNanos} and were held no longer than {@code maxNanos}; anything else
   * (a peer echoing a previous run of ours, clock nonsense) is ignored rather than averaged in.
   */
  void accept(Heartbeat hb, long now, Instant wall, long linkStartNanos, long maxNanos) {
    heard = true;
    lastSeenNanos = now;
    upRefNanos = now;
    lastSeenWall = wall;
    received++;
    hasEcho = true;
    echoNanos = hb.sentAtNanos();
    echoReceivedAtNanos = now;
    long hold = hb.echoHoldNanos();
    if (hb.echoNanos() != 0 && hb.echoNanos() - linkStartNanos >= 0 && hold >= 0) {
      long rtt = now - hb.echoNanos() - hold;
      if (hold <= maxNanos && rtt >= 0 && rtt <= maxNanos) {
        double sample = rtt / 1e6;
        rttMillis =
            Double.isNaN(rttMillis) ? sample : rttMillis + RTT_WEIGHT * (sample - rttMillis);
      }
    }
  }

  boolean up(long now, long timeoutNanos) {
    return heard && now - upRefNanos <= timeoutNanos;
  }

  /** After a local pause: a path that was up before it gets a fresh timeout from {@code now}. */
  void resume(long now, long beforePause, long timeoutNanos) {
    if (up(beforePause, timeoutNanos)) {
      upRefNanos = now;
    }
  }

  /** The echo to put in the next heartbeat to the peer on this path. */
  Outgoing outgoing(String peer) {
    return new Outgoing(peer, name, target, hasEcho ? echoNanos : 0, echoReceivedAtNanos);
  }

  PathStatus status(long now, long timeoutNanos) {
    return new PathStatus(name, up(now, timeoutNanos), rttMillis, lastSeenWall, received);
  }

  long lastSeenNanos() {
    return lastSeenNanos;
  }

  /**
   * One heartbeat to send: to {@code peer} at {@code target} on {@code path}, echoing {@code
   * echoNanos} (0 for none) that arrived at {@code echoReceivedAtNanos}.
   */
  record Outgoing(
      String peer,
      String path,
      InetSocketAddress target,
      long echoNanos,
      long echoReceivedAtNanos) {}
}
