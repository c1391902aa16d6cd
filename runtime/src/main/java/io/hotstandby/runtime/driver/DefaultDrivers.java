package io.hotstandby.runtime.driver;

import io.hotstandby.runtime.driver.opcua.OpcUaDriver;
import io.hotstandby.runtime.driver.simulation.SimulationDriver;
import io.hotstandby.runtime.project.DriverSpec;
import java.util.function.Function;

/** The runtime's driver factory: a driver of the kind a {@link DriverSpec} declares. */
public final class DefaultDrivers implements Function<DriverSpec, Driver> {

  @Override
  public Driver apply(DriverSpec spec) {
    if (spec instanceof DriverSpec.Simulation s) {
      return new SimulationDriver(s);
    }
    if (spec instanceof DriverSpec.OpcUa o) {
      return new OpcUaDriver(o);
    }
    throw new IllegalArgumentException("no driver for " + spec);
  }
}
