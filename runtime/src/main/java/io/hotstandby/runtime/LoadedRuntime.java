package io.hotstandby.runtime;

import io.hotstandby.runtime.alarms.AlarmEngine;
import io.hotstandby.runtime.driver.Driver;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.TagDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What one successful load built: the tag database, the alarm engine fed by it, and a {@link
 * DriverSlot} per driver (drivers created, none started).
 */
final class LoadedRuntime {
  final TagDatabase tags;
  final AlarmEngine alarms;
  private final List<DriverSlot> drivers = new ArrayList<>();
  private final Map<String, DriverSlot> driverOfTag = new HashMap<>();

  private LoadedRuntime(MergedProjects merged, Clock clock) {
    this.tags = new TagDatabase(merged.tags(), clock);
    this.alarms = new AlarmEngine(merged.alarms(), clock);
    tags.addListener(alarms);
  }

  /**
   * Builds the runtime of {@code merged}, creating every driver with {@code factory}; when one
   * cannot be created, closes those made before and throws.
   */
  static LoadedRuntime build(
      MergedProjects merged,
      Function<DriverSpec, Driver> factory,
      Consumer<HealthEvent> health,
      Clock clock)
      throws RuntimeLoadException {
    LoadedRuntime r = new LoadedRuntime(merged, clock);
    try {
      for (MergedProjects.DriverPlan plan : merged.drivers()) {
        DriverSlot slot = new DriverSlot(plan, factory, r.tags, health, clock);
        r.drivers.add(slot);
        for (TagSpec t : plan.tags()) {
          r.driverOfTag.put(t.path(), slot);
        }
        slot.create();
      }
    } catch (RuntimeLoadException e) {
      r.stopDrivers();
      throw e;
    }
    return r;
  }

  /** The slot of the driver serving the tag at {@code path}; empty for a memory tag. */
  Optional<DriverSlot> driverOf(String path) {
    return Optional.ofNullable(driverOfTag.get(path));
  }

  void startDrivers() {
    drivers.forEach(DriverSlot::start);
  }

  void stopDrivers() {
    drivers.forEach(DriverSlot::stop);
  }

  /** The sum of the failure weights of the started drivers that are down. */
  int health() {
    int sum = 0;
    for (DriverSlot d : drivers) {
      sum += d.failureWeight();
    }
    return sum;
  }

  /** Stops evaluating alarms and closes every driver. */
  void close() {
    alarms.disable();
    stopDrivers();
  }
}
