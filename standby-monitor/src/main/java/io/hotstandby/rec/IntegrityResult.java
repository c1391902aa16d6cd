package io.hotstandby.rec;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of one integrity check: which integrity addresses answered a TCP connect.
 *
 * @param checkedAt wall-clock time of the check, for display
 * @param checkedAtNanos {@link System#nanoTime()} at the check, for its age
 * @param addresses one entry per configured address, in configuration order
 */
public record IntegrityResult(
    Instant checkedAt, long checkedAtNanos, List<AddressResult> addresses) {

  public IntegrityResult {
    addresses = List.copyOf(addresses);
  }

  /** Whether at least one address answered. */
  public boolean anyReachable() {
    return addresses.stream().anyMatch(AddressResult::reachable);
  }

  /** Milliseconds since the check, by the monotonic clock. */
  public long ageMillis() {
    return (System.nanoTime() - checkedAtNanos) / 1_000_000;
  }

  /**
   * One address's outcome.
   *
   * @param address the address tried
   * @param reachable whether a TCP connection was established within the timeout
   * @param millis how long the connect took (or how long was waited before giving up)
   * @param error why it failed ("Connection refused", "timeout after 200 ms"...), "" if reachable
   */
  public record AddressResult(
      InetSocketAddress address, boolean reachable, long millis, String error) {}
}
