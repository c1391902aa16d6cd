package io.hotstandby.events;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Keeps a flood of the same report (garbage on a topic or a socket, a dead network) from flooding
 * the log or the event log: a report passes when it is the first, when it is about another subject
 * than the last one that passed, or when a whole interval has gone by since then. Measured on a
 * monotonic clock, so a step of the wall clock neither opens nor shuts it. Thread-safe.
 */
public final class ReportThrottle {
  /** What {@link #admit} returns for a report that is held back. */
  public static final long HELD = -1;

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private boolean passed;
  private Object lastSubject;
  private long lastNanos;
  private long held;

  /**
   * @param nanoTime a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
   */
  public ReportThrottle(Duration interval, LongSupplier nanoTime) {
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Decides on one report about {@code subject}.
   *
   * @return {@link #HELD} when the report is held back, otherwise how many reports were held back
   *     since the last one that passed
   */
  public synchronized long admit(Object subject) {
    long now = nanoTime.getAsLong();
    if (passed && Objects.equals(subject, lastSubject) && now - lastNanos < intervalNanos) {
      held++;
      return HELD;
    }
    passed = true;
    lastSubject = subject;
    lastNanos = now;
    long before = held;
    held = 0;
    return before;
  }
}
