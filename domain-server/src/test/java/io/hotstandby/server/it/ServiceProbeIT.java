package io.hotstandby.server.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.admin.client.DomainChange;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileReader;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.server.opcua.LoginThrottle;
import io.hotstandby.server.probe.OpcUaProbe;
import io.hotstandby.server.probe.ProbeLogin;
import io.hotstandby.testkit.TcpRelay;
import io.hotstandby.testkit.Timing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service probe against real servers: every server's OPC UA port is behind a relay, which the
 * peers' probes and clients use, while REC runs beside it. Blocking the active's port makes the
 * standby take over when the probe is on and changes nothing when it is off; CPU load alone makes
 * no probe failover. The domain starts once with the probe on; each test sets it as it needs.
 */
class ServiceProbeIT {
  static final int INTERVAL_MS = 500;
  static final int FAILURES = 3;
  static final String PROBE =
      "    <probe intervalMs=\"" + INTERVAL_MS + "\" failures=\"" + FAILURES + "\"/>\n";

  static TestDomain domain;
  static boolean probeOn = true;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("probe")
            .opcUaRelays()
            .serviceProbe(INTERVAL_MS, FAILURES)
            .build()
            .startAll();
    domain.awaitRoles();
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  @AfterEach
  void openEveryRelay() {
    for (ServerProcess s : domain.servers()) {
      domain.opcUaRelay(s.name()).thaw();
      domain.opcUaRelay(s.name()).restore();
    }
  }

