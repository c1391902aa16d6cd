package io.hotstandby.runtime;

import java.time.Instant;

/**
 * A driver's connection went down or came back; for the server's event log.
 *
 * @param time when the runtime learnt it
 * @param driver the driver's name (qualified by its project's name when two projects use it)
 * @param up whether the driver is connected now
 * @param detail the driver's reason, "" when none
 * @param failureWeight the weight this failure adds to {@link ApplicationRuntime#health()} while it
 *     lasts (0 for drivers that report none)
 */
public record HealthEvent(
    Instant time, String driver, boolean up, String detail, int failureWeight) {

  /** {@code driver plc disconnected: <detail>} or {@code driver plc connected}. */
  public String text() {
    if (up) {
      return "driver " + driver + " connected";
    }
    return "driver " + driver + " disconnected" + (detail.isEmpty() ? "" : ": " + detail);
  }
}
