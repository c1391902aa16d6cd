package io.hotstandby.cluster.sync;

import java.util.function.LongSupplier;

/**
 * Paces bytes to a rate: a bucket holding at most {@code capacity} bytes, refilled at the rate;
 * sending takes from it, and a sender that finds too little waits until the refill has paid for
 * what it sends. So a long transfer runs at the rate, and no more than {@code capacity} bytes ever
 * go out at once. Thread-safe; time comes from an injected clock.
 */
public final class TokenBucket {
  private static final double NANOS = 1e9;

  private final LongSupplier nanoTime;
  private long capacity;
  private long bytesPerSecond;
  private double tokens;
  private long last;

  /**
   * A full bucket.
   *
   * @param bytesPerSecond the rate, at least 1
   * @param capacity the most sent at once after a pause, at least 1
   * @param nanoTime a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
   */
  public TokenBucket(long bytesPerSecond, long capacity, LongSupplier nanoTime) {
    if (bytesPerSecond < 1 || capacity < 1) {
      throw new IllegalArgumentException("rate and capacity must be at least 1");
    }
    this.bytesPerSecond = bytesPerSecond;
    this.capacity = capacity;
    this.nanoTime = nanoTime;
    this.tokens = capacity;
    this.last = nanoTime.getAsLong();
  }

  /**
   * Takes {@code bytes} from the bucket and says how long the caller must wait before sending them:
   * 0 when the bucket held enough. The caller must wait that long before its next call, so the
   * bucket's debt never exceeds one send.
   *
   * @return nanoseconds to wait
   */
  public synchronized long reserve(long bytes) {
    refill();
    tokens -= bytes;
    if (tokens >= 0) {
      return 0;
    }
    return (long) Math.ceil(-tokens * NANOS / bytesPerSecond);
  }

  /**
   * Changes the rate and the capacity from now on; what the old rate earned so far is kept, up to
   * the new capacity.
   */
  public synchronized void set(long newBytesPerSecond, long newCapacity) {
    if (newBytesPerSecond < 1 || newCapacity < 1) {
      throw new IllegalArgumentException("rate and capacity must be at least 1");
    }
    refill();
    this.bytesPerSecond = newBytesPerSecond;
    this.capacity = newCapacity;
    this.tokens = Math.min(tokens, newCapacity);
  }

  /** The rate in bytes per second. */
  public synchronized long rate() {
    return bytesPerSecond;
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    long elapsed = now - last;
    last = now;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * (double) bytesPerSecond / NANOS);
    }
  }
}
