package io.hotstandby.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hotstandby.runtime.alarms.AckResult;
import io.hotstandby.runtime.alarms.AlarmLevel;
import io.hotstandby.runtime.alarms.AlarmState;
import io.hotstandby.runtime.driver.Driver;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagValue;
import io.hotstandby.runtime.testutil.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectRuntimeTest {
  private static final String PLANT =
      """
      <project name="plant">
        <drivers>
          <driver name="plc" type="opcua" endpoint="opc.tcp://127.0.0.1:4840/plc"
                  failureWeight="40"/>
          <driver name="sim" type="simulation"/>
        </drivers>
        <tags>
          <folder name="Tank">
            <tag name="Level" driver="plc" address="ns=2;s=Level" type="Double"/>
            <tag name="Inlet" driver="plc" address="ns=2;s=Inlet" type="Boolean" writable="true"/>
          </folder>
          <tag name="Wave" driver="sim" address="sine:period=10s" type="Double"/>
          <tag name="Setpoint" type="Double" initial="2.5" writable="true"/>
          <tag name="Limit" type="Double" initial="9"/>
        </tags>
        <alarms>
          <analog name="LevelHigh" tag="Tank.Level" hi="4.0" deadband="0.1" severity="500"
                  message="Tank level high"/>
        </alarms>
      </project>
      """;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();
  private final Map<String, FakeDriver> drivers = new ConcurrentHashMap<>();
  private final List<FakeDriver> created = new CopyOnWriteArrayList<>();
  private final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
  private final List<HealthEvent> health = new CopyOnWriteArrayList<>();
  private ProjectRuntime runtime;

  private ProjectRuntime runtime(StandbyMode mode) {
    runtime = new ProjectRuntime(mode, this::driver, audit::add, clock);
    runtime.addHealthListener(health::add);
    return runtime;
  }

  private Driver driver(DriverSpec spec) {
    FakeDriver d = new FakeDriver(spec.name());
    drivers.put(spec.name(), d);
    created.add(d);
    return d;
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private ProjectRuntime loaded(StandbyMode mode) throws Exception {
    runtime(mode).load(List.of(file("plant.prj", PLANT)));
    return runtime;
  }

  @AfterEach
  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private FakeDriver plc() {
    return drivers.get("plc");
  }

  @Test
  void warmStandbyStartsDriversAtLoad() throws Exception {
    loaded(StandbyMode.WARM);
    assertThat(runtime.ready()).isTrue();
    assertThat(runtime.active()).isFalse();
    assertThat(plc().started).isTrue();
    assertThat(drivers.get("sim").started).isTrue();
    plc().push("Tank.Level", 1.5);
    assertThat(runtime.read("Tank.Level").orElseThrow().value()).isEqualTo(1.5);
    assertThat(runtime.tags())
        .extracting(t -> t.path())
        .containsExactly("Tank.Level", "Tank.Inlet", "Wave", "Setpoint", "Limit");
  }

  @Test
  void coldStandbyStartsDriversOnlyWhileActive() throws Exception {
    loaded(StandbyMode.COLD);
    assertThat(runtime.ready()).isTrue();
    assertThat(plc().started).isFalse();
    assertThat(runtime.read("Tank.Level").orElseThrow().quality()).isEqualTo(Quality.BAD);

    runtime.activate();
    FakeDriver first = plc();
    assertThat(first.started).isTrue();
    first.push("Tank.Level", 1.5);
    assertThat(runtime.read("Tank.Level").orElseThrow().quality()).isEqualTo(Quality.GOOD);

    runtime.deactivate();
    assertThat(runtime.active()).isFalse();
    runtime.releaseDevices();
    assertThat(first.closed).isTrue();
    assertThat(runtime.read("Tank.Level").orElseThrow())
        .extracting(TagValue::value, TagValue::quality)
        .containsExactly(1.5, Quality.BAD);
    first.push("Tank.Level", 2.5);
    assertThat(runtime.read("Tank.Level").orElseThrow().value())
        .as("a stopped driver's late values are ignored")
        .isEqualTo(1.5);

    runtime.activate();
    assertThat(plc()).isNotSameAs(first);
    assertThat(plc().started).isTrue();
  }

  @Test
  void warmStandbyKeepsDriversRunningWhenDeactivated() throws Exception {
    loaded(StandbyMode.WARM);
    runtime.activate();
    runtime.deactivate();
    runtime.releaseDevices();
    assertThat(plc().closed).isFalse();
    assertThat(created).hasSize(2);
  }

  @Test
  void writeIsRefusedUnlessActive() throws Exception {
    loaded(StandbyMode.WARM);
    WriteResult r = runtime.write("Tank.Inlet", true, "ann").get();
    assertThat(r).isEqualTo(new WriteResult(false, "refused: this server is not ACTIVE"));
    assertThat(plc().writes).isEmpty();
    assertThat(audit)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.user()).isEqualTo("ann");
              assertThat(a.action()).isEqualTo("write");
              assertThat(a.target()).isEqualTo("Tank.Inlet");
              assertThat(a.value()).isEqualTo(true);
              assertThat(a.ok()).isFalse();
              assertThat(a.result()).isEqualTo("refused: this server is not ACTIVE");
              assertThat(a.time()).isEqualTo(clock.instant());
            });
  }

  @Test
  void writeWhenActiveReachesTheDriverConverted() throws Exception {
    loaded(StandbyMode.WARM);
    runtime.activate();
    assertThat(runtime.write("Tank.Inlet", "true", "ann").get()).isEqualTo(WriteResult.written());
    assertThat(plc().writes).containsExactly("Tank.Inlet=true (Boolean)");
    assertThat(audit).singleElement().extracting(AuditRecord::ok).isEqualTo(true);
  }

  @Test
  void driverFailureIsReported() throws Exception {
    loaded(StandbyMode.WARM);
    runtime.activate();
    plc().refuseWrites = "device said no";
    assertThat(runtime.write("Tank.Inlet", false, "ann").get())
        .isEqualTo(new WriteResult(false, "failed: device said no"));
    assertThat(audit)
        .singleElement()
        .extracting(AuditRecord::result)
        .isEqualTo("failed: device said no");
  }

  @Test
  void writesAreRefusedWithAReason() throws Exception {
    loaded(StandbyMode.WARM);
    runtime.activate();
    assertThat(runtime.write("Nope", 1, "ann").get().status())
        .isEqualTo("refused: unknown tag Nope");
    assertThat(runtime.write("Tank.Level", 1, "ann").get().status())
        .isEqualTo("refused: tag Tank.Level is not writable");
    assertThat(runtime.write("Setpoint", "lots", "ann").get().status())
        .isEqualTo("refused: tag Setpoint: cannot convert \"lots\" to DOUBLE");
    runtime.suspendWrites(true);
    assertThat(runtime.writesAllowed()).isFalse();
    assertThat(runtime.write("Setpoint", 3, "ann").get().status())
        .isEqualTo("refused: writes suspended after a pause");
    runtime.suspendWrites(false);
    assertThat(runtime.write("Setpoint", 3, "ann").get().ok()).isTrue();
    assertThat(audit).extracting(AuditRecord::ok).containsExactly(false, false, false, false, true);
    assertThat(plc().writes).isEmpty();
  }

  @Test
  void memoryTagWriteSetsTheValueAndTellsListeners() throws Exception {
    loaded(StandbyMode.WARM);
    List<String> changes = new ArrayList<>();
    runtime.addTagListener((p, v) -> changes.add(p + "=" + v.value()));
    assertThat(runtime.read("Setpoint").orElseThrow())
        .extracting(TagValue::value, TagValue::quality)
        .containsExactly(2.5, Quality.GOOD);
    runtime.activate();
    assertThat(runtime.write("Setpoint", 3, "ann").get()).isEqualTo(WriteResult.written());
    assertThat(runtime.read("Setpoint").orElseThrow().value()).isEqualTo(3.0);
    assertThat(changes).contains("Setpoint=3.0");
    assertThat(runtime.tagSnapshot()).containsKey("Setpoint");
  }

  @Test
  void healthCountsStartedOpcUaDriversThatAreDown() throws Exception {
    loaded(StandbyMode.WARM);
    assertThat(runtime.health()).isZero();
    assertThat(health).extracting(HealthEvent::text).contains("driver plc connected");

    plc().push("Tank.Level", 1.0);
    plc().disconnect("connection refused");
    assertThat(runtime.health()).isEqualTo(40);
    assertThat(health.get(health.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.text()).isEqualTo("driver plc disconnected: connection refused");
              assertThat(e.failureWeight()).isEqualTo(40);
              assertThat(e.up()).isFalse();
            });
    assertThat(runtime.read("Tank.Level").orElseThrow().quality()).isEqualTo(Quality.BAD);

    int events = health.size();
    plc().disconnect("still refused");
    assertThat(health).as("no repeated event while down").hasSize(events);

    plc().connect();
    assertThat(runtime.health()).isZero();
    assertThat(health.get(health.size() - 1).text()).isEqualTo("driver plc connected");
  }

  @Test
  void coldStandbyDriversDoNotCountUntilStarted() throws Exception {
    loaded(StandbyMode.COLD);
    assertThat(plc().connected()).isFalse();
    assertThat(runtime.health()).isZero();
    runtime.activate();
    plc().disconnect("timeout");
    assertThat(runtime.health()).isEqualTo(40);
    runtime.deactivate();
    runtime.releaseDevices();
    assertThat(runtime.health()).isZero();
  }

  @Test
  void alarmsAreEvaluatedOnlyWhileActive() throws Exception {
    loaded(StandbyMode.WARM);
    List<AlarmState> changes = new ArrayList<>();
    runtime.addAlarmListener(changes::add);
    plc().push("Tank.Level", 4.5);
    assertThat(runtime.alarms()).singleElement().extracting(AlarmState::active).isEqualTo(false);

    runtime.activate();
    assertThat(runtime.alarms())
        .singleElement()
        .extracting(AlarmState::active, AlarmState::level)
        .containsExactly(true, AlarmLevel.HI);
    assertThat(changes).hasSize(1);

    assertThat(runtime.acknowledge("LevelHigh", "ann", "on it")).isEqualTo(AckResult.ACKNOWLEDGED);
    assertThat(audit)
        .singleElement()
        .extracting(AuditRecord::action, AuditRecord::target, AuditRecord::value)
        .containsExactly("acknowledge", "LevelHigh", "on it");

    runtime.deactivate();
    plc().push("Tank.Level", 1.0);
    assertThat(runtime.alarms()).singleElement().extracting(AlarmState::active).isEqualTo(true);
    assertThat(runtime.acknowledge("LevelHigh", "ann", "")).isEqualTo(AckResult.NOT_ACTIVE);

    runtime.activate();
    assertThat(runtime.alarms()).singleElement().extracting(AlarmState::active).isEqualTo(false);
  }

  @Test
  void invalidProjectLeavesTheRuntimeNotReadyWithNothingStarted() throws Exception {
    runtime(StandbyMode.WARM);
    Path good = file("plant.prj", PLANT);
    Path bad = file("bad.prj", "<project name=\"bad\"><tags><tag name=\"X\"/></tags></project>");
    assertThatThrownBy(() -> runtime.load(List.of(good, bad)))
        .isInstanceOf(RuntimeLoadException.class)
        .hasMessageContaining("bad.prj");
    assertThat(runtime.ready()).isFalse();
    assertThat(created).isEmpty();
    assertThat(runtime.tags()).isEmpty();
    runtime.activate();
    assertThat(created).isEmpty();
  }

  @Test
  void contentGivenIsParsedInsteadOfTheFile() throws Exception {
    runtime(StandbyMode.WARM);
    Path a = file("a.prj", PLANT);
    Path b = file("b.prj", "not even XML");
    byte[] given =
        """
        <project name="given"><tags><tag name="Given" type="Int32"/></tags></project>
        """
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    runtime.load(List.of(a, b), Map.of(b, given));

    assertThat(runtime.tags()).extracting(TagSpec::path).contains("Tank.Level", "Given");
  }

  @Test
  void missingProjectFileIsALoadError() {
    runtime(StandbyMode.WARM);
    assertThatThrownBy(() -> runtime.load(List.of(dir.resolve("none.prj"))))
        .isInstanceOf(RuntimeLoadException.class)
        .hasMessageContaining("none.prj");
    assertThat(runtime.ready()).isFalse();
  }

  @Test
  void aTagDeclaredByTwoProjectsNamesBothFiles() throws Exception {
    runtime(StandbyMode.WARM);
    Path a = file("a.prj", PLANT);
    Path b = file("b.prj", PLANT.replace("name=\"plant\"", "name=\"other\""));
    assertThatThrownBy(() -> runtime.load(List.of(a, b)))
        .isInstanceOf(RuntimeLoadException.class)
        .hasMessageContaining(
            "b.prj: tags/folder[@name='Tank']/tag[@name='Level']/@name: tag path 'Tank.Level' is already declared in")
        .hasMessageContaining("a.prj");
    assertThat(runtime.ready()).isFalse();
    assertThat(created).isEmpty();
  }

  @Test
  void anAlarmNameUsedByTwoProjectsNamesBothFiles() throws Exception {
    runtime(StandbyMode.WARM);
    Path a = file("a.prj", PLANT);
    Path b =
        file(
            "b.prj",
            """
            <project name="other">
              <tags><tag name="Open" type="Boolean" initial="false" writable="true"/></tags>
              <alarms>
                <digital name="LevelHigh" tag="Open" severity="100" message="open"/>
              </alarms>
            </project>
            """);
    assertThatThrownBy(() -> runtime.load(List.of(a, b)))
        .hasMessageContaining(
            "b.prj: alarms/digital[@name='LevelHigh']/@name: alarm name 'LevelHigh' is already declared in")
        .hasMessageContaining("a.prj");
    assertThat(created).isEmpty();
  }

  @Test
  void projectsLoadTogether() throws Exception {
    runtime(StandbyMode.WARM);
    Path a = file("a.prj", PLANT);
    Path b =
        file(
            "b.prj",
            """
            <project name="other">
              <drivers><driver name="sim" type="simulation"/></drivers>
              <tags>
                <tag name="Open" type="Boolean" initial="false" writable="true"/>
                <tag name="Wave2" driver="sim" address="ramp" type="Double"/>
              </tags>
              <alarms>
                <digital name="Open" tag="Open" severity="100" message="open"/>
              </alarms>
            </project>
            """);
    runtime.load(List.of(a, b));
    assertThat(runtime.alarms()).extracting(AlarmState::name).containsExactly("LevelHigh", "Open");
    assertThat(runtime.tags()).hasSize(7);
    assertThat(created).hasSize(3);
    runtime.activate();
    assertThat(runtime.write("Open", true, "ann").get().ok()).isTrue();
    assertThat(runtime.alarms().get(1).active()).isTrue();
  }

  @Test
  void aFailedReloadKeepsTheRunningProject() throws Exception {
    loaded(StandbyMode.WARM);
    FakeDriver running = plc();
    Path bad = file("bad.prj", "<project");
    assertThatThrownBy(() -> runtime.load(List.of(bad))).isInstanceOf(RuntimeLoadException.class);
    assertThat(runtime.ready()).isTrue();
    assertThat(running.closed).isFalse();
    assertThat(runtime.tags()).hasSize(5);
  }

  @Test
  void aReloadReplacesTheDrivers() throws Exception {
    loaded(StandbyMode.WARM);
    FakeDriver old = plc();
    runtime.load(List.of(dir.resolve("plant.prj")));
    assertThat(old.closed).isTrue();
    assertThat(plc()).isNotSameAs(old);
    assertThat(plc().started).isTrue();
  }

  @Test
  void aDriverThatCannotBeCreatedFailsTheLoadAndClosesTheOthers() throws Exception {
    runtime =
        new ProjectRuntime(
            StandbyMode.WARM,
            spec -> {
              if (spec.name().equals("sim")) {
                throw new IllegalStateException("no simulation today");
              }
              return driver(spec);
            },
            audit::add,
            clock);
    Path p = file("plant.prj", PLANT);
    assertThatThrownBy(() -> runtime.load(List.of(p)))
        .hasMessageContaining("plant.prj: driver sim: cannot be created: no simulation today");
    assertThat(plc().closed).isTrue();
    assertThat(plc().started).isFalse();
    assertThat(runtime.ready()).isFalse();
  }

  @Test
  void theBuiltInSimulationDriverFeedsTheTags() throws Exception {
    runtime = new ProjectRuntime(StandbyMode.WARM);
    Path p =
        file(
            "sim.prj",
            """
            <project name="sim">
              <drivers><driver name="sim" type="simulation"/></drivers>
              <tags>
                <tag name="Count" driver="sim" address="counter" type="Int64" samplingMs="10"/>
              </tags>
            </project>
            """);
    runtime.load(List.of(p));
    await()
        .until(
            () ->
                runtime.read("Count").orElseThrow().quality() == Quality.GOOD
                    && (Long) runtime.read("Count").orElseThrow().value() >= 3);
    runtime.activate();
    assertThat(runtime.write("Count", 1, "ann").get().status())
        .isEqualTo("refused: tag Count is not writable");
  }

  @Test
  void closeStopsTheDrivers() throws Exception {
    loaded(StandbyMode.WARM);
    runtime.activate();
    runtime.close();
    assertThat(created).allMatch(d -> d.closed);
    assertThat(runtime.active()).isFalse();
    assertThat(runtime.ready()).isFalse();
  }
}
