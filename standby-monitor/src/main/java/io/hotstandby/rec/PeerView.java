package io.hotstandby.rec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable snapshot of what the REC link knows about one peer.
 *
 * @param name the peer's server name
 * @param last the last valid heartbeat received on any path, null until the first
 * @param liveness the peer's liveness
 * @param lastSeenNanos the link's monotonic clock ({@link System#nanoTime()} unless a test clock
 *     was given) when the last valid heartbeat arrived, 0 until the first
 * @param paths per path, in configuration order
 * @param lossTimeoutMs the silence after which the peer counts as lost right now: the failover
 *     timeout, or longer while the peer was recently late or either side is warming up (see {@code
 *     hotStandby/@failoverTimeoutMaxMs})
 */
public record PeerView(
    String name,
    Heartbeat last,
    Liveness liveness,
    long lastSeenNanos,
    Map<String, PathStatus> paths,
    long lossTimeoutMs) {

  /**
   * The failure detector's opinion of a peer. After UNKNOWN the constants go from best to worst;
   * the detector relies on this order (silence only moves a peer towards LOST).
   */
  public enum Liveness {
    /** Never heard since the link started; not lost, simply not (yet) there. */
    UNKNOWN,
    /** A valid heartbeat arrived recently. */
    ALIVE,
    /** Nothing valid on any path for more than 1.5 heartbeat intervals. */
    SUSPECT,
    /** Nothing valid on any path for longer than the peer's loss timeout. */
    LOST
  }

  public PeerView {
    paths = Collections.unmodifiableMap(new LinkedHashMap<>(paths));
  }

  /** Whether at least one path is up. */
  public boolean anyPathUp() {
    return paths.values().stream().anyMatch(PathStatus::up);
  }
}
