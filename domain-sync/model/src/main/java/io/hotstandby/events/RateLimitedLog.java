package io.hotstandby.events;

import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Logs a WARN at most once per interval and counts what it held back, so a flood of bad datagrams
 * or a dead network cannot flood the log. Thread-safe.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private boolean logged;
  private long lastNanos;
  private long suppressed;

  public RateLimitedLog(Logger log, long intervalMillis) {
    this.log = log;
    this.intervalNanos = intervalMillis * 1_000_000;
  }

  /** Logs the message unless one was logged within the interval; built only if logged. */
  public void warn(Supplier<String> message) {
    long held;
    synchronized (this) {
      long now = System.nanoTime();
      if (logged && now - lastNanos < intervalNanos) {
        suppressed++;
        return;
      }
      logged = true;
      lastNanos = now;
      held = suppressed;
      suppressed = 0;
    }
    if (held == 0) {
      log.warn(message.get());
    } else {
      log.warn("{} ({} similar messages suppressed)", message.get(), held);
    }
  }
}
