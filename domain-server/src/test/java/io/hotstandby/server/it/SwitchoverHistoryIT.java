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
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    ServerProcess first = roles.active();
    ServerProcess second = roles.standby();
    String a = first.name();
    String b = second.name();
    // However the start went, the standby has learnt it from the cluster.
    await("the same history on both servers")
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () -> {
              List<String> seen = summary(history(first));
              assertThat(seen).isNotEmpty().last().asString().endsWith("->" + a);
              assertThat(summary(history(second))).isEqualTo(seen);
            });

    first.kill();
    domain.awaitState(b, "ACTIVE");
    awaitHistoryEndsWith(second, "failover:" + a + "->" + b);
    JsonNode failover = last(history(second));
    assertThat(failover.path("reason").asText()).startsWith("active lost: " + a);
    assertThat(failover.path("durationMs").asLong()).isBetween(1L, 10_000L);
    assertThat(failover.path("lagEntries").asLong()).isZero();

    // The crashed server comes back as the standby and catches up.
    first.restart();
    domain.awaitState(a, "STANDBY");
    domain.awaitCluster(2);
    awaitHistoryEndsWith(first, "failover:" + a + "->" + b);

    Ctl activate =
        Ctl.run(
            domain.ctlAs(
                TestDomain.OPERATOR, "--domain", domain.domainFile(a).toString(), "activate", a));
    assertThat(activate.exit()).as(activate.out() + activate.err()).isZero();
    domain.awaitState(b, "STANDBY");
    for (ServerProcess s : List.of(first, second)) {
      awaitHistoryEndsWith(s, "failover:" + a + "->" + b, "switchover:" + b + "->" + a);
    }
    JsonNode switchover = last(history(first));
    assertThat(switchover.path("reason").asText())
        .isEqualTo("planned switchover requested by operator; handed over by " + b);
    assertThat(switchover.path("term").asLong()).isEqualTo(failover.path("term").asLong() + 1);
    assertThat(summary(history(second))).isEqualTo(summary(history(first)));

    Ctl text = Ctl.run(domain.ctlAs(TestDomain.VIEWER, "--endpoint", second.endpoint(), "history"));
    assertThat(text.exit()).as(text.err()).isZero();
    List<String> lines = text.out().lines().toList();
    assertThat(lines.get(lines.size() - 2))
        .contains("failover")
        .contains(a + " → " + b)
        .contains(" ms");
    assertThat(lines.get(lines.size() - 1)).contains("switchover").contains(b + " → " + a);
  }

  /** Waits until {@code domainctl history --json} on {@code s} ends with {@code expected}. */
  static void awaitHistoryEndsWith(ServerProcess s, String... expected) {
    await(s.name() + "'s switchover history")
        .atMost(Timing.seconds(30))
        .untilAsserted(() -> assertThat(summary(history(s))).endsWith(expected));
  }

  static JsonNode last(JsonNode entries) {
    return entries.get(entries.size() - 1);
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
