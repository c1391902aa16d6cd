package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A two-server domain that loses its active in every way a plant does: a crash (kill -9), a hang
 * (SIGSTOP, then SIGCONT), an operator's switchover. One domain is shared by the whole class; each
 * test starts from "one ACTIVE, one STANDBY", whichever is which.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  static final long FAILOVER_TIMEOUT_MS = 500;
  static TestDomain domain;

  ServerProcess active;
  ServerProcess standby;

  @BeforeAll
  static void start() {
    domain = TestDomain.builder().name("failover").build().startAll();
    domain.awaitState("alpha", "ACTIVE");
    domain.awaitState("beta", "STANDBY");
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  @BeforeEach
  void findRoles() {
    // A crash is seen fastest once the cluster has formed; failures before that are REC-only.
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    active = roles.active();
    standby = roles.standby();
  }

  long term(ServerProcess s) throws Exception {
    return s.status().path("term").asLong();
  }

  @Test
  @Order(1)
  void killingTheActiveMakesTheStandbyActiveAndTheRestartedServerJoinsAsStandby() throws Exception {
    long term = term(active);
    List<Integer> levels = new CopyOnWriteArrayList<>();
    try (AutoCloseable sub = standby.client().subscribeServiceLevel(50, levels::add)) {
      await().atMost(Timing.seconds(10)).until(() -> !levels.isEmpty());
      assertThat(levels.get(levels.size() - 1)).isBetween(2, 199);

      active.kill();

      domain.awaitState(standby.name(), "ACTIVE");
      assertThat(term(standby)).isEqualTo(term + 1);
      await("ServiceLevel of the new active seen by a subscribed client")
          .atMost(Timing.seconds(10))
          .until(() -> levels.stream().anyMatch(l -> l >= 200 && l <= 255));
    }
    JsonNode change = lastTransition(standby, "ACTIVE");
    assertThat(change.path("message").asText())
        .startsWith(
            "state changed from STANDBY to ACTIVE (term "
                + (term + 1)
                + "): active "
                + active.name());

    // The failed server comes back as the standby and does not take the role back.
    active.restart();
    domain.awaitState(active.name(), "STANDBY");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Timing.seconds(10))
        .until(() -> standby.state().equals("ACTIVE") && active.state().equals("STANDBY"));
  }

  @Test
  @Order(3)
  void freezingTheActiveFailsOverAndTheThawedServerStepsDown() throws Exception {
    long term = term(active);
    active.freeze();
    try {
      domain.awaitState(standby.name(), "ACTIVE");
      assertThat(term(standby)).isEqualTo(term + 1);
    } finally {
      active.thaw();
    }
    domain.awaitState(active.name(), "STANDBY");
    JsonNode stepDown = lastTransition(active, "STANDBY");
    assertThat(stepDown.path("message").asText()).contains("higher term " + (term + 1));
    JsonNode dual = active.lastEvent("dual active for");
    assertThat(dual.path("weight").asText()).isEqualTo("ERROR");
    // Both claimed ACTIVE only from the thaw until the thawed server heard the new term.
    assertThat(dual.path("durationMs").asLong()).isLessThanOrEqualTo(FAILOVER_TIMEOUT_MS);
    assertThat(active.events())
        .anyMatch(e -> e.path("message").asText().startsWith("process paused for"));
  }

  @Test
  @Order(4)
  void domainctlActivateSwapsTheRoles() throws Exception {
    long term = term(active);
    Ctl ctl = Ctl.run("--domain", domain.domainFile("alpha").toString(), "activate");
    assertThat(ctl.exit()).as(ctl.out() + ctl.err()).isZero();
    assertThat(ctl.out()).contains(standby.name() + " is now ACTIVE (term " + (term + 1) + ")");
    domain.awaitState(active.name(), "STANDBY");
    assertThat(standby.state()).isEqualTo("ACTIVE");
    assertThat(lastTransition(active, "STANDBY").path("message").asText())
        .contains("planned switchover");
  }

  @Test
  @Order(5)
  void activateIsRefusedWithEveryUnmetPreconditionAndNothingChanges() throws Exception {
    long term = term(active);
    Ctl onActive = Ctl.run("--endpoint", active.endpoint(), "activate");
    assertThat(onActive.exit()).isEqualTo(1);
    assertThat(onActive.err()).contains("refused: server is already ACTIVE");

    // The standby is restarted on a newer domain file its peer does not have yet.
    standby.stop();
    domain.writeServerFolder(standby.name(), 2);
    standby.restart();
    domain.awaitState(standby.name(), "STANDBY");
    await().atMost(Timing.seconds(20)).until(() -> standby.state().equals("STANDBY"));
    Ctl refused = Ctl.run("--endpoint", standby.endpoint(), "activate");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .contains("refused: domain versions differ (here 2, " + active.name() + " 1)");
    assertThat(active.state()).isEqualTo("ACTIVE");
    assertThat(term(active)).isEqualTo(term);
    assertThat(standby.state()).isEqualTo("STANDBY");
  }

  static JsonNode lastTransition(ServerProcess s, String to) {
    return s.events().stream()
        .filter(e -> to.equals(e.path("to").asText()))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(s.name() + " never entered " + to));
  }
}
