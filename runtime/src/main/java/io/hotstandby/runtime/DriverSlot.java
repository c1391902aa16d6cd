package io.hotstandby.runtime;

import io.hotstandby.runtime.driver.Driver;
import io.hotstandby.runtime.driver.DriverSink;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver of the loaded projects through its life: created, started, stopped (a stopped driver
 * is closed, and a new one is created by the next start), with its values going to the tag database
 * and its connection changes reported as {@link HealthEvent}s. While it is not running its tags are
 * BAD.
 */
final class DriverSlot {
  private static final Logger log = LoggerFactory.getLogger(DriverSlot.class);

  private final MergedProjects.DriverPlan plan;
  private final Set<String> paths;
  private final Function<DriverSpec, Driver> factory;
  private final TagDatabase tags;
  private final Consumer<HealthEvent> health;
  private final Clock clock;
  private Driver driver;
  private Sink sink;
  private volatile Driver running;

  DriverSlot(
      MergedProjects.DriverPlan plan,
      Function<DriverSpec, Driver> factory,
      TagDatabase tags,
      Consumer<HealthEvent> health,
      Clock clock) {
    this.plan = plan;
    this.paths = plan.tags().stream().map(TagSpec::path).collect(Collectors.toUnmodifiableSet());
    this.factory = factory;
    this.tags = tags;
    this.health = health;
    this.clock = clock;
  }

  String label() {
    return plan.label();
  }

  /**
   * Creates the driver if there is none.
   *
   * @throws RuntimeLoadException naming the project file when the factory cannot make it
   */
  synchronized void create() throws RuntimeLoadException {
    if (driver != null) {
      return;
    }
    try {
      driver = factory.apply(plan.spec());
    } catch (RuntimeException e) {
      throw new RuntimeLoadException(
          plan.file() + ": driver " + plan.spec().name() + ": cannot be created: " + e.getMessage(),
          e);
    }
  }

  /** Starts the driver (creating a new one first when it was stopped); no-op when running. */
  synchronized void start() {
    if (running != null) {
      return;
    }
    try {
      create();
    } catch (RuntimeLoadException e) {
      report(false, e.getMessage());
      return;
    }
    sink = new Sink();
    running = driver;
    try {
      driver.start(plan.tags(), sink);
    } catch (RuntimeException e) {
      log.warn("driver {} failed to start", label(), e);
      sink.connection(label(), false, "start failed: " + e.getMessage());
    }
  }

  /** Closes the driver (started or only created) and marks its tags BAD; no-op without one. */
  synchronized void stop() {
    if (driver == null) {
      return;
    }
    if (sink != null) {
      sink.live = false;
      sink = null;
    }
    running = null;
    try {
      driver.close();
    } catch (RuntimeException e) {
      log.warn("driver {} failed to close", label(), e);
    }
    driver = null;
    tags.invalidate(paths);
  }

  /** The weight this driver adds to the runtime's health now: its failure weight while down. */
  int failureWeight() {
    Driver d = running;
    return d != null && !d.connected() ? weight() : 0;
  }

  private int weight() {
    return plan.spec() instanceof DriverSpec.OpcUa o ? o.failureWeight() : 0;
  }

  /** Writes through the running driver; fails when it is not running. */
  CompletableFuture<Void> write(TagSpec tag, Object value) {
    Driver d = running;
    if (d == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("driver " + label() + " is not running"));
    }
    try {
      return d.write(tag, value);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void report(boolean up, String detail) {
    HealthEvent e = new HealthEvent(clock.instant(), label(), up, detail, up ? 0 : weight());
    if (up) {
      log.info("{}", e.text());
    } else {
      log.warn("{}", e.text());
    }
    health.accept(e);
  }

  /** What one started driver delivers to; ignored once its driver is stopped. */
  private final class Sink implements DriverSink {
    private volatile boolean live = true;
    private Boolean up;

    @Override
    public void value(String path, Object value, Quality quality, Instant sourceTime) {
      if (live && paths.contains(path)) {
        tags.update(path, value, quality, sourceTime);
      }
    }

    @Override
    public void connection(String driverName, boolean nowUp, String detail) {
      if (!live) {
        return;
      }
      if (!nowUp) {
        tags.invalidate(paths);
      }
      boolean changed;
      synchronized (this) {
        changed = up == null || up != nowUp;
        up = nowUp;
      }
      if (changed) {
        report(nowUp, detail == null ? "" : detail);
      }
    }
  }
}
