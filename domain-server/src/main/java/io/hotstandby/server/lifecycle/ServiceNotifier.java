package io.hotstandby.server.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the server is doing (the sd_notify protocol of a {@code Type=notify} unit):
 * {@code READY=1} once the server has started, {@code STATUS=} when the role changes, {@code
 * WATCHDOG=1} while the role thread is alive, {@code STOPPING=1} at the end. It does nothing at all
 * unless {@code NOTIFY_SOCKET} is set, so the server runs the same in a terminal.
 *
 * <p>Watchdog: with {@code WATCHDOG_USEC} set (and {@code WATCHDOG_PID}, if set, this process), it
 * pings at half that interval, but only while the role thread is alive: every tick hands the role
 * thread a tiny probe, and a ping goes out only if a probe ran there within the watchdog interval.
 * A role thread stuck for longer stops the pings, and systemd kills and restarts the process
 * (within two intervals of the hang).
 *
 * <p>Messages are sent by one thread of its own ("service-notify"), never by the caller; a send
 * still under way (a slow {@code systemd-notify}) holds back the periodic messages rather than
 * piling more up, and a failure is logged once.
 */
public final class ServiceNotifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceNotifier.class);

  /** The longest time between two ticks: how soon a change of the status is told. */
  static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Sends one notification: {@code KEY=VALUE} lines in one message. */
  @FunctionalInterface
  public interface Sender {
    /**
     * Starts sending {@code fields} and returns at once; the future completes when the message was
     * delivered, or exceptionally with the reason it was not.
     */
    CompletableFuture<?> send(List<String> fields);
  }

  /** Runs a task on the thread whose liveness the watchdog stands for (the role thread). */
  @FunctionalInterface
  public interface Probe {
    /** Queues {@code task} to run on that thread; never blocks, may drop it when stopped. */
    void submit(Runnable task);
  }

  private final boolean enabled;
  private final long watchdogNanos; // 0: no watchdog
  private final LongSupplier nanoClock;
  private final Probe probe;
  private final Supplier<String> status;
  private final Sender sender;
  private final AtomicBoolean probeQueued = new AtomicBoolean();
  private volatile long probeRanAt;
  private volatile boolean probeEverRan;
  // Under the lock: ready() and close() may race (a SIGTERM while the server starts).
  private final Object lifecycleLock = new Object();
  private boolean readyCalled;
  private boolean closeCalled;
  private ScheduledExecutorService thread;
  // Notifier thread only (or the test that drives it):
  private boolean ready;
  private boolean stopping;
  private long lastPingAt;
  private String lastStatus;
  private CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);
  private boolean failureLogged; // under this

  /**
   * @param environment the process environment ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC},
   *     {@code WATCHDOG_PID})
   * @param selfPid this process's id, to tell whether the watchdog is meant for it
   * @param nanoClock a monotonic clock, in nanoseconds
   * @param probe runs the liveness probe on the role thread
   * @param status one line saying what the server is now (e.g. "ACTIVE term 7"), read on every tick
   * @param sender sends a message to systemd
   */
  public ServiceNotifier(
      Map<String, String> environment,
      long selfPid,
      LongSupplier nanoClock,
      Probe probe,
      Supplier<String> status,
      Sender sender) {
    this.enabled = !environment.getOrDefault("NOTIFY_SOCKET", "").isEmpty();
    this.watchdogNanos = enabled ? watchdogNanos(environment, selfPid) : 0;
    this.nanoClock = nanoClock;
    this.probe = probe;
    this.status = status;
    this.sender = sender;
  }

  /** A notifier of this process that sends with {@code systemd-notify}. */
  public static ServiceNotifier forThisProcess(Probe probe, Supplier<String> status) {
    long pid = ProcessHandle.current().pid();
    Map<String, String> env = System.getenv();
    return new ServiceNotifier(
        env, pid, System::nanoTime, probe, status, new SystemdNotify(env, pid));
  }

  /** The watchdog interval systemd asked for, 0 when none is meant for process {@code selfPid}. */
  private static long watchdogNanos(Map<String, String> env, long selfPid) {
    String usec = env.getOrDefault("WATCHDOG_USEC", "");
    if (usec.isEmpty()) {
      return 0;
    }
    String pid = env.getOrDefault("WATCHDOG_PID", "");
    try {
      if (!pid.isEmpty() && Long.parseLong(pid) != selfPid) {
        log.info("watchdog: WATCHDOG_PID {} is not this process ({}); no pings", pid, selfPid);
        return 0;
      }
      long micros = Long.parseLong(usec);
      return micros > 0 ? TimeUnit.MICROSECONDS.toNanos(micros) : 0;
    } catch (NumberFormatException e) {
      log.warn("watchdog: WATCHDOG_USEC={} WATCHDOG_PID={} not understood; no pings", usec, pid);
      return 0;
    }
  }

  /** Whether systemd listens ({@code NOTIFY_SOCKET} set): otherwise nothing is ever sent. */
  public boolean enabled() {
    return enabled;
  }

  /** The interval between two watchdog pings, 0 when there is no watchdog. */
  public long pingIntervalNanos() {
    return watchdogNanos / 2;
  }

  /**
   * How often the notifier thread ticks: a second, or a quarter of the watchdog interval when that
   * is shorter, so a ping is never more than 3/4 of the interval late (at least a millisecond).
   */
  long tickNanos() {
    long ping = pingIntervalNanos();
    if (ping == 0) {
      return MAX_TICK_NANOS;
    }
    return Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, ping / 2));
  }

  /**
   * The server has started: sends {@code READY=1} with the status and starts the notifier thread
   * (status changes, watchdog pings). Returns at once; a second call does nothing.
   */
  public void ready() {
    synchronized (lifecycleLock) {
      if (!enabled || closeCalled || readyCalled) {
        return;
      }
      readyCalled = true;
      ScheduledExecutorService t =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread th = new Thread(r, "service-notify");
                th.setDaemon(true);
                return th;
              });
      thread = t;
      t.execute(this::onReady);
      long tick = tickNanos();
      // Fixed delay: a tick held up (a starved machine) is not followed by a burst of catch-ups.
      t.scheduleWithFixedDelay(this::tickSafely, tick, tick, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The server is stopping: queues {@code STOPPING=1} (no pings after it; systemd then waits for
   * the process to end, {@code TimeoutStopSec=}, rather than for pings) and lets the notifier
   * thread end. Returns at once, so the server's own stop is not held up. Does nothing before
   * {@link #ready} (a start that failed ends with an exit code) or a second time.
   */
  @Override
  public void close() {
    ScheduledExecutorService t;
    synchronized (lifecycleLock) {
      if (closeCalled) {
        return;
      }
      closeCalled = true;
      t = thread;
    }
    if (t == null) {
      return;
    }
    t.execute(this::onStopping);
    // Runs what is queued (STOPPING=1), then the thread ends; the periodic tick is cancelled.
    t.shutdown();
  }

  /** READY=1 with the first status, always sent. Notifier thread. */
  void onReady() {
    if (ready || stopping) {
      return;
    }
    ready = true;
    lastPingAt = nanoClock.getAsLong();
    lastStatus = currentStatus();
    submitProbe();
    send(List.of("READY=1", "STATUS=" + lastStatus));
  }

  /** STOPPING=1, always sent, once; nothing is sent after it. Notifier thread. */
  void onStopping() {
    if (stopping) {
      return;
    }
    stopping = true;
    send(List.of("STOPPING=1", "STATUS=stopping"));
  }

  /**
   * One tick: a watchdog ping when one is due and the probe ran recently, the status when it
   * changed, both in one message; nothing while the previous message is still being sent. Then a
   * new probe, unless the last one is still waiting for the role thread. Notifier thread.
   */
  void tick() {
    if (!ready || stopping) {
      return;
    }
    long now = nanoClock.getAsLong();
    List<String> fields = new ArrayList<>(2);
    boolean ping = watchdogNanos > 0 && now - lastPingAt >= pingIntervalNanos() && alive(now);
    if (ping) {
      fields.add("WATCHDOG=1");
    }
    String s = currentStatus();
    if (!s.equals(lastStatus)) {
      fields.add("STATUS=" + s);
    }
    if (!fields.isEmpty() && inFlight.isDone()) {
      if (ping) {
        lastPingAt = now;
      }
      lastStatus = s;
      send(fields);
    }
    submitProbe();
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again: the watchdog would stop for good.
      log.warn("service notification tick failed", e);
    }
  }

  /** Whether the role thread ran a probe within the watchdog interval before {@code now}. */
  private boolean alive(long now) {
    return probeEverRan && now - probeRanAt < watchdogNanos;
  }

  private void submitProbe() {
    if (watchdogNanos == 0 || !probeQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      probe.submit(
          () -> {
            probeRanAt = nanoClock.getAsLong();
            probeEverRan = true;
            probeQueued.set(false);
          });
    } catch (RuntimeException e) {
      probeQueued.set(false);
      log.debug("watchdog probe not queued: {}", e.toString());
    }
  }

  private String currentStatus() {
    try {
      return Objects.requireNonNullElse(status.get(), "");
    } catch (RuntimeException e) {
      return "status unknown: " + e;
    }
  }

  private void send(List<String> fields) {
    CompletableFuture<?> sent;
    try {
      sent = sender.send(fields);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    inFlight = sent;
    sent.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            reportFailure(fields, failure);
          }
        });
  }

  private synchronized void reportFailure(List<String> fields, Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    if (!failureLogged) {
      failureLogged = true;
      log.warn("telling systemd {} failed (further failures at debug level): {}", fields, cause);
    } else {
      log.debug("telling systemd {} failed: {}", fields, cause.toString());
    }
  }
}
