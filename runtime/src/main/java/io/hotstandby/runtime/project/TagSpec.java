package io.hotstandby.runtime.project;

/**
 * A tag as the project declares it.
 *
 * @param path the full hierarchical name, folders joined by dots ({@code Tank1.Level})
 * @param type the value type
 * @param driver the driver's name, or null for a memory tag
 * @param address where the driver finds the value (meaning depends on the driver), or null
 * @param unit engineering unit, "" for none
 * @param samplingMs how often the driver samples it (0: the driver's default)
 * @param deadband a change smaller than this (numeric tags) is not published
 * @param writable whether operators may write it
 * @param initial the initial value of a memory tag as written in the file, or null
 * @param retentive whether its value survives a restart (and a failover) of the runtime
 */
public record TagSpec(
    String path,
    DataType type,
    String driver,
    String address,
    String unit,
    long samplingMs,
    double deadband,
    boolean writable,
    String initial,
    boolean retentive) {

  /** A memory tag lives in the runtime only, with no device behind it. */
  public boolean memory() {
    return driver == null;
  }
}
