package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Four servers form one domain: the main ACTIVE, the backup STANDBY, a third neither main nor
 * backup INACTIVE, a fourth in maintenance MAINTENANCE with ServiceLevel 0.
 */
class DomainFormationIT {
  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("formation")
            .servers("alpha", "beta", "gamma", "delta")
            .maintenance("delta")
            .build()
            .startAll();
    domain.awaitState("alpha", "ACTIVE");
    domain.awaitState("beta", "STANDBY");
    domain.awaitState("gamma", "INACTIVE");
    domain.awaitState("delta", "MAINTENANCE");
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  @Test
  void eachServerReportsTheStateTheDomainGivesItOverOpcUa() throws Exception {
    await()
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () -> {
              assertThat(domain.server("alpha").client().serviceLevel()).isBetween(200, 255);
              assertThat(domain.server("beta").client().serviceLevel()).isBetween(2, 199);
              assertThat(domain.server("gamma").client().serviceLevel()).isEqualTo(1);
              assertThat(domain.server("delta").client().serviceLevel()).isZero();
            });
    assertThat(domain.server("alpha").status().path("term").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(domain.server("alpha").client().redundancySupport()).isEqualTo("HotAndMirrored");
    assertThat(domain.server("alpha").client().serverUriArray()).hasSize(4);
  }

  @Test
  void domainctlStatusShowsEveryServerAndExitsZeroWithOneActive() {
    Ctl ctl =
        Ctl.run(
            domain.ctlAs(
                TestDomain.VIEWER,
                "--domain",
                domain.domainFile("gamma").toString(),
                "status",
                "--json"));
    assertThat(ctl.exit()).as(ctl.err()).isZero();
    JsonNode servers = ctl.json().path("servers");
    assertThat(servers).hasSize(4);
    List<String> states = new ArrayList<>();
    for (JsonNode s : servers) {
      assertThat(s.has("endpoint") && s.has("pid") && s.has("term") && s.has("serviceLevel"))
          .isTrue();
      assertThat(s.path("domainVersion").asLong()).isEqualTo(1);
      assertThat(s.path("links").isArray()).isTrue();
      states.add(s.path("name").asText() + "=" + s.path("state").asText());
    }
    assertThat(states)
        .containsExactly("alpha=ACTIVE", "beta=STANDBY", "gamma=INACTIVE", "delta=MAINTENANCE");

    Ctl table =
        Ctl.run(
            domain.ctlAs(
                TestDomain.VIEWER, "--domain", domain.domainFile("alpha").toString(), "status"));
    assertThat(table.out()).contains("alpha", "ACTIVE", "beta", "STANDBY", "lan:up", "cable:up");
  }

  @Test
  void theRealLauncherPrintsTheSameStatus() throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(TestDomain.distBin("domainctl")));
    command.addAll(List.of(domain.viewerLogin()));
    command.addAll(List.of("--endpoint", domain.server("beta").endpoint(), "status", "--json"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
    // This JVM's known servers (every run makes new certificates), not the user's own file.
    pb.environment().put("HOTSTANDBY_KNOWN_SERVERS", System.getProperty("hotstandby.knownServers"));
    // A JVM of its own for the command (OperatorToolsIT covers the resident agent).
    pb.environment().put("DOMAINCTL_AGENT", "off");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("\"name\" : \"beta\"", "\"state\" : \"STANDBY\"");
  }

  @Test
  void aFloodOfGarbageDatagramsChangesNothingAndCrashesNothing() throws Exception {
    Random random = new Random(42);
    byte[] buf = new byte[1500];
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    try (DatagramSocket flood = new DatagramSocket()) {
      for (int i = 0; i < 20_000 && System.nanoTime() < deadline; i++) {
        int len = 1 + random.nextInt(buf.length);
        random.nextBytes(buf);
        if (i % 3 == 0) {
          System.arraycopy("HSR1".getBytes(), 0, buf, 0, 4);
        }
        int port = domain.recPort(i % 2 == 0 ? "alpha" : "beta", i % 4 < 2 ? "lan" : "cable");
        flood.send(new DatagramPacket(buf, len, InetAddress.getLoopbackAddress(), port));
      }
    }
    await()
        .atMost(Timing.seconds(20))
        .untilAsserted(
            () ->
                assertThat(domain.server("alpha").status().path("recDroppedDatagrams").asLong())
                    .isGreaterThan(1000));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Timing.seconds(10))
        .until(
            () ->
                domain.server("alpha").state().equals("ACTIVE")
                    && domain.server("beta").state().equals("STANDBY"));
    assertThat(domain.servers()).allMatch(s -> s.alive());
    assertThat(domain.server("alpha").events())
        .noneMatch(e -> e.path("message").asText().contains("state changed from ACTIVE"));
  }
}
