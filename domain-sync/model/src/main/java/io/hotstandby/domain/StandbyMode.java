package io.hotstandby.domain;

/** How the standby keeps the application: drivers connected and reading, or not started. */
public enum StandbyMode {
  /** Drivers connected and subscribed, read only: takeover only starts writes and alarms. */
  WARM,
  /** Drivers started on takeover: no load on the devices from the standby. */
  COLD
}
