package io.hotstandby.cluster.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectHistoryTest {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path root;

  ProjectHistory at(Instant t) {
    return new ProjectHistory(root.resolve("project-history"), Clock.fixed(t, ZoneOffset.UTC));
  }

  Path project(String content) throws Exception {
    return Files.writeString(root.resolve("plant.prj"), content);
  }

  List<String> kept() throws Exception {
    try (Stream<Path> s = Files.list(root.resolve("project-history"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aReplacedFileIsKeptUnderTheTimeOfTheCopyAndTwoInTheSameMillisecondBoth() throws Exception {
    at(T0).keep(project("first"));
    at(T0).keep(project("second"));

    assertThat(kept())
        .containsExactly("20260301T120000.000Z-plant.prj", "20260301T120000.000Z-plant.prj.2");
    Path dir = root.resolve("project-history");
    assertThat(Files.readString(dir.resolve("20260301T120000.000Z-plant.prj"))).isEqualTo("first");
    assertThat(Files.readString(dir.resolve("20260301T120000.000Z-plant.prj.2")))
        .isEqualTo("second");
  }

  @Test
  void onlyTheNewestAreKept() throws Exception {
    for (int i = 0; i < ProjectHistory.KEEP + 3; i++) {
      at(T0.plusSeconds(i)).keep(project("version " + i));
    }

    List<String> kept = kept();
    assertThat(kept).hasSize(ProjectHistory.KEEP);
    assertThat(kept.get(0)).isEqualTo("20260301T120003.000Z-plant.prj");
    assertThat(Files.readString(root.resolve("project-history").resolve(kept.get(kept.size() - 1))))
        .isEqualTo("version " + (ProjectHistory.KEEP + 2));
  }
}
