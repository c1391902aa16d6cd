package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.server.kit.LoneServer;
import io.hotstandby.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server whose project is invalid says so in one line naming the file and the field, reports
 * "runtime not ready" (ServiceLevel 1) and never becomes ACTIVE with a half-loaded project.
 */
class InvalidProjectIT {
  static final String VALID =
      """
      <project name="p">
        <drivers><driver name="sim" type="simulation"/></drivers>
        <tags>
          <folder name="Tank1">
            <tag name="Level" driver="sim" address="sine:period=10s" type="Double"/>
          </folder>
          <tag name="Setpoint" type="Double" initial="2.5" writable="true"/>
        </tags>
        <alarms>
          <analog name="Tank1.High" tag="Tank1.Level" hi="4" severity="500" message="high"/>
        </alarms>
      </project>
      """;

  @TempDir Path dir;

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "type=\"Double\"/>\n    </folder>", "type=\"Float\"/>\n    </folder>", "@type"),
        Arguments.of("driver=\"sim\" address", "driver=\"plc\" address", "@driver"),
        Arguments.of("sine:period=10s", "wobble:period=10s", "@address"),
        Arguments.of("initial=\"2.5\"", "initial=\"two\"", "@initial"),
        Arguments.of("tag=\"Tank1.Level\"", "tag=\"Tank9.Level\"", "@tag"),
        Arguments.of("</project>", "", "xml"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("invalid")
  void anInvalidProjectIsReportedAndTheServerNeverBecomesActive(
      String from, String to, String field) throws Exception {
    Path project = dir.resolve("plant.prj");
    Files.writeString(project, VALID.replace(from, to));
    assertThat(Files.readString(project)).isNotEqualTo(VALID);
    try (LoneServer server = LoneServer.start(dir, "<security anonymousRead=\"true\"/>")) {
      await("the one-line error")
          .atMost(Timing.seconds(60))
          .until(() -> Files.readString(server.stderr()).contains("runtime not ready"));
      List<String> lines =
          Files.readAllLines(server.stderr()).stream().filter(l -> !l.isBlank()).toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains("plant.prj").contains(field);

      try (AdminClient client =
          await()
              .atMost(Timing.seconds(60))
              .ignoreExceptions()
              .until(
                  () -> AdminClient.connect(server.endpoint(), Timing.seconds(5)),
                  c -> c != null)) {
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Timing.seconds(20))
            .until(() -> client.serviceLevel() == 1 && !client.statusJson().contains("\"ACTIVE\""));
        assertThat(client.statusJson()).contains("\"runtimeReady\":false");
      }
    }
  }
}
