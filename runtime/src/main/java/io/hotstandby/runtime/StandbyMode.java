package io.hotstandby.runtime;

/** How a standby server keeps its runtime: what a takeover has to start. */
public enum StandbyMode {
  /** Drivers run on the standby too (connected, read only): values are current at takeover. */
  WARM,
  /** Drivers start only when the server becomes active and stop when it steps down. */
  COLD
}
