package io.hotstandby.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.runtime.alarms.AlarmState;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standby's runtime takes the active's state as it is, and only while it is not active. */
class MirroredStateTest {
  static final String PROJECT =
      """
      <project name="p">
        <tags>
          <tag name="Setpoint" type="Double" initial="2.5" writable="true" retentive="true"/>
          <tag name="Level" type="Boolean" initial="false" writable="true"/>
        </tags>
        <alarms>
          <digital name="High" tag="Level" activeWhen="true" severity="700" message="level high"/>
        </alarms>
      </project>
      """;

  @TempDir Path dir;

  ProjectRuntime loaded(String data) throws Exception {
    Path project = dir.resolve("p.prj");
    if (!Files.exists(project)) {
      Files.writeString(project, PROJECT);
    }
    ProjectRuntime r = new ProjectRuntime(StandbyMode.WARM);
    r.keepRetentiveValuesIn(dir.resolve(data).resolve("retentive.properties"));
    r.load(List.of(project));
    return r;
  }

  @Test
  void aStandbyTakesTheActivesValuesAndAlarmStatesWithTheirTimes() throws Exception {
    try (ProjectRuntime active = loaded("a");
        ProjectRuntime standby = loaded("b")) {
      active.activate();
      assertThat(active.write("Level", true, "op").get().ok()).isTrue();
      assertThat(active.acknowledge("High", "op", "seen it").ok()).isTrue();
      assertThat(active.write("Setpoint", 7.5, "op").get().ok()).isTrue();

      active.mirroredTagSnapshot().forEach(standby::applyMirrored);
      active.alarms().forEach(standby::applyMirrored);

      assertThat(standby.read("Setpoint")).isEqualTo(active.read("Setpoint"));
      assertThat(standby.read("Level")).isEqualTo(active.read("Level"));
      assertThat(standby.alarms()).isEqualTo(active.alarms());
      AlarmState high = standby.alarms().get(0);
      assertThat(high.active()).isTrue();
      assertThat(high.acknowledged()).isTrue();
      assertThat(high.ackUser()).isEqualTo("op");
      assertThat(high.ackComment()).isEqualTo("seen it");

      // Taking over evaluates the same value again: the acknowledged alarm stays acknowledged.
      standby.activate();
      assertThat(standby.alarms()).isEqualTo(active.alarms());
    }
  }

  @Test
  void anActiveRuntimeIgnoresMirroredState() throws Exception {
    try (ProjectRuntime r = loaded("a")) {
      r.activate();
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      assertThat(r.applyMirrored("Setpoint", new TagValue(1.0, Quality.GOOD, t, t))).isFalse();
      assertThat(r.read("Setpoint").orElseThrow().value()).isEqualTo(2.5);
    }
  }

  @Test
  void aMirroredRetentiveValueIsKeptByTheStandbyAcrossItsRestart() throws Exception {
    Instant t = Instant.parse("2026-06-01T10:00:00.123456789Z");
    TagValue v = new TagValue(4.25, Quality.GOOD, t, t);
    try (ProjectRuntime standby = loaded("b")) {
      assertThat(standby.applyMirrored("Setpoint", v)).isTrue();
    }
    try (ProjectRuntime again = loaded("b")) {
      assertThat(again.read("Setpoint")).contains(v);
      assertThat(again.retentiveValues()).containsEntry("Setpoint", v);
    }
  }

  @Test
  void theNewerRetentiveValueWinsWhicheverServerHasIt() throws Exception {
    Instant older = Instant.parse("2026-06-01T10:00:00Z");
    Instant newer = Instant.parse("2026-06-02T10:00:00Z");
    try (ProjectRuntime a = loaded("a");
        ProjectRuntime b = loaded("b")) {
      a.applyMirrored("Setpoint", new TagValue(1.0, Quality.GOOD, older, older));
      b.applyMirrored("Setpoint", new TagValue(2.0, Quality.GOOD, newer, newer));
      a.activate();
      assertThat(a.adoptNewerRetentive(b.retentiveValues())).containsExactly("Setpoint");
      assertThat(a.read("Setpoint").orElseThrow().value()).isEqualTo(2.0);
      // The older value offered back changes nothing.
      assertThat(
              a.adoptNewerRetentive(
                  Map.of("Setpoint", new TagValue(1.0, Quality.GOOD, older, older))))
          .isEmpty();
      assertThat(a.read("Setpoint").orElseThrow().value()).isEqualTo(2.0);
    }
  }

  @Test
  void onlyMemoryTagsAreMirroredToAWarmStandby() throws Exception {
    try (ProjectRuntime r = loaded("a")) {
      assertThat(r.mirrors("Setpoint")).isTrue();
      assertThat(r.mirrors("Nope")).isFalse();
      assertThat(r.mirroredTagSnapshot()).containsOnlyKeys("Setpoint", "Level");
    }
  }
}
