package io.hotstandby.server.probe;

import io.hotstandby.domain.ServiceProbeSpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * The service probe's decisions, on an injected clock: what to probe, when, and what a run of
 * failures means. The standby reads the active's OPC UA endpoint as a client does; the active reads
 * its own through the address clients use. A probe of the active that fails {@code failures} times
 * in a row declares it failed (the caller makes that a lost partner for the role machine), again
 * after each further {@code failures}; the active's own run of failures adds {@code failureWeight}
 * to its health until a probe answers again.
 *
 * <p>A probe of a peer declares nothing until it has answered once for that peer's term: an
 * endpoint this server never reached (a firewall between the servers, say) is not evidence that the
 * active stopped serving, and taking over on it would hand the role back and forth.
 *
 * <p>Not thread-safe: one thread calls {@link #tick}; {@link #failureWeight} and {@link #status}
 * may be read from any.
 */
public final class ServiceProbe {

  /**
   * What to probe.
   *
   * @param server the server whose endpoint it is
   * @param url its OPC UA endpoint URL, as clients reach it
   * @param self whether it is this server's own endpoint
   * @param term the term the server announced when it was chosen: a new term is a new target
   */
  public record Target(String server, String url, boolean self, long term) {}

  /** Reads an endpoint as a client does. */
  public interface Prober {
    /**
     * @return "" when the endpoint answered within {@code timeoutMillis}, else why not, one line
     */
    String check(String url, long timeoutMillis);

    /** Nothing is probed any more (for now): lets go of what a check keeps open. */
    default void idle() {}
  }

  /** What a run of failures means; called on the probing thread. */
  public interface Listener {
    /**
     * {@code target} failed {@code failures} probes in a row: a multiple of the domain's {@code
     * failures}, and for a peer only once it had answered.
     */
    void failed(Target target, int failures, String error);

    /** {@code target} answered again after {@code failures} failures, at least the domain's. */
    void recovered(Target target, int failures);
  }

  /**
   * What the probe is doing, as the server's status shows it: one immutable picture, replaced at
   * every {@link #tick}. The times and the failure belong to the current target and start afresh
   * with a new one.
   *
   * @param enabled whether the domain's probe is on
   * @param target what is probed, null for nothing
   * @param failuresInRow probes of the target that failed in a row, 0 once it answers
   * @param threshold the domain's {@code failures}: failures in a row that make a verdict (0: off)
   * @param lastOkAt when the target last answered, null when it has not (a peer that has not is
   *     never declared failed)
   * @param lastFailureAt when a probe of the target last failed, null when none has
   * @param lastFailure why that probe failed, one line, null when none has
   */
  public record Status(
      boolean enabled,
      Target target,
      int failuresInRow,
      int threshold,
      Instant lastOkAt,
      Instant lastFailureAt,
      String lastFailure) {

    /** Before the first tick, and whenever the domain has no probe. */
    public static final Status OFF = new Status(false, null, 0, 0, null, null, null);
  }

  /** How long to wait before looking again while there is nothing to probe. */
  public static final long IDLE_MILLIS = 200;

  private final Supplier<ServiceProbeSpec> spec;
  private final Supplier<Target> target;
  private final Prober prober;
  private final Listener listener;
  private final InstantSource wall;

  private Target current;
  private int failures;
  private long nextDueNanos;
  private boolean due = true;
  private Instant lastOkAt; // null until the target answers: then a peer's failures count
  private Instant lastFailureAt;
  private String lastFailure;
  private volatile int failureWeight;
  private volatile Status status = Status.OFF;

  /**
   * @param spec the domain's probe settings in force
   * @param target what to probe now, null for nothing
   * @param wall the wall clock the status gives its times by
   */
  public ServiceProbe(
      Supplier<ServiceProbeSpec> spec,
      Supplier<Target> target,
      Prober prober,
      Listener listener,
      InstantSource wall) {
    this.spec = spec;
    this.target = target;
    this.prober = prober;
    this.listener = listener;
    this.wall = wall;
  }

  /**
   * Probes when a probe is due (runs the prober on this thread) and says when to call again.
   *
   * @param nowNanos the monotonic clock
   * @return milliseconds until the next call is useful (0 after a probe: at once)
   */
  public long tick(long nowNanos) {
    ServiceProbeSpec s = spec.get();
    long wait = probeWhenDue(s, nowNanos);
    status =
        new Status(
            s.enabled(),
            current,
            failures,
            s.enabled() ? s.failures() : 0,
            lastOkAt,
            lastFailureAt,
            lastFailure);
    return wait;
  }

  private long probeWhenDue(ServiceProbeSpec s, long nowNanos) {
    Target t = s.enabled() ? target.get() : null;
    if (t == null || !t.equals(current)) {
      switchTo(t);
    }
    if (t == null) {
      return IDLE_MILLIS;
    }
    if (!due && nowNanos - nextDueNanos < 0) {
      return Math.max(1, (nextDueNanos - nowNanos) / 1_000_000);
    }
    due = false;
    nextDueNanos = nowNanos + s.intervalMs() * 1_000_000L;
    String error = prober.check(t.url(), s.intervalMs());
    if (error.isEmpty()) {
      succeeded(t, s);
    } else {
      failed(t, s, error);
    }
    return 0; // the next call, with the clock read after this probe, knows how long is left
  }

  /** The failure weight this server adds to its health: its own endpoint does not answer. */
  public int failureWeight() {
    return failureWeight;
  }

  /** What the probe is doing, as of the last {@link #tick}; any thread. */
  public Status status() {
    return status;
  }

  /** How many probes of the current target failed in a row. */
  public int failures() {
    return failures;
  }

  /** What is probed now, null when nothing. */
  public Target current() {
    return current;
  }

  /** A new target starts afresh; a run of failures of the old one ends without a verdict. */
  private void switchTo(Target t) {
    if (t == null && current != null) {
      prober.idle();
    }
    current = t;
    failures = 0;
    failureWeight = 0;
    due = true;
    lastOkAt = null;
    lastFailureAt = null;
    lastFailure = null;
  }

  private void succeeded(Target t, ServiceProbeSpec s) {
    if (failures >= s.failures() && (t.self() || lastOkAt != null)) {
      listener.recovered(t, failures);
    }
    failures = 0;
    failureWeight = 0;
    lastOkAt = wall.instant();
  }

  private void failed(Target t, ServiceProbeSpec s, String error) {
    failures++;
    lastFailureAt = wall.instant();
    lastFailure = error;
    if (failures % s.failures() != 0 || (!t.self() && lastOkAt == null)) {
      return;
    }
    if (t.self()) {
      failureWeight = s.failureWeight();
    }
    listener.failed(t, failures, error);
  }
}
