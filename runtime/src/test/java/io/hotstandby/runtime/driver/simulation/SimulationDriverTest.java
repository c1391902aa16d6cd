package io.hotstandby.runtime.driver.simulation;

import static io.hotstandby.runtime.testutil.Specs.simulated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hotstandby.runtime.driver.DriverSink;
import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulationDriverTest {
  private final MutableClock clock = new MutableClock();
  private final Recorder sink = new Recorder();
  private final SimulationDriver driver =
      new SimulationDriver(new DriverSpec.Simulation("sim"), clock, new SplittableRandom(7), 10);

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void samplesEachTagTypedAtTheClocksTime() {
    driver.start(
        List.of(
            simulated("Sine", DataType.DOUBLE, "sine:period=8s,amplitude=2,offset=10", 0),
            simulated("SineInt", DataType.INT32, "sine:period=8s,amplitude=2,offset=10", 5),
            simulated("Square", DataType.BOOLEAN, "square:period=8s", 0),
            simulated("Ramp", DataType.STRING, "ramp:period=8s,min=0,max=80", 0)),
        sink);
    assertThat(sink.connections).containsExactly("sim up simulation running");
    assertThat(driver.connected()).isTrue();
    await().until(() -> sink.values.size() == 4);
    assertThat(sink.values.get("Sine")).isEqualTo(10.0);
    assertThat(sink.values.get("Square")).isEqualTo(true);
    assertThat(sink.values.get("Ramp")).isEqualTo("0");

    clock.advance(Duration.ofSeconds(2));
    await().until(() -> Double.valueOf(12.0).equals(sink.values.get("Sine")));
    await().until(() -> Integer.valueOf(12).equals(sink.values.get("SineInt")));
    await().until(() -> "20".equals(sink.values.get("Ramp")));

    clock.advance(Duration.ofSeconds(3));
    await().until(() -> Boolean.FALSE.equals(sink.values.get("Square")));
    await().until(() -> "50".equals(sink.values.get("Ramp")));
    assertThat(sink.qualities).containsOnly(Quality.GOOD);
    assertThat(sink.threads).containsOnly("sim-sim");
  }

  @Test
  void counterCountsSamples() {
    driver.start(List.of(simulated("Count", DataType.INT64, "counter:step=1", 0)), sink);
    await().until(() -> sink.values.get("Count") instanceof Long n && n >= 5);
  }

  @Test
  void badAddressIsDeliveredBadOnce() {
    driver.start(List.of(simulated("Bad", DataType.DOUBLE, "wave:period=1s", 0)), sink);
    assertThat(sink.qualities).containsExactly(Quality.BAD);
    assertThat(sink.values).isEmpty();
  }

  @Test
  void writesAreRefused() {
    var tag = simulated("Sine", DataType.DOUBLE, "sine", 0);
    driver.start(List.of(tag), sink);
    assertThatThrownBy(() -> driver.write(tag, 1.0).get())
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("simulation tag Sine is read only");
  }

  @Test
  void closeStopsSampling() {
    driver.start(List.of(simulated("Count", DataType.INT64, "counter", 0)), sink);
    await().until(() -> sink.values.containsKey("Count"));
    driver.close();
    driver.close();
    assertThat(driver.connected()).isFalse();
    await()
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("sim-sim")));
  }

  @Test
  void startsOnlyOnce() {
    driver.start(List.of(), sink);
    assertThatThrownBy(() -> driver.start(List.of(), sink))
        .isInstanceOf(IllegalStateException.class);
  }

  /** Remembers the last value of every tag. */
  static final class Recorder implements DriverSink {
    final Map<String, Object> values = new ConcurrentHashMap<>();
    final List<Quality> qualities = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final List<String> connections = new CopyOnWriteArrayList<>();

    @Override
    public void value(String path, Object value, Quality quality, Instant sourceTime) {
      if (value != null) {
        values.put(path, value);
      }
      if (!qualities.contains(quality)) {
        qualities.add(quality);
      }
      String thread = Thread.currentThread().getName();
      if (!threads.contains(thread)) {
        threads.add(thread);
      }
    }

    @Override
    public void connection(String driver, boolean up, String detail) {
      connections.add(driver + (up ? " up " : " down ") + detail);
    }
  }
}
