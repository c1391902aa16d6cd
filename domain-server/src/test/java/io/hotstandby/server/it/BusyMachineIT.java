package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A busy minute must not move the plant: with the product's loss timeout (500 ms, up to 2000 ms in
 * a server's first minute), an active that stalls for longer than the failover timeout while the
 * domain starts keeps its role, and a crash is still taken over at once. The tests run in order
 * within the servers' first minute.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BusyMachineIT {
  static TestDomain domain;
  static ServerProcess alpha;
  static ServerProcess beta;

  @BeforeAll
  static void start() {
    domain = TestDomain.builder().name("busy").defaultLossTimeout().build().startAll();
    domain.awaitState("alpha", "ACTIVE");
    domain.awaitState("beta", "STANDBY");
    alpha = domain.server("alpha");
    beta = domain.server("beta");
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  static long lossTimeoutMs(ServerProcess viewer, String peer) throws Exception {
    return viewer.link(peer).path("lossTimeoutMs").asLong();
  }

  static long activations(ServerProcess s) {
    return s.events().stream().filter(e -> "ACTIVE".equals(e.path("to").asText())).count();
  }

  @Test
  @Order(1)
  void anActiveStalledForASecondInTheFirstMinuteKeepsItsRole() throws Exception {
    assertThat(lossTimeoutMs(beta, "alpha")).as("the standby's first minute").isEqualTo(2000);
    long betaActivations = activations(beta);

    alpha.freeze();
    try {
      // Twice the failover timeout: a fixed timeout would have made beta ACTIVE by now.
      await("beta stays STANDBY while alpha is frozen")
          .during(Duration.ofMillis(1200))
          .atMost(Timing.seconds(10))
          .until(() -> beta.loggedState().equals("STANDBY"));
    } finally {
      alpha.thaw();
    }

    domain.awaitState("alpha", "ACTIVE");
    await("beta hears alpha again")
        .atMost(Timing.seconds(10))
        .until(() -> beta.link("alpha").path("liveness").asText().equals("ALIVE"));
    assertThat(beta.loggedState()).isEqualTo("STANDBY");
    assertThat(activations(beta)).isEqualTo(betaActivations);
    assertThat(beta.events())
        .noneMatch(e -> e.path("message").asText().startsWith("dual active for"));
  }

  @Test
  @Order(2)
  void aCrashInTheFirstMinuteIsStillTakenOverAtOnce() throws Exception {
    domain.awaitState("beta", "STANDBY");
    // The crash path needs the cluster, which forms a few seconds after the roles.
    domain.awaitCluster(2);
    assertThat(lossTimeoutMs(beta, "alpha")).isEqualTo(2000);

    alpha.kill();

    domain.awaitState("beta", "ACTIVE");
    // Detected by the closed cluster connection, not by waiting out the 2000 ms loss timeout.
    assertThat(beta.events())
        .anyMatch(
            e ->
                "ACTIVE".equals(e.path("to").asText())
                    && e.toString().contains("crashed: cluster member removed"));
  }
}
