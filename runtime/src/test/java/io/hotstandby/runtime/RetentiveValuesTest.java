package io.hotstandby.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentiveValuesTest {
  static final String PROJECT =
      """
      <project name="p">
        <tags>
          <tag name="Setpoint" type="Double" initial="2.5" writable="true" retentive="true"/>
          <tag name="Scratch" type="Double" initial="1.0" writable="true"/>
        </tags>
      </project>
      """;

  @TempDir Path dir;

  ProjectRuntime started(Path project, Path store) throws Exception {
    ProjectRuntime r = new ProjectRuntime(StandbyMode.WARM);
    r.keepRetentiveValuesIn(store);
    r.load(List.of(project));
    r.activate();
    return r;
  }

  @Test
  void aRetentiveTagKeepsItsValueAcrossARestartAndOthersStartFromTheirInitialValue()
      throws Exception {
    Path project = Files.writeString(dir.resolve("p.prj"), PROJECT);
    Path store = dir.resolve("data/retentive.properties");
    try (ProjectRuntime first = started(project, store)) {
      assertThat(first.write("Setpoint", 3.75, "op").get().ok()).isTrue();
      assertThat(first.write("Scratch", 9.0, "op").get().ok()).isTrue();
    }
    assertThat(store).exists();
    try (ProjectRuntime second = started(project, store)) {
      assertThat(second.read("Setpoint").orElseThrow().value()).isEqualTo(3.75);
      assertThat(second.read("Scratch").orElseThrow().value()).isEqualTo(1.0);
    }
  }

  @Test
  void aDamagedStoreIsIgnoredAndTheInitialValueUsed() throws Exception {
    Path project = Files.writeString(dir.resolve("p.prj"), PROJECT);
    Path store = Files.writeString(dir.resolve("retentive.properties"), "Setpoint=not-a-number\n");
    try (ProjectRuntime r = started(project, store)) {
      assertThat(r.read("Setpoint").orElseThrow().value()).isEqualTo(2.5);
    }
  }
}
