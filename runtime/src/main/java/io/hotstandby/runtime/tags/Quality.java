package io.hotstandby.runtime.tags;

/** How far a tag's value can be trusted, in OPC UA's three classes. */
public enum Quality {
  /** Read from the device (or set in memory) and current. */
  GOOD,
  /** A value exists but may be stale: initial value, or the device's own doubt. */
  UNCERTAIN,
  /** No usable value: device unreachable, driver not started, read failed. */
  BAD
}
