package io.hotstandby.runtime.driver;

import io.hotstandby.runtime.driver.opcua.OpcUaDriver;
import io.hotstandby.runtime.driver.simulation.SimulationDriver;
import io.hotstandby.runtime.project.DriverSpec;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The runtime's driver factory: a driver of the kind a {@link DriverSpec} declares. OPC UA drivers
 * keep their client certificates in {@code opcua-client/} of the data folder given, or in memory
 * without one.
 */
public final class DefaultDrivers implements Function<DriverSpec, Driver> {
  private final Path clientDir;

  /** Drivers whose client certificates live in memory only (tests, tools). */
  public DefaultDrivers() {
    this(null);
  }

  /**
   * @param dataDir the server's data folder, or null
   */
  public DefaultDrivers(Path dataDir) {
    this.clientDir = dataDir == null ? null : dataDir.resolve("opcua-client");
  }

  @Override
  public Driver apply(DriverSpec spec) {
    if (spec instanceof DriverSpec.Simulation s) {
      return new SimulationDriver(s);
    }
    if (spec instanceof DriverSpec.OpcUa o) {
      return new OpcUaDriver(o, clientDir);
    }
    throw new IllegalArgumentException("no driver for " + spec);
  }
}
