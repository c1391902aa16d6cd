package io.hotstandby.runtime.driver.simulation;

import io.hotstandby.runtime.project.SimulationAddress;
import java.util.random.RandomGenerator;

/** Makes the {@link Signal} a simulation tag's address describes. */
public final class Signals {
  private Signals() {}

  /**
   * The signal of {@code address} ({@code sine:period=10s,amplitude=1,offset=0}, see {@link
   * SimulationAddress}).
   *
   * @throws IllegalArgumentException when the address cannot be parsed
   */
  public static Signal parse(String address, RandomGenerator random) {
    return of(SimulationAddress.parse(address), random);
  }

  /** The signal {@code a} describes; random values come from {@code random}. */
  public static Signal of(SimulationAddress a, RandomGenerator random) {
    return switch (a.signal()) {
      case SINE -> new Signal.Sine(a.period(), a.amplitude(), a.offset());
      case RAMP -> new Signal.Ramp(a.period(), a.min(), a.max());
      case RANDOM -> new Signal.Random(a.min(), a.max(), random);
      case COUNTER -> new Signal.Counter(a.min(), a.step(), a.max());
      case SQUARE -> new Signal.Square(a.period(), a.min(), a.max());
    };
  }
}
