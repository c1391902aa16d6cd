package io.hotstandby.rec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How punctual a REC link is, to tell a busy machine from a dead peer: how late this server's own
 * scheduler ticks ran (starvation or a pause here), and per peer the gaps between consecutive
 * heartbeats, both as the peer sent them (its {@code sentAtNanos}: starvation or a pause there) and
 * as they arrived here (the same plus the network and this server's receiving). Counts since the
 * link started, in buckets of milliseconds. Thread-safe.
 */
public final class RecTiming {
  /** Upper bounds of the buckets, in milliseconds; the last bucket is everything above. */
  static final long[] BOUNDS_MS = {10, 25, 50, 100, 250, 500, 1000};

  private final long expectedNanos;
  private final Histogram tickLate = new Histogram();
  private final Map<String, Peer> peers = new TreeMap<>();

  /**
   * @param heartbeatMs the interval heartbeats are sent at (a gap's lateness is beyond it)
   */
  RecTiming(long heartbeatMs) {
    this.expectedNanos = heartbeatMs * 1_000_000;
  }

  private static final class Histogram {
    final long[] counts = new long[BOUNDS_MS.length + 1];
    long max;

    void add(long nanos) {
      long ms = Math.max(0, nanos / 1_000_000);
      int i = 0;
      while (i < BOUNDS_MS.length && ms > BOUNDS_MS[i]) {
        i++;
      }
      counts[i]++;
      max = Math.max(max, ms);
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      long n = 0;
      for (int i = 0; i < counts.length; i++) {
        n += counts[i];
        m.put(i < BOUNDS_MS.length ? "le" + BOUNDS_MS[i] : "over" + BOUNDS_MS[i - 1], counts[i]);
      }
      m.put("count", n);
      m.put("maxMs", max);
      return m;
    }
  }

  private static final class Peer {
    final Histogram sent = new Histogram();
    final Histogram arrived = new Histogram();
    long boot;
    long seq;
    long sentAt;
    long arrivedAt;
  }

  /** A scheduler tick ran {@code lateNanos} after it was due (0 or more). */
  synchronized void tick(long lateNanos) {
    tickLate.add(Math.max(0, lateNanos));
  }

  /**
   * A heartbeat of {@code peer} was accepted. Only the first arrival of each round counts (one
   * round carries one sequence number on every path), and only right after the previous round: a
   * gap across lost rounds says nothing about punctuality.
   */
  synchronized void arrived(String peer, long boot, long seq, long sentAtNanos, long nowNanos) {
    Peer p = peers.computeIfAbsent(peer, k -> new Peer());
    if (boot != p.boot || seq > p.seq) {
      if (boot == p.boot && seq == p.seq + 1) {
        p.sent.add(sentAtNanos - p.sentAt - expectedNanos);
        p.arrived.add(nowNanos - p.arrivedAt - expectedNanos);
      }
      p.boot = boot;
      p.seq = seq;
      p.sentAt = sentAtNanos;
      p.arrivedAt = nowNanos;
    }
  }

  /**
   * As one document: {@code tickLate} (this server's scheduler), and per peer {@code sentLate} and
   * {@code arrivedLate} (a gap beyond the heartbeat interval), each bucket counts with the bucket's
   * upper bound in its name ({@code le10} ... {@code over1000}), {@code count} and {@code maxMs}.
   */
  public synchronized Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tickLate", tickLate.toMap());
    Map<String, Object> byPeer = new LinkedHashMap<>();
    peers.forEach(
        (name, p) -> {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("sentLate", p.sent.toMap());
          one.put("arrivedLate", p.arrived.toMap());
          byPeer.put(name, one);
        });
    m.put("peers", byPeer);
    return m;
  }
}
