package io.hotstandby.server.mirror;

import io.hotstandby.events.ReportThrottle;
import io.hotstandby.events.Weight;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The active's side of the mirror: numbers every change of the runtime's state in one stream per
 * activation, sends them in batches (at most {@value #MAX_BATCH} entries, at least every {@value
 * #LINGER_MS} ms while there are some, at once when someone waits for a confirmation), answers a
 * standby's snapshot request, and tells an operator's action when every following standby has
 * applied it ({@link #confirm}).
 */
final class MirrorPublisher {
  static final int MAX_BATCH = 4000;
  static final long LINGER_MS = 5;

  /** A standby that has not acknowledged for this long is no longer waited for. */
  static final long FOLLOWER_SILENCE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final MirrorHost host;
  private final SecureRandom random = new SecureRandom();
  private final Object lock = new Object();
  private final ReportThrottle unconfirmedReports =
      new ReportThrottle(Duration.ofMinutes(1), System::nanoTime);
  // Guarded by lock.
  private long stream;
  private long seq;
  private long sentUpTo;
  private boolean publishing;
  private boolean urgent;
  private final List<MirrorEntry> pending = new ArrayList<>();
  private final Map<String, long[]> acks = new HashMap<>(); // follower -> {applied, nanos}
  private final List<Waiter> waiters = new ArrayList<>();
  private long unconfirmed;
  private boolean report;

  private record Waiter(long seq, long deadlineNanos, CompletableFuture<Boolean> done) {}

  MirrorPublisher(MirrorHost host) {
    this.host = host;
  }

  /** This server became ACTIVE: a new stream starts. */
  void start() {
    synchronized (lock) {
      long s;
      do {
        s = random.nextLong();
      } while (s == 0);
      stream = s;
      seq = 0;
      sentUpTo = 0;
      pending.clear();
      acks.clear();
      publishing = true;
    }
  }

  /** This server is no longer ACTIVE: what is pending is sent at once, nothing more is taken. */
  void stop() {
    synchronized (lock) {
      publishing = false;
      urgent = true;
      lock.notifyAll();
    }
  }

  /** Takes one change, if publishing. */
  void offer(MirrorEntry e) {
    synchronized (lock) {
      if (!publishing) {
        return;
      }
      pending.add(e);
      seq++;
      if (pending.size() >= MAX_BATCH) {
        lock.notifyAll();
      }
    }
  }

  /** The number of the last change taken (0 before any), of the current stream. */
  long head() {
    synchronized (lock) {
      return seq;
    }
  }

  long stream() {
    synchronized (lock) {
      return stream;
    }
  }

  /** How many operator actions were answered without the standby's confirmation in time. */
  long unconfirmed() {
    synchronized (lock) {
      return unconfirmed;
    }
  }

  /**
   * Completes with true once every standby following this stream has applied every change taken so
   * far (at once when none follows), or with false after the confirmation timeout.
   */
  CompletableFuture<Boolean> confirm() {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    synchronized (lock) {
      long target = seq;
      if (target == 0 || allApplied(target, System.nanoTime())) {
        done.complete(true);
        return done;
      }
      waiters.add(
          new Waiter(
              target,
              System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(host.confirmTimeoutMillis()),
              done));
      urgent = true;
      lock.notifyAll();
    }
    return done;
  }

  /**
   * Whether every standby still following has applied up to {@code target}: one silent for {@link
   * #FOLLOWER_SILENCE_NANOS}, or that announced it stopped, is not waited for.
   */
  private boolean allApplied(long target, long now) {
    for (Map.Entry<String, long[]> e : acks.entrySet()) {
      long[] a = e.getValue();
      if (now - a[1] < FOLLOWER_SILENCE_NANOS && a[0] < target && !host.stopped(e.getKey())) {
        return false;
      }
    }
    return true;
  }

  /** A standby's acknowledgement. */
  void acked(MirrorMessage.Ack a) {
    synchronized (lock) {
      if (a.stream() != stream || !a.active().equals(host.self())) {
        return;
      }
      acks.put(a.sender(), new long[] {a.appliedSeq(), System.nanoTime()});
      settleWaiters(System.nanoTime());
    }
    reportUnconfirmed();
  }

  private void settleWaiters(long now) {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (allApplied(w.seq(), now)) {
        it.remove();
        w.done().complete(true);
      } else if (now - w.deadlineNanos() >= 0) {
        it.remove();
        unconfirmed++;
        report = true;
        w.done().complete(false);
      }
    }
  }

  /**
   * Reports actions answered without confirmation, outside the lock (the event log mirrors too).
   */
  private void reportUnconfirmed() {
    long n;
    synchronized (lock) {
      if (!report) {
        return;
      }
      report = false;
      n = unconfirmed;
    }
    if (unconfirmedReports.admit("unconfirmed") != ReportThrottle.HELD) {
      host.event(
          Weight.WARNING,
          "an operator action was answered before the standby confirmed it (no confirmation within "
              + host.confirmTimeoutMillis()
              + " ms); "
              + n
              + " so far",
          Map.of());
    }
  }

  /**
   * Sends what is pending, waiting up to {@value #LINGER_MS} ms for more. Called in a loop by the
   * mirror's sender thread.
   */
  void sendOnce() throws InterruptedException {
    MirrorMessage.Batch batch;
    synchronized (lock) {
      if (pending.isEmpty() && !urgent) {
        lock.wait(LINGER_MS);
      }
      if (!urgent && pending.size() < MAX_BATCH && !pending.isEmpty()) {
        lock.wait(LINGER_MS);
      }
      urgent = false;
      settleWaiters(System.nanoTime());
      if (pending.isEmpty()) {
        batch = null;
      } else {
        int n = Math.min(pending.size(), MAX_BATCH);
        List<MirrorEntry> entries = new ArrayList<>(pending.subList(0, n));
        pending.subList(0, n).clear();
        batch =
            new MirrorMessage.Batch(
                host.self(),
                stream,
                host.term(),
                sentUpTo + 1,
                System.currentTimeMillis(),
                entries);
        sentUpTo += n;
        if (!pending.isEmpty()) {
          urgent = true;
        }
      }
    }
    reportUnconfirmed();
    if (batch != null) {
      host.publish(MirrorCodec.encode(batch));
    }
  }

  /**
   * The whole mirrored state for {@code r.sender()}, after adopting its newer retentive values;
   * null when this server is not publishing.
   */
  MirrorMessage.Snapshot snapshot(MirrorMessage.SnapshotRequest r) {
    List<String> adopted = host.runtime().adoptNewerRetentive(r.retentive());
    if (!adopted.isEmpty()) {
      host.event(
          Weight.NOTICE,
          "took "
              + adopted.size()
              + " retentive value(s) from "
              + r.sender()
              + ", newer than this server's: "
              + String.join(", ", adopted.subList(0, Math.min(10, adopted.size()))),
          Map.of());
    }
    long head;
    long s;
    synchronized (lock) {
      if (!publishing) {
        return null;
      }
      head = seq;
      s = stream;
    }
    List<MirrorEntry> entries = new ArrayList<>();
    host.runtime().mirroredTagSnapshot().forEach((p, v) -> entries.add(new MirrorEntry.Tag(p, v)));
    host.runtime().alarms().forEach(a -> entries.add(new MirrorEntry.Alarm(a)));
    return new MirrorMessage.Snapshot(
        host.self(), r.sender(), s, host.term(), head, System.currentTimeMillis(), entries);
  }
}
