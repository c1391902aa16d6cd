package io.hotstandby.server.mirror;

import io.hotstandby.events.Weight;
import io.hotstandby.runtime.ProjectRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The standby's side of the mirror: takes a snapshot of the active's state, then applies its stream
 * in order; a batch of another stream, or one that leaves a gap, asks for a new snapshot. Batches
 * that arrive while a snapshot is awaited are kept (at most {@value #MAX_HELD} entries) and applied
 * after it, so a busy active does not outrun its own snapshot. Knows how far behind it is: in
 * entries (against the newest number heard, in a batch or a heartbeat) and in milliseconds (since
 * it first fell behind). Thread safe.
 */
final class MirrorFollower {
  static final int MAX_HELD = 500_000;
  static final long REQUEST_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * A follower in sync acknowledges at least this often, also when nothing changes: the active
   * waits only for standbys heard within {@link MirrorPublisher#FOLLOWER_SILENCE_NANOS}, and a
   * quiet spell must not make it stop waiting for a standby that is there.
   */
  static final long ACK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /**
   * A follower that knows (from the active's heartbeats) of changes it has not received, and has
   * applied nothing for this long, asks for a snapshot: the batches were lost and no later batch
   * came to show the gap (the active has been quiet since).
   */
  static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final MirrorHost host;
  private String active = "";
  private String seenActive = ""; // the last active heard while this server was not active
  private long stream;
  private long applied;
  private long newest;
  private boolean synced;
  private long behindSinceNanos;
  private long unsyncedSinceNanos = System.nanoTime();
  private long lastRequestNanos = System.nanoTime() - REQUEST_EVERY_NANOS;
  private long lastAckNanos = System.nanoTime() - ACK_EVERY_NANOS;
  private long stalledAt = -1; // the applied number while behind without progress, else -1
  private long stalledSinceNanos;
  private final List<MirrorMessage.Batch> held = new ArrayList<>();
  private int heldEntries;
  private long snapshots;

  private volatile Runnable advanced = () -> {};

  MirrorFollower(MirrorHost host) {
    this.host = host;
  }

  void onAdvance(Runnable listener) {
    this.advanced = listener;
  }

  /** A batch of the active's stream. */
  synchronized void batch(MirrorMessage.Batch b) {
    // The active being followed stays followed while it hands over: its last batches flush the
    // swap.
    if (host.runtime().active()
        || !(b.sender().equals(host.activePeer()) || b.sender().equals(active))) {
      return;
    }
    if (!synced || b.stream() != stream || !b.sender().equals(active)) {
      hold(b);
      request();
      return;
    }
    newest = Math.max(newest, b.lastSeq());
    if (b.firstSeq() > applied + 1) {
      // A gap: something was lost on the way.
      synced = false;
      unsyncedSinceNanos = System.nanoTime();
      hold(b);
      request();
      return;
    }
    apply(b);
    ack();
  }

  private void hold(MirrorMessage.Batch b) {
    if (heldEntries + b.entries().size() > MAX_HELD) {
      held.clear();
      heldEntries = 0;
    }
    held.add(b);
    heldEntries += b.entries().size();
  }

  private void apply(MirrorMessage.Batch b) {
    ProjectRuntime rt = host.runtime();
    long seq = b.firstSeq();
    for (MirrorEntry e : b.entries()) {
      if (seq > applied) {
        applyEntry(rt, e, true);
      }
      seq++;
    }
    applied = Math.max(applied, b.lastSeq());
    advanced.run();
  }

  private void applyEntry(ProjectRuntime rt, MirrorEntry e, boolean events) {
    if (e instanceof MirrorEntry.Tag t) {
      rt.applyMirrored(t.path(), t.value());
    } else if (e instanceof MirrorEntry.Alarm a) {
      rt.applyMirrored(a.state());
    } else if (e instanceof MirrorEntry.Event ev && events) {
      host.mirroredEvent(ev.line());
    }
  }

  /** The active's whole state; for this server only. */
  synchronized void snapshot(MirrorMessage.Snapshot s) {
    if (!s.target().equals(host.self())
        || host.runtime().active()
        || !s.sender().equals(host.activePeer())) {
      return;
    }
    if (synced && s.stream() == stream && s.sender().equals(active) && s.headSeq() <= applied) {
      return; // asked for after a stall, and the stream has brought as much meanwhile
    }
    ProjectRuntime rt = host.runtime();
    for (MirrorEntry e : s.entries()) {
      applyEntry(rt, e, false);
    }
    active = s.sender();
    stream = s.stream();
    applied = s.headSeq();
    newest = Math.max(applied, 0);
    synced = true;
    snapshots++;
    List<MirrorMessage.Batch> later = new ArrayList<>(held);
    held.clear();
    heldEntries = 0;
    for (MirrorMessage.Batch b : later) {
      if (b.stream() != stream || !b.sender().equals(active) || b.lastSeq() <= applied) {
        continue;
      }
      if (b.firstSeq() > applied + 1) {
        synced = false;
        unsyncedSinceNanos = System.nanoTime();
        request();
        return;
      }
      newest = Math.max(newest, b.lastSeq());
      apply(b);
    }
    ack();
    advanced.run();
    host.event(
        Weight.NOTICE,
        "following "
            + active
            + ": snapshot of its state at change "
            + s.headSeq()
            + " ("
            + s.entries().size()
            + " entries), then its changes",
        Map.of("snapshots", snapshots));
  }

  /**
   * Checks, at a steady interval, whether a snapshot must be asked for (none yet, or the active
   * changed, or changes announced but not received), and acknowledges again when it has not for
   * {@link #ACK_EVERY_NANOS}.
   */
  synchronized void tick() {
    if (host.runtime().active()) {
      synced = false;
      active = "";
      seenActive = "";
      unsyncedSinceNanos = System.nanoTime();
      return;
    }
    String now = host.activePeer();
    if (!now.isEmpty()) {
      seenActive = now;
    }
    if (!now.isEmpty() && !now.equals(active) && synced) {
      synced = false;
      unsyncedSinceNanos = System.nanoTime();
    }
    if (!synced && !now.isEmpty()) {
      request();
    }
    if (synced) {
      newest = Math.max(newest, host.announcedSeq(active));
      if (System.nanoTime() - lastAckNanos >= ACK_EVERY_NANOS) {
        ack();
      }
      checkStalled();
    }
  }

  /** Treats changes announced but not received for {@link #STALL_NANOS} as a gap. */
  private void checkStalled() {
    long now = System.nanoTime();
    if (newest <= applied) {
      stalledAt = -1;
    } else if (stalledAt != applied) {
      stalledAt = applied;
      stalledSinceNanos = now;
    } else if (now - stalledSinceNanos >= STALL_NANOS) {
      // Still following (the lag stays known): the snapshot brings what was lost.
      stalledAt = -1;
      request();
    }
  }

  private void request() {
    String to = host.activePeer();
    long now = System.nanoTime();
    if (to.isEmpty() || now - lastRequestNanos < REQUEST_EVERY_NANOS) {
      return;
    }
    lastRequestNanos = now;
    host.publish(
        MirrorCodec.encode(
            new MirrorMessage.SnapshotRequest(host.self(), to, host.runtime().retentiveValues())));
  }

  private void ack() {
    lastAckNanos = System.nanoTime();
    host.publish(MirrorCodec.encode(new MirrorMessage.Ack(host.self(), active, stream, applied)));
  }

  /** The follower's view, for status and readiness. */
  synchronized MirrorStatus status() {
    long now = System.nanoTime();
    long lagEntries = synced ? Math.max(0, newest - applied) : -1;
    if (synced && lagEntries == 0) {
      behindSinceNanos = 0;
    } else if (behindSinceNanos == 0) {
      behindSinceNanos = synced ? now : unsyncedSinceNanos;
    }
    long lagMillis =
        behindSinceNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(now - behindSinceNanos);
    boolean ready = synced && lagMillis <= host.maxLagMillis();
    return new MirrorStatus(
        MirrorStatus.Mode.FOLLOWING,
        active,
        stream,
        applied,
        lagEntries,
        lagMillis,
        ready,
        snapshots,
        0);
  }
}