  /** Puts a domain version with or without the probe in force on both servers. */
  static void probe(boolean on) throws Exception {
    if (probeOn == on) {
      return;
    }
    String xml = domain.domainXml(1);
    if (!on) {
      xml = xml.replace(PROBE, "");
    }
    ServerProcess via = domain.awaitRoles().active();
    DomainChange change = via.adminClient().applyDomain(xml.getBytes(StandardCharsets.UTF_8));
    assertThat(change.accepted()).as(change.message()).isTrue();
    await("version " + change.version() + " in force everywhere")
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () -> {
              for (ServerProcess s : domain.servers()) {
                assertThat(s.status().path("domainVersion").asLong()).isEqualTo(change.version());
              }
            });
    probeOn = on;
  }

  static long transitions(ServerProcess s) {
    return s.events().stream().filter(e -> e.has("to")).count();
  }

  static long transitions() {
    return domain.servers().stream().mapToLong(ServiceProbeIT::transitions).sum();
  }

  @Test
  void withTheProbeOnABlockedEndpointIsTakenOverWhileRecKeepsRunning() throws Exception {
    probe(true);
    TestDomain.Roles roles = domain.awaitRoles();
    ServerProcess active = roles.active();
    ServerProcess standby = roles.standby();
    TcpRelay relay = domain.opcUaRelay(active.name());
    // A standby takes an active for failed only once it has answered in its term.
    await(standby.name() + "'s probe answered by " + active.name())
        .atMost(Timing.seconds(30))
        .until(
            () -> {
              JsonNode p = standby.status().path("probe");
              return p.path("target").asText().equals(active.name())
                  && !p.path("lastOkAt").isNull()
                  && p.path("failuresInRow").asInt() == 0;
            });

    long t0 = System.nanoTime();
    relay.freeze();
    await(standby.name() + " takes over")
        .atMost(Duration.ofMillis(10L * INTERVAL_MS * FAILURES))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> standby.loggedState().equals("ACTIVE"));
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(
        "service probe failover: %d ms (probe every %d ms, %d failures)%n",
        tookMs, INTERVAL_MS, FAILURES);

    domain.awaitState(active.name(), "STANDBY");
    JsonNode takeover = standby.lastEvent("state changed from STANDBY to ACTIVE");
    assertThat(takeover.path("message").asText())
        .contains("active " + active.name() + " service probe failed " + FAILURES + " times");
    assertThat(standby.events())
        .anyMatch(
            e ->
                "WARNING".equals(e.path("weight").asText())
                    && e.path("message").asText().startsWith("service probe of " + active.name()));
    // REC kept running: the old active heard the higher term and stepped down, and stays so.
    relay.thaw();
    await("exactly one ACTIVE")
        .during(Duration.ofSeconds(2))
        .atMost(Timing.seconds(20))
        .until(
            () -> standby.loggedState().equals("ACTIVE") && active.loggedState().equals("STANDBY"));
    // The status says what each probes now: the new active itself, the old one the new active.
    await("each server's status shows its probe answered")
        .atMost(Timing.seconds(20))
        .untilAsserted(
            () -> {
              JsonNode own = standby.status().path("probe");
              assertThat(own.path("target").asText()).isEqualTo(standby.name());
              assertThat(own.path("self").asBoolean()).isTrue();
              assertThat(own.path("failuresInRow").asInt()).isZero();
              assertThat(own.path("threshold").asInt()).isEqualTo(FAILURES);
              JsonNode peer = active.status().path("probe");
              assertThat(peer.path("target").asText()).isEqualTo(standby.name());
              assertThat(peer.path("self").asBoolean()).isFalse();
              assertThat(peer.path("lastOkAt").isTextual()).isTrue();
            });
  }

  @Test
  void withTheProbeOffABlockedEndpointChangesNoRole() throws Exception {
    probe(false);
    try {
      TestDomain.Roles roles = domain.awaitRoles();
      long before = transitions();
      domain.opcUaRelay(roles.active().name()).freeze();
      // Four times as long as the probe, when on, takes to decide.
      await("no role changes while the active's endpoint is blocked")
          .during(Duration.ofMillis(4L * INTERVAL_MS * FAILURES))
          .atMost(Timing.seconds(30))
          .until(() -> transitions() == before);
      assertThat(roles.active().loggedState()).isEqualTo("ACTIVE");
      assertThat(roles.standby().loggedState()).isEqualTo("STANDBY");
      assertThat(roles.standby().status().path("probe").toString())
          .isEqualTo("{\"enabled\":false}");
    } finally {
      domain.opcUaRelay(domain.servers().get(0).name()).thaw();
      domain.opcUaRelay(domain.servers().get(1).name()).thaw();
      probe(true);
    }
  }

  @Test
  void cpuLoadAloneMakesNoProbeFailover() throws Exception {
    probe(true);
    domain.awaitRoles();
    long before = transitions();
    long probeEvents = probeEvents();
    AtomicBoolean busy = new AtomicBoolean(true);
    List<Thread> burners = new ArrayList<>();
    int threads = 2 * Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                long x = 0;
                while (busy.get()) {
                  x += System.nanoTime() % 7;
                }
                if (x == 42) {
                  System.out.print("");
                }
              },
              "busy-" + i);
      t.setDaemon(true);
      burners.add(t);
      t.start();
    }
    try {
      await("no role changes under CPU load")
          .during(Duration.ofMillis(8L * INTERVAL_MS * FAILURES))
          .atMost(Timing.seconds(60))
          .until(() -> transitions() == before);
    } finally {
      busy.set(false);
      for (Thread t : burners) {
        t.join();
      }
    }
    assertThat(probeEvents()).as("probe failures reported").isEqualTo(probeEvents);
  }

  @Test
  void theProbeReadsThroughALoginOnlyTheDomainSecretMakes() throws Exception {
    ServerProcess active = domain.awaitRoles().active();
    Domain d = DomainFileReader.read(domain.domainFile(active.name()));
    byte[] key = ProbeLogin.key(d.name(), d.secret());
    byte[] otherKey = ProbeLogin.key(d.name(), "not the domain's secret".getBytes(UTF_8));

    // This domain offers no anonymous reading: without the login the probe would reach no session.
    try (OpcUaProbe right = new OpcUaProbe(() -> key)) {
      assertThat(right.check(active.endpoint(), 10_000)).isEmpty();
      assertThat(right.sessionOpen()).as("logged in and read").isTrue();
      assertThat(right.lastRefusal()).isEmpty();
    }
    try (OpcUaProbe wrong = new OpcUaProbe(() -> otherKey)) {
      // Refused, the server still answered: that counts as alive, not as a failed probe.
      for (int i = 0; i < LoginThrottle.MAX_FAILURES + 1; i++) {
        assertThat(wrong.check(active.endpoint(), 10_000)).isEmpty();
      }
      assertThat(wrong.sessionOpen()).isFalse();
      assertThat(wrong.lastRefusal()).startsWith("open a session: ").contains("Bad_");
    }
    Path audit = active.dataDir().resolve("audit.jsonl");
    await("the refused logins audited")
        .atMost(Timing.seconds(10))
        .until(
            () ->
                Files.readAllLines(audit).stream()
                    .anyMatch(
                        l ->
                            l.contains("\"user\":\"" + ProbeLogin.USER + "\"")
                                && l.contains("refused: wrong user name or password")));
    // More refusals than lock other names: the probe's login is never locked out.
    try (OpcUaProbe again = new OpcUaProbe(() -> key)) {
      assertThat(again.check(active.endpoint(), 10_000)).isEmpty();
      assertThat(again.sessionOpen()).isTrue();
    }
  }

  static long probeEvents() {
    return domain.servers().stream()
        .flatMap(s -> s.events().stream())
        .filter(e -> e.path("component").asText().equals("probe"))
        .count();
  }
}
