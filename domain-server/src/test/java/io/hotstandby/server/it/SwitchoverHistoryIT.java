package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The switchover history as an operator reads it with {@code domainctl history}: after a crash of
 * the active and an operator's switchover, every live server lists the same takeovers, the
 * restarted one included.
 */
class SwitchoverHistoryIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain = TestDomain.builder().name("history").build().startAll();
    domain.awaitState("alpha", "ACTIVE");
    domain.awaitState("beta", "STANDBY");
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  @Test
  void everyServerListsTheFailoverAndTheSwitchover() throws Exception {
    ServerProcess alpha = domain.server("alpha");
    ServerProcess beta = domain.server("beta");
    domain.awaitCluster(2);
    // The main took the role alone at the start; the backup learns of it from the cluster.
    awaitHistory(beta, "start:->alpha");

    alpha.kill();
    domain.awaitState("beta", "ACTIVE");
    awaitHistory(beta, "start:->alpha", "failover:alpha->beta");
    JsonNode failover = history(beta).get(1);
    assertThat(failover.path("reason").asText()).startsWith("active lost: alpha");
    assertThat(failover.path("durationMs").asLong()).isBetween(1L, 10_000L);
    assertThat(failover.path("lagEntries").asLong()).isZero();

    // The crashed server comes back as the standby and catches up.
    alpha.restart();
    domain.awaitState("alpha", "STANDBY");
    domain.awaitCluster(2);
    awaitHistory(alpha, "start:->alpha", "failover:alpha->beta");

    Ctl activate =
        Ctl.run(
            domain.ctlAs(
                TestDomain.OPERATOR,
                "--domain",
                domain.domainFile("alpha").toString(),
                "activate",
                "alpha"));
    assertThat(activate.exit()).as(activate.out() + activate.err()).isZero();
    domain.awaitState("beta", "STANDBY");
    for (ServerProcess s : List.of(alpha, beta)) {
      awaitHistory(s, "start:->alpha", "failover:alpha->beta", "switchover:beta->alpha");
    }
    JsonNode switchover = history(alpha).get(2);
    assertThat(switchover.path("reason").asText())
        .isEqualTo("planned switchover requested by operator; handed over by beta");
    assertThat(switchover.path("term").asLong()).isEqualTo(failover.path("term").asLong() + 1);

    Ctl text = Ctl.run(domain.ctlAs(TestDomain.VIEWER, "--endpoint", beta.endpoint(), "history"));
    assertThat(text.exit()).as(text.err()).isZero();
    List<String> lines = text.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).contains("failover").contains("alpha → beta").contains(" ms");
    assertThat(lines.get(2)).contains("switchover").contains("beta → alpha");
  }

  /** Waits until {@code domainctl history --json} on {@code s} lists exactly {@code expected}. */
  static void awaitHistory(ServerProcess s, String... expected) {
    await(s.name() + "'s switchover history")
        .atMost(Timing.seconds(30))
        .untilAsserted(() -> assertThat(summary(history(s))).containsExactly(expected));
  }

  static JsonNode history(ServerProcess s) throws Exception {
    Ctl ctl =
        Ctl.run(
            domain.ctlAs(
                TestDomain.VIEWER, "--endpoint", s.endpoint(), "history", "--json", "--max", "10"));
    assertThat(ctl.exit()).as(ctl.err()).isZero();
    return JSON.readTree(ctl.out());
  }

  static List<String> summary(JsonNode entries) {
    List<String> out = new ArrayList<>();
    entries.forEach(
        e ->
            out.add(
                e.path("kind").asText()
                    + ":"
                    + e.path("from").asText()
                    + "->"
                    + e.path("to").asText()));
    return out;
  }
}
