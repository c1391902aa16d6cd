package io.hotstandby.server.mirror;

import io.hotstandby.events.RateLimitedLog;
import io.hotstandby.events.Weight;
import io.hotstandby.runtime.alarms.AlarmListener;
import io.hotstandby.runtime.tags.TagListener;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State mirroring between the ACTIVE server and its standbys, over the sealed cluster topic {@value
 * #TOPIC}: the active's {@link MirrorPublisher} numbers and sends every change of its runtime's
 * state (mirrored tag values, alarm states, event-log lines), a standby's {@link MirrorFollower}
 * takes a snapshot, then applies the stream. Operator actions on the active wait for the standbys'
 * confirmation ({@link #confirm}), so what an operator was told is done survives a failover.
 *
 * <p>Threads: "mirror-send-NAME" sends batches; "mirror-apply-NAME" handles what arrives (at most
 * {@value #MAX_QUEUED} messages wait; more are dropped, and the gap they leave asks for a new
 * snapshot). Both are daemons, started by {@link #start} and stopped by {@link #close}.
 */
public final class StateMirror implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StateMirror.class);

  /** The cluster topic of the mirror. */
  public static final String TOPIC = "hotstandby.mirror";

  static final int MAX_QUEUED = 4096;

  private final MirrorHost host;
  private final MirrorPublisher publisher;
  private final MirrorFollower follower;
  private final BlockingQueue<byte[]> inbox = new ArrayBlockingQueue<>(MAX_QUEUED);
  private final RateLimitedLog garbage = new RateLimitedLog(log, 60_000);
  private final TagListener tags;
  private final AlarmListener alarms;
  private volatile boolean running;
  private volatile Thread sender;
  private volatile Thread applier;
  private volatile ForwardHandler forwards = ForwardHandler.NONE;
  private volatile MirrorStatus atActivation = MirrorStatus.IDLE;

  public StateMirror(MirrorHost host) {
    this.host = host;
    this.publisher = new MirrorPublisher(host);
    this.follower = new MirrorFollower(host);
    this.tags =
        (path, value) -> {
          if (host.runtime().active() && host.runtime().mirrors(path)) {
            publisher.offer(new MirrorEntry.Tag(path, value));
          }
        };
    this.alarms = state -> publisher.offer(new MirrorEntry.Alarm(state));
  }

  /** Listens to the runtime and starts the threads. */
  public void start() {
    running = true;
    host.runtime().addTagListener(tags);
    host.runtime().addAlarmListener(alarms);
    sender = daemon("mirror-send-" + host.self(), this::sendLoop);
    applier = daemon("mirror-apply-" + host.self(), this::applyLoop);
  }

  private Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Handles operator actions forwarded by another server (see {@link ForwardHandler}). */
  public void handleForwards(ForwardHandler handler) {
    this.forwards = handler;
  }

  /**
   * This server is becoming ACTIVE: call before its runtime is activated. A server that was
   * following an active and had not caught up takes over anyway (availability first) and records an
   * ERROR with its lag at that moment.
   *
   * @return the mirror as it was just before (what the switchover history records as the lag)
   */
  public MirrorStatus becomingActive() {
    MirrorStatus before = follower.status();
    atActivation = before;
    publisher.start();
    if (before.active().isEmpty()) {
      // No active was heard since this server last was one (a start, or a switchover it took
      // back): there is nothing to be behind of.
      return before;
    }
    String from = before.active();
    if (before.lagEntries() < 0) {
      host.event(
          Weight.ERROR,
          "taking over without " + from + "'s state: no snapshot of it was received",
          Map.of("lagEntries", -1L, "lagMs", before.lagMillis()));
    } else if (!before.ready()) {
      host.event(
          Weight.ERROR,
          "taking over "
              + before.lagEntries()
              + " change(s) and "
              + before.lagMillis()
              + " ms behind "
              + from
              + " (the mirror had not caught up; applied up to "
              + before.seq()
              + ")",
          Map.of("lagEntries", before.lagEntries(), "lagMs", before.lagMillis()));
    } else if (before.lagEntries() > 0) {
      host.event(
          Weight.NOTICE,
          "taking over with "
              + before.lagEntries()
              + " change(s) of "
              + from
              + " announced but not received",
          Map.of("lagEntries", before.lagEntries(), "lagMs", before.lagMillis()));
    }
    return before;
  }

  /** The mirror as it was when this server last became ACTIVE; {@link MirrorStatus#IDLE} before. */
  public MirrorStatus atLastActivation() {
    return atActivation;
  }

  /** This server is no longer ACTIVE: call after its runtime was deactivated. */
  public void noLongerActive() {
    publisher.stop();
  }

  /** Passes an operator's action to the active named in {@code f}. */
  public void forward(MirrorMessage.Forward f) {
    host.publish(MirrorCodec.encode(f));
  }

  /** A line of this server's event log, mirrored while it is active. */
  public void eventLogged(String line) {
    publisher.offer(new MirrorEntry.Event(line));
  }

  /**
   * Completes with true once every following standby has applied every change made so far (at once
   * when there is none), with false after the confirmation timeout. Never exceptionally.
   */
  public CompletableFuture<Boolean> confirm() {
    return publisher.confirm();
  }

  /** A message from the topic (any thread; queued for the apply thread). */
  public void received(byte[] message) {
    if (!inbox.offer(message)) {
      garbage.warn(() -> "mirror: " + MAX_QUEUED + " messages waiting; one dropped");
    }
  }

  /** What the mirror does now, for the status, readiness and the switchover history. */
  public MirrorStatus status() {
    if (host.runtime().active()) {
      return new MirrorStatus(
          MirrorStatus.Mode.PUBLISHING,
          host.self(),
          publisher.stream(),
          publisher.head(),
          0,
          0,
          true,
          0,
          publisher.unconfirmed());
    }
    return follower.status();
  }

  /**
   * The number to announce in heartbeats: the last entry published (while active, and after a
   * handover until this server follows the new active: the standby it handed over to waits for that
   * number) or applied.
   */
  public long announcedSeq() {
    if (host.runtime().active()) {
      return publisher.head();
    }
    MirrorStatus f = follower.status();
    return f.lagEntries() < 0 && publisher.stream() != 0 ? publisher.head() : f.seq();
  }

  /**
   * Whether this server follows {@code active}'s stream and has applied it up to {@code seq} (what
   * a standby waits for before it takes the role that server handed over).
   */
  public boolean holdsUpTo(String active, long seq) {
    MirrorStatus s = follower.status();
    return s.active().equals(active) && s.lagEntries() >= 0 && s.seq() >= seq;
  }

  /** Tells {@code listener} (any thread, must not block) each time the follower applied more. */
  public void onAdvance(Runnable listener) {
    follower.onAdvance(listener);
  }

  private void sendLoop() {
    while (running) {
      try {
        publisher.sendOnce();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("mirror: sending failed: {}", e.toString());
      }
    }
  }

  private void applyLoop() {
    long nextTick = System.nanoTime();
    while (running) {
      try {
        byte[] m = inbox.poll(50, TimeUnit.MILLISECONDS);
        if (m != null) {
          handle(m);
        }
        if (System.nanoTime() - nextTick >= 0) {
          nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
          follower.tick();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("mirror: handling a message failed", e);
      }
    }
  }

  private void handle(byte[] bytes) {
    MirrorMessage m;
    try {
      m = MirrorCodec.decode(bytes);
    } catch (MirrorCodec.MalformedMirrorMessage e) {
      garbage.warn(() -> "mirror: message dropped: " + e.getMessage());
      return;
    }
    if (m.sender().equals(host.self())) {
      return;
    }
    if (m instanceof MirrorMessage.Batch b) {
      follower.batch(b);
    } else if (m instanceof MirrorMessage.Snapshot s) {
      follower.snapshot(s);
    } else if (m instanceof MirrorMessage.Ack a) {
      publisher.acked(a);
    } else if (m instanceof MirrorMessage.SnapshotRequest r) {
      if (r.active().equals(host.self()) && host.runtime().active()) {
        MirrorMessage.Snapshot s = publisher.snapshot(r);
        if (s != null) {
          host.publish(MirrorCodec.encode(s));
        }
      }
    } else if (m instanceof MirrorMessage.Forward f) {
      if (f.active().equals(host.self())) {
        forwards
            .serve(f)
            .thenAccept(
                r ->
                    host.publish(
                        MirrorCodec.encode(
                            new MirrorMessage.ForwardResult(
                                host.self(), f.sender(), f.id(), r.ok(), r.text()))));
      }
    } else if (m instanceof MirrorMessage.ForwardResult r) {
      if (r.to().equals(host.self())) {
        forwards.answered(r);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    host.runtime().removeTagListener(tags);
    host.runtime().removeAlarmListener(alarms);
    for (Thread t : new Thread[] {sender, applier}) {
      if (t != null) {
        t.interrupt();
      }
    }
  }
}
