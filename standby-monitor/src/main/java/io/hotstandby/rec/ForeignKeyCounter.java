package io.hotstandby.rec;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts, per declared peer, the well-formed heartbeats from that peer's declared address whose MAC
 * fails under every accepted key, over the last failover-timeout window: a peer that talks under
 * another secret (an older domain file) rather than one that is silent. The source address is
 * unauthenticated, so this is a hint for a server that has not joined yet, never a reason to leave
 * a role. When several peers share the source (loopback relays in tests), the unauthenticated name
 * in the datagram picks among them. Memory is bounded: at most {@value #CAP} times per peer.
 * Thread-safe.
 */
final class ForeignKeyCounter {
  static final int CAP = 256;

  private final Map<String, Map<String, InetSocketAddress>> peers;
  private final long windowNanos;
  private final Map<String, Deque<Long>> seen = new LinkedHashMap<>();

  ForeignKeyCounter(Map<String, Map<String, InetSocketAddress>> peers, long windowNanos) {
    this.peers = peers;
    this.windowNanos = windowNanos;
    peers.keySet().forEach(p -> seen.put(p, new ArrayDeque<>()));
  }

  /**
   * Records a wrong-key heartbeat from {@code source} on {@code path}, claiming {@code claimed}.
   */
  void record(String path, SocketAddress source, String claimed, long nowNanos) {
    List<String> candidates = new ArrayList<>();
    peers.forEach(
        (peer, paths) -> {
          InetSocketAddress target = paths.get(path);
          if (target != null && DeclaredSources.matches(target, source)) {
            candidates.add(peer);
          }
        });
    String peer =
        candidates.size() == 1 ? candidates.get(0) : candidates.contains(claimed) ? claimed : null;
    if (peer == null) {
      return;
    }
    synchronized (seen) {
      Deque<Long> times = seen.get(peer);
      prune(times, nowNanos);
      if (times.size() == CAP) {
        times.removeFirst();
      }
      times.addLast(nowNanos);
    }
  }

  /** Per peer, the wrong-key heartbeats of the last window; only peers with at least one. */
  Map<String, Integer> counts(long nowNanos) {
    Map<String, Integer> out = new LinkedHashMap<>();
    synchronized (seen) {
      seen.forEach(
          (peer, times) -> {
            prune(times, nowNanos);
            if (!times.isEmpty()) {
              out.put(peer, times.size());
            }
          });
    }
    return Collections.unmodifiableMap(out);
  }

  private void prune(Deque<Long> times, long nowNanos) {
    while (!times.isEmpty() && nowNanos - times.peekFirst() > windowNanos) {
      times.removeFirst();
    }
  }
}
