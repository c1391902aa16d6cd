package io.hotstandby.events;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Logs a WARN at most once per interval and counts what it held back, so a flood of bad datagrams
 * or a dead network cannot flood the log. Thread-safe.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final ReportThrottle throttle;

  public RateLimitedLog(Logger log, long intervalMillis) {
    this.log = log;
    this.throttle = new ReportThrottle(Duration.ofMillis(intervalMillis), System::nanoTime);
  }

  /** Logs the message unless one was logged within the interval; built only if logged. */
  public void warn(Supplier<String> message) {
    // Every warning of this log counts as one subject: the interval alone decides.
    long held = throttle.admit(this);
    if (held == 0) {
      log.warn(message.get());
    } else if (held != ReportThrottle.HELD) {
      log.warn("{} ({} similar messages suppressed)", message.get(), held);
    }
  }
}
