package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
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
import org.junit.jupiter.api.Test;

/**
 * A two-server domain that loses its active in every way a plant does: a crash (kill -9), a hang
 * (SIGSTOP, then SIGCONT), an operator's switchover.
 *
 * <p>One domain is shared by the whole class: starting two servers and forming their cluster costs
 * more than most of these tests, and every test ends with one ACTIVE and one STANDBY anyway. Each
 * test first brings the domain to "one ACTIVE, one STANDBY on the same domain version", whichever
 * is which, so the tests pass in any order and alone.
 */
class FailoverIT {
  private static final ObjectMapper JSON = new ObjectMapper();

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
  void findRoles() throws Exception {
    // A crash is seen fastest once the cluster has formed; failures before that are REC-only.
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    active = roles.active();
    standby = roles.standby();
    long version = domainVersion(active);
    if (domainVersion(standby) != version) {
      // A standby left on another domain version cannot take over: give it the active's file.
      standby.stop();
      domain.writeServerFolder(standby.name(), version);
      standby.restart();
      domain.awaitState(standby.name(), "STANDBY");
      domain.awaitCluster(2);
      await()
          .atMost(Timing.seconds(20))
          .until(() -> standby.state().equals("STANDBY") && domainVersion(standby) == version);
    }
  }

  static long domainVersion(ServerProcess s) throws Exception {
    return s.status().path("domainVersion").asLong();
  }

  long term(ServerProcess s) throws Exception {
    return s.status().path("term").asLong();
  }

  @Test
  void killingTheActiveMakesTheStandbyActiveAndTheRestartedServerJoinsAsStandby() throws Exception {
    long term = term(active);
    List<Integer> levels = new CopyOnWriteArrayList<>();
    try (AutoCloseable sub = standby.client().subscribeServiceLevel(50, levels::add)) {
      await().atMost(Timing.seconds(10)).until(() -> !levels.isEmpty());
      assertThat(levels.get(levels.size() - 1)).isBetween(2, 199);

      active.kill();

      domain.awaitState(standby.name(), "ACTIVE");
      // The status is published once the takeover's effects are carried out, just after the
      // change is logged.
      await().atMost(Timing.seconds(10)).until(() -> term(standby) == term + 1);
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
  void freezingTheActiveFailsOverAndTheThawedServerStepsDown() throws Exception {
    long term = term(active);
    active.freeze();
    try {
      domain.awaitState(standby.name(), "ACTIVE");
      // The status is published once the takeover's effects are carried out, just after the
      // change is logged.
      await().atMost(Timing.seconds(10)).until(() -> term(standby) == term + 1);
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
  void domainctlActivateSwapsTheRoles() throws Exception {
    long term = term(active);
    Ctl ctl =
        Ctl.run(
            domain.ctlAs(
                TestDomain.OPERATOR,
                "--domain",
                domain.domainFile("alpha").toString(),
                "activate"));
    assertThat(ctl.exit()).as(ctl.out() + ctl.err()).isZero();
    assertThat(ctl.out()).contains(standby.name() + " is now ACTIVE (term " + (term + 1) + ")");
    domain.awaitState(active.name(), "STANDBY");
    assertThat(standby.state()).isEqualTo("ACTIVE");
    assertThat(lastTransition(active, "STANDBY").path("message").asText())
        .contains("planned switchover");
  }

  @Test
  void activateIsRefusedWithEveryUnmetPreconditionAndNothingChanges() throws Exception {
    long term = term(active);
    long version = domainVersion(active);
    Ctl onActive =
        Ctl.run(domain.ctlAs(TestDomain.OPERATOR, "--endpoint", active.endpoint(), "activate"));
    assertThat(onActive.exit()).isEqualTo(1);
    assertThat(onActive.err()).contains("refused: server is already ACTIVE");

    // The standby is restarted on a newer domain file its peer does not have yet. The operator
    // logs in while it starts, so Activate is asked as soon as it stands by, before domain sync
    // has brought the active the newer version (a login alone takes about half a second).
    standby.stop();
    domain.writeServerFolder(standby.name(), version + 1);
    standby.restart();
    try (AdminClient operator =
        await()
            .atMost(Timing.seconds(60))
            .ignoreExceptions()
            .until(() -> standby.connectAs(TestDomain.OPERATOR), c -> c != null)) {
      await()
          .atMost(Timing.seconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> JSON.readTree(operator.statusJson()).path("state").asText(), "STANDBY"::equals);
      ActivateResult refused = operator.activate();
      assertThat(refused.accepted()).isFalse();
      assertThat(refused.message())
          .contains(
              "refused: domain versions differ (here "
                  + (version + 1)
                  + ", "
                  + active.name()
                  + " "
                  + version
                  + ")");
    }
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
