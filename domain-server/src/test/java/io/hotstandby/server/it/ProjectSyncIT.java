package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.domain.Sha256;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Project files follow the active: the demo plant's project on a two-server domain with {@code
 * <projects sync="true">}. An edit on the active's disk reaches the standby's disk, verified and
 * with the old file kept, and the standby, no longer running the active's files, is not ready until
 * it restarts with them.
 */
class ProjectSyncIT {
  static final String ADDED_TAG =
      "      <tag name=\"Added\" type=\"Int32\" initial=\"7\" writable=\"true\"/>\n";

  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("projsync")
            .project(Path.of("../projects/demo/plant.prj").toAbsolutePath())
            .projectSync(256)
            .build()
            .startAll();
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  static Path projectOf(ServerProcess s) {
    return domain.domainFile(s.name()).resolveSibling("plant.prj");
  }

  static String sha(Path file) throws Exception {
    return Sha256.hex(Files.readAllBytes(file));
  }

  static JsonNode projectFiles(ServerProcess s) throws Exception {
    return s.status().path("projectFiles");
  }

  static List<Path> history(ServerProcess s) throws Exception {
    Path dir = s.dataDir().resolve("project-history");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  /** The standby is ready in the active's eyes and its own: in sync, ServiceLevel 100–199. */
  static void awaitReadyStandby(ServerProcess active, ServerProcess standby) {
    await(standby.name() + " a ready standby running " + active.name() + "'s files")
        .atMost(Timing.seconds(60))
        .pollInterval(java.time.Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              JsonNode s = standby.status();
              assertThat(s.path("state").asText()).isEqualTo("STANDBY");
              assertThat(s.path("projectFiles").path("active").asText()).isEqualTo(active.name());
              assertThat(s.path("projectFiles").path("inSync").asBoolean()).isTrue();
              assertThat(s.path("runtimeReady").asBoolean()).isTrue();
              assertThat(s.path("serviceLevel").asInt()).isBetween(100, 199);
            });
  }

  @Test
  void anEditOnTheActiveReachesTheStandbyWhichIsNotReadyUntilItRestarts() throws Exception {
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    ServerProcess active = roles.active();
    ServerProcess standby = roles.standby();
    awaitReadyStandby(active, standby);
    JsonNode before = projectFiles(standby);
    assertThat(before.path("sync").asBoolean()).isTrue();
    assertThat(before.path("bandwidthKBps").asInt()).isEqualTo(256);
    assertThat(before.path("differences")).isEmpty();
    byte[] old = Files.readAllBytes(projectOf(standby));

    // An engineer adds a memory tag to the project on the active server.
    String text = Files.readString(projectOf(active));
    String edited =
        text.replace(
            "    <folder name=\"Operator\">\n", "    <folder name=\"Operator\">\n" + ADDED_TAG);
    assertThat(edited).isNotEqualTo(text);
    Files.writeString(projectOf(active), edited);
    String wanted = sha(projectOf(active));

    await("the standby's copy is the active's")
        .atMost(Timing.seconds(30))
        .until(() -> sha(projectOf(standby)).equals(wanted));
    assertThat(history(standby)).hasSize(1);
    assertThat(Files.readAllBytes(history(standby).get(0))).isEqualTo(old);
    await("the copy is logged")
        .atMost(Timing.seconds(10))
        .until(
            () ->
                standby.events().stream()
                    .anyMatch(
                        e ->
                            e.path("weight").asText().equals("NOTICE")
                                && e.path("message")
                                    .asText()
                                    .startsWith(
                                        "project file plant.prj updated from " + active.name())
                                && e.path("message")
                                    .asText()
                                    .endsWith("the runtime loads it when this server restarts")));
    await("the standby reports it runs other files and is not ready")
        .atMost(Timing.seconds(10))
        .untilAsserted(
            () -> {
              JsonNode s = standby.status();
              JsonNode p = s.path("projectFiles");
              assertThat(p.path("inSync").asBoolean()).isFalse();
              assertThat(p.path("differences").toString()).isEqualTo("[\"plant.prj\"]");
              assertThat(p.path("changedOnDisk").toString()).isEqualTo("[\"plant.prj\"]");
              assertThat(p.path("onDisk").asText()).isEqualTo(p.path("activeOnDisk").asText());
              assertThat(p.path("loaded").asText()).isNotEqualTo(p.path("activeOnDisk").asText());
              assertThat(s.path("runtimeReady").asBoolean()).isFalse();
              assertThat(s.path("runtimeLoaded").asBoolean()).isTrue();
              assertThat(s.path("serviceLevel").asInt()).isEqualTo(1);
              assertThat(standby.client().serviceLevel()).isEqualTo(1);
            });
    Ctl status =
        Ctl.run(
            domain.ctlAs(
                TestDomain.VIEWER,
                "--domain",
                domain.domainFile(active.name()).toString(),
                "status"));
    assertThat(status.out())
        .contains(
            standby.name() + ": project files differ from the active's [\"plant.prj\"]",
            "not ready until in sync");
    assertThat(standby.events())
        .anyMatch(
            e ->
                e.path("weight").asText().equals("WARNING")
                    && e.path("message")
                        .asText()
                        .startsWith("project files loaded here differ from the active"));
    // The active runs on, ready; a switchover to the standby is refused.
    JsonNode a = active.status();
    assertThat(a.path("projectFiles").path("inSync").asBoolean()).isTrue();
    assertThat(a.path("projectFiles").path("changedOnDisk").toString()).contains("plant.prj");
    assertThat(a.path("serviceLevel").asInt()).isGreaterThanOrEqualTo(200);
    ActivateResult refused = standby.operatorClient().activate();
    assertThat(refused.accepted()).as(refused.message()).isFalse();
    assertThat(active.state()).isEqualTo("ACTIVE");

    // Restarted, the standby loads the copied file: in sync and ready again, with the new tag.
    standby.stop();
    standby.start();
    domain.awaitState(standby.name(), "STANDBY");
    awaitReadyStandby(active, standby);
    assertThat(projectFiles(standby).path("changedOnDisk")).isEmpty();
    assertThat(standby.client().readTag("Operator.Added").value()).isEqualTo(7);
    assertThat(standby.events())
        .anyMatch(
            e ->
                e.path("weight").asText().equals("NOTICE")
                    && e.path("message")
                        .asText()
                        .startsWith("project files loaded here are the same as the active"));
  }
}
