package io.hotstandby.runtime.driver.simulation;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * One simulated signal: the numeric value of a simulation tag at a time since the driver started.
 * {@link #next} is called once per sample, in time order, from one thread.
 */
public sealed interface Signal
    permits Signal.Sine, Signal.Ramp, Signal.Random, Signal.Counter, Signal.Square {

  /** The value at {@code elapsed} since the driver started. */
  double next(Duration elapsed);

  /** {@code value} (a value this signal produced) read as a boolean. */
  default boolean asBoolean(double value) {
    return value > middle();
  }

  /** The middle of the signal's range: a boolean tag is true above it. */
  double middle();

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static void checkPeriod(Duration period) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
  }

  /** {@code offset + amplitude · sin(2π · t / period)}. */
  record Sine(Duration period, double amplitude, double offset) implements Signal {
    public Sine {
      checkPeriod(period);
    }

    @Override
    public double next(Duration elapsed) {
      return offset + amplitude * Math.sin(2 * Math.PI * seconds(elapsed) / seconds(period));
    }

    @Override
    public double middle() {
      return offset;
    }
  }

  /** A sawtooth: rises linearly from {@code min} to {@code max} over each period, then restarts. */
  record Ramp(Duration period, double min, double max) implements Signal {
    public Ramp {
      checkPeriod(period);
    }

    @Override
    public double next(Duration elapsed) {
      double cycles = seconds(elapsed) / seconds(period);
      return min + (max - min) * (cycles - Math.floor(cycles));
    }

    @Override
    public double middle() {
      return (min + max) / 2;
    }
  }

  /** Uniformly random in {@code [min, max)} at every sample. */
  record Random(double min, double max, RandomGenerator random) implements Signal {
    @Override
    public double next(Duration elapsed) {
      return max > min ? random.nextDouble(min, max) : min;
    }

    @Override
    public double middle() {
      return (min + max) / 2;
    }
  }

  /** {@code max} during the first half of each period, {@code min} during the second. */
  record Square(Duration period, double min, double max) implements Signal {
    public Square {
      checkPeriod(period);
    }

    @Override
    public double next(Duration elapsed) {
      long halves = (long) Math.floor(2 * seconds(elapsed) / seconds(period));
      return halves % 2 == 0 ? max : min;
    }

    @Override
    public double middle() {
      return (min + max) / 2;
    }
  }

  /**
   * Counts: {@code start} at the first sample, then {@code step} more at each; a value that would
   * pass {@code limit} (infinite: never) makes it start again at {@code start}. As a boolean it
   * toggles at every sample.
   */
  final class Counter implements Signal {
    private final double start;
    private final double step;
    private final double limit;
    private long count = -1;
    private long samples;

    public Counter(double start, double step, double limit) {
      this.start = start;
      this.step = step;
      this.limit = limit;
    }

    @Override
    public double next(Duration elapsed) {
      samples++;
      count++;
      double value = start + count * step;
      if (step >= 0 ? value > limit : value < limit) {
        count = 0;
        value = start;
      }
      return value;
    }

    @Override
    public boolean asBoolean(double value) {
      return samples % 2 == 0;
    }

    @Override
    public double middle() {
      return start;
    }
  }
}
