package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    int ua = FreePorts.next();
    Path domainFile = dir.resolve("one.dom");
    Files.writeString(
        domainFile,
        """
        <domain name="one" version="1">
          <secret>s3cret-s3cret-s3cret</secret>
          <servers>
            <server name="alpha" host="127.0.0.1">
              <hazelcast port="%d"/><opcua port="%d"/><rec path="lan" port="%d"/>
            </server>
          </servers>
          <hotStandby enabled="false" main="alpha"/>
          <projects><project file="plant.prj"/></projects>
          <security anonymousRead="true"/>
        </domain>
        """
            .formatted(FreePorts.next(), ua, FreePorts.next()));
    Path stderr = dir.resolve("stderr.txt");
    Process p =
        new ProcessBuilder(
                TestDomain.distBin("domain-server"),
                "--domain",
                domainFile.toString(),
                "--server",
                "alpha",
                "--data-dir",
                dir.resolve("data").toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile())
            .start();
    try {
      await("the one-line error")
          .atMost(Timing.seconds(60))
          .until(() -> Files.readString(stderr).contains("runtime not ready"));
      List<String> lines = Files.readAllLines(stderr).stream().filter(l -> !l.isBlank()).toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains("plant.prj").contains(field);

      String endpoint = "opc.tcp://127.0.0.1:" + ua + "/hotstandby";
      try (AdminClient client =
          await()
              .atMost(Timing.seconds(60))
              .ignoreExceptions()
              .until(() -> AdminClient.connect(endpoint, Timing.seconds(5)), c -> c != null)) {
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Timing.seconds(20))
            .until(() -> client.serviceLevel() == 1 && !client.statusJson().contains("\"ACTIVE\""));
        assertThat(client.statusJson()).contains("\"runtimeReady\":false");
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
