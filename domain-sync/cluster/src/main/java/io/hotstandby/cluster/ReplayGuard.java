package io.hotstandby.cluster;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Refuses topic messages seen before, and messages of a sender's earlier process, by the header
 * inside their seal. Per topic and sender it keeps the current boot (the one with the latest start)
 * and, DTLS-style, the highest sequence number with a bitmap of the {@value #WINDOW} below it: a
 * number is accepted once, and only if above the highest or within the window below it (Hazelcast
 * may deliver a burst slightly out of order; a number accepted once is refused thereafter). A
 * message sent more than the age limit before or after now is refused too, which covers the boots a
 * restarted receiver never saw. Thread-safe.
 */
final class ReplayGuard {
  /** How far below the highest sequence number a late message is still accepted once. */
  static final int WINDOW = 64;

  private static final int RETIRED_BOOTS = 16;

  /** Why a message was refused; null when accepted. */
  enum Verdict {
    REPLAY,
    OLD_BOOT,
    STALE
  }

  private static final class Stream {
    long bootId;
    long bootStart;
    long highest;
    long seen; // bit i: highest - i was accepted
    final Set<Long> retired = new LinkedHashSet<>();
  }

  private final long maxAgeMillis;
  private final LongSupplier wallClock;
  private final Map<String, Stream> streams = new HashMap<>();

  ReplayGuard(long maxAgeMillis, LongSupplier wallClock) {
    this.maxAgeMillis = maxAgeMillis;
    this.wallClock = wallClock;
  }

  /** Checks and, when accepted, records one message; null means accepted. */
  synchronized Verdict admit(String topic, TopicEnvelope.Opened m) {
    if (Math.abs(wallClock.getAsLong() - m.sentAt()) > maxAgeMillis) {
      return Verdict.STALE;
    }
    String key = topic + '\u0000' + m.sender();
    Stream s = streams.get(key);
    if (s == null) {
      s = new Stream();
      streams.put(key, s);
      start(s, m);
      return null;
    }
    if (m.bootId() != s.bootId) {
      if (s.retired.contains(m.bootId()) || m.bootStart() <= s.bootStart) {
        return Verdict.OLD_BOOT;
      }
      s.retired.add(s.bootId);
      if (s.retired.size() > RETIRED_BOOTS) {
        s.retired.remove(s.retired.iterator().next());
      }
      start(s, m);
      return null;
    }
    long seq = m.seq();
    if (seq > s.highest) {
      long shift = seq - s.highest;
      s.seen = shift >= WINDOW ? 1 : (s.seen << shift) | 1;
      s.highest = seq;
      return null;
    }
    long back = s.highest - seq;
    if (back >= WINDOW || (s.seen & (1L << back)) != 0) {
      return Verdict.REPLAY;
    }
    s.seen |= 1L << back;
    return null;
  }

  private static void start(Stream s, TopicEnvelope.Opened m) {
    s.bootId = m.bootId();
    s.bootStart = m.bootStart();
    s.highest = m.seq();
    s.seen = 1;
  }
}
