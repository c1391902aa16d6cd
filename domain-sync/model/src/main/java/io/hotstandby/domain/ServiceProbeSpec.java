package io.hotstandby.domain;

/**
 * The service probe of a domain ({@code hotStandby/probe}): the standby reads the active's OPC UA
 * endpoint as a client does, and the active its own, because heartbeats alone miss a wedged
 * service.
 *
 * @param intervalMs how often a probe starts, and how long one may take before it counts as failed
 * @param failures how many probes in a row must fail before the standby takes over (0: off)
 * @param failureWeight the failure weight the active adds to its health while its own endpoint
 *     fails that many probes in a row
 */
public record ServiceProbeSpec(int intervalMs, int failures, int failureWeight) {

  /** No probe: the default. */
  public static final ServiceProbeSpec OFF = new ServiceProbeSpec(0, 0, 0);

  public static final int DEFAULT_INTERVAL_MS = 1000;
  public static final int DEFAULT_FAILURES = 3;
  public static final int DEFAULT_FAILURE_WEIGHT = 50;

  /** Whether the servers probe at all. */
  public boolean enabled() {
    return failures > 0;
  }
}
