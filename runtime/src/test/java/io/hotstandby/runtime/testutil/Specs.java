package io.hotstandby.runtime.testutil;

import io.hotstandby.runtime.project.AlarmSpec;
import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.TagSpec;

/** Short ways to declare tags and alarms in tests. */
public final class Specs {
  private Specs() {}

  public static TagSpec memory(String path, DataType type, String initial) {
    return new TagSpec(path, type, null, null, "", 0, 0, true, initial, false);
  }

  public static TagSpec driven(String path, DataType type, String driver, double deadband) {
    return new TagSpec(path, type, driver, path, "", 0, deadband, false, null, false);
  }

  public static TagSpec writable(String path, DataType type, String driver) {
    return new TagSpec(path, type, driver, path, "", 0, 0, true, null, false);
  }

  public static TagSpec simulated(String path, DataType type, String address, long samplingMs) {
    return new TagSpec(path, type, "sim", address, "", samplingMs, 0, false, null, false);
  }

  public static AlarmSpec.Analog analog(
      String name, String tag, Double loLo, Double lo, Double hi, Double hiHi, double deadband) {
    return new AlarmSpec.Analog(name, tag, loLo, lo, hi, hiHi, deadband, 500, name + " message");
  }

  public static AlarmSpec.Digital digital(String name, String tag, boolean activeWhen) {
    return new AlarmSpec.Digital(name, tag, activeWhen, 800, name + " message");
  }
}
