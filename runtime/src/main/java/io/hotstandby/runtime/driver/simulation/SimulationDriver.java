package io.hotstandby.runtime.driver.simulation;

import io.hotstandby.runtime.driver.Driver;
import io.hotstandby.runtime.driver.DriverSink;
import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.Quality;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in simulation driver: computes each tag's {@link Signal} from its address (see {@link
 * Signals}) every {@code samplingMs} of the tag (the driver's default when the tag gives none) on
 * one scheduler thread, {@code sim-<driver>}, and delivers it GOOD, typed to the tag's type. Time
 * is read from an injected clock, counted from {@link #start}. Simulation tags are read only: a
 * write fails. A tag whose address cannot be parsed is delivered BAD once and never sampled.
 */
public final class SimulationDriver implements Driver {
  private static final Logger log = LoggerFactory.getLogger(SimulationDriver.class);

  /** The sampling interval of a tag that declares none. */
  public static final long DEFAULT_SAMPLING_MS = 100;

  private final String name;
  private final Clock clock;
  private final RandomGenerator random;
  private final long defaultSamplingMs;
  private ScheduledExecutorService scheduler;
  private volatile boolean running;

  /** A driver on the system clock with the default sampling interval. */
  public SimulationDriver(DriverSpec.Simulation spec) {
    this(spec, Clock.systemUTC(), RandomGenerator.getDefault(), DEFAULT_SAMPLING_MS);
  }

  /**
   * A driver reading time from {@code clock} and random values from {@code random}, sampling a tag
   * without its own interval every {@code defaultSamplingMs}.
   */
  public SimulationDriver(
      DriverSpec.Simulation spec, Clock clock, RandomGenerator random, long defaultSamplingMs) {
    if (defaultSamplingMs <= 0) {
      throw new IllegalArgumentException("defaultSamplingMs must be positive");
    }
    this.name = spec.name();
    this.clock = clock;
    this.random = random;
    this.defaultSamplingMs = defaultSamplingMs;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized void start(List<TagSpec> tags, DriverSink sink) {
    if (scheduler != null) {
      throw new IllegalStateException("simulation driver " + name + " was already started");
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sim-" + name);
              t.setDaemon(true);
              return t;
            });
    Instant start = clock.instant();
    running = true;
    sink.connection(name, true, "simulation running");
    for (TagSpec tag : tags) {
      Signal signal;
      try {
        signal = Signals.parse(tag.address(), random);
      } catch (IllegalArgumentException e) {
        log.warn("simulation tag {}: address {}: {}", tag.path(), tag.address(), e.getMessage());
        sink.value(tag.path(), null, Quality.BAD, start);
        continue;
      }
      long every = tag.samplingMs() > 0 ? tag.samplingMs() : defaultSamplingMs;
      scheduler.scheduleAtFixedRate(
          () -> sample(tag, signal, start, sink), 0, every, TimeUnit.MILLISECONDS);
    }
  }

  private void sample(TagSpec tag, Signal signal, Instant start, DriverSink sink) {
    try {
      Instant now = clock.instant();
      double v = signal.next(Duration.between(start, now));
      sink.value(tag.path(), typed(tag.type(), v, signal), Quality.GOOD, now);
    } catch (RuntimeException e) {
      log.warn("simulation tag {}: {}", tag.path(), e.toString());
    }
  }

  /** {@code value} as the Java type of {@code type}; integers are rounded (and saturated). */
  static Object typed(DataType type, double value, Signal signal) {
    return switch (type) {
      case BOOLEAN -> signal.asBoolean(value);
      case INT32 -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, round(value)));
      case INT64 -> round(value);
      case DOUBLE -> value;
      case STRING ->
          value == Math.rint(value) && Math.abs(value) < 1e15
              ? Long.toString((long) value)
              : Double.toString(value);
    };
  }

  private static long round(double value) {
    return Math.round(value);
  }

  @Override
  public CompletableFuture<Void> write(TagSpec tag, Object value) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("simulation tag " + tag.path() + " is read only"));
  }

  @Override
  public boolean connected() {
    return running;
  }

  @Override
  public synchronized void close() {
    running = false;
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
