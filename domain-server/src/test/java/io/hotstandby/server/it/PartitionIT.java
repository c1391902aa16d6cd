package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every REC path between the two servers is cut while the Hazelcast link and the integrity address
 * (a TCP listener this test owns, standing for the PLC network) stay as they are.
 *
 * <p>One domain is shared by the class, as starting one costs more than a test. Each test first
 * makes it whole (every REC path restored, the integrity address listening) and waits for one
 * ACTIVE and one STANDBY, so the tests pass in any order and alone.
 */
class PartitionIT {
  static ServerSocket integrity;
  static int integrityPort;
  static TestDomain domain;

  ServerProcess active;
  ServerProcess standby;

  @BeforeAll
  static void start() throws IOException {
    integrity = listen(0);
    integrityPort = integrity.getLocalPort();
    domain =
        TestDomain.builder()
            .name("partition")
            .integrityPort(integrityPort)
            .relays()
            .build()
            .startAll();
  }

  static ServerSocket listen(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    return s;
  }

  @AfterAll
  static void stop() throws IOException {
    domain.close();
    integrity.close();
  }

  @BeforeEach
  void findRoles() throws IOException {
    domain.healRec("alpha", "beta");
    if (integrity.isClosed()) {
      integrity = listen(integrityPort);
    }
    // A crash is seen fastest once the cluster has formed; failures before that are REC-only.
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    active = roles.active();
    standby = roles.standby();
  }

  @Test
  void cutLinksWithIntegrityReachableMeanTakeoverThenTheLowerTermStepsDownOnHeal()
      throws Exception {
    long term = active.status().path("term").asLong();

    domain.cutRec("alpha", "beta");
    try {
      await().atMost(Timing.seconds(30)).until(() -> standby.state().equals("ACTIVE"));
      assertThat(standby.status().path("term").asLong()).isEqualTo(term + 1);
      assertThat(active.state()).isEqualTo("ACTIVE");
    } finally {
      domain.healRec("alpha", "beta");
    }
    await().atMost(Timing.seconds(30)).until(() -> active.state().equals("STANDBY"));
    JsonNode dual = active.lastEvent("dual active for");
    assertThat(dual.path("weight").asText()).isEqualTo("ERROR");
    assertThat(dual.path("durationMs").asLong()).isPositive();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Timing.seconds(10))
        .until(() -> standby.state().equals("ACTIVE") && active.state().equals("STANDBY"));
  }

  @Test
  void withTheIntegrityAddressUnreachableTheStandbyDoesNotTakeOver() throws Exception {
    integrity.close();
    try {
      domain.cutRec("alpha", "beta");
      // The active is now isolated (no peer, no integrity address) and steps down; the standby
      // must not take a role it cannot verify.
      await().atMost(Timing.seconds(30)).until(() -> active.state().equals("STANDBY"));
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Timing.seconds(10))
          .until(() -> standby.state().equals("STANDBY"));
      assertThat(standby.events())
          .anyMatch(e -> e.path("message").asText().contains("no integrity address is reachable"));
      assertThat(active.events()).anyMatch(e -> e.path("message").asText().contains("isolated"));
    } finally {
      // Links first: with both servers standing by and hearing each other, the main is the one
      // to take the role when the integrity address comes back.
      domain.healRec("alpha", "beta");
      await()
          .atMost(Timing.seconds(10))
          .until(
              () ->
                  standby.status().path("links").get(0).path("liveness").asText().equals("ALIVE"));
      integrity = listen(integrityPort);
    }
    await("the main takes the role again once the domain is whole")
        .atMost(Timing.seconds(30))
        .until(
            () ->
                domain.server("alpha").state().equals("ACTIVE")
                    && domain.server("beta").state().equals("STANDBY"));
  }

  @Test
  void aStandbyFrozenLongerThanTheClusterTimeoutResumesAsStandby() throws Exception {
    long term = active.status().path("term").asLong();
    long before = System.currentTimeMillis();
    standby.freeze();
    try {
      // Longer than Hazelcast's 5 s: the active's cluster member drops the frozen one, and on
      // resume the standby's member finds the active's heartbeats stale.
      await("frozen past the cluster timeout")
          .atMost(Timing.seconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> System.currentTimeMillis() - before >= 7000);
    } finally {
      standby.thaw();
    }
    await("the resumed standby takes no role")
        .during(Duration.ofSeconds(3))
        .atMost(Timing.seconds(20))
        .until(
            () -> active.loggedState().equals("ACTIVE") && standby.loggedState().equals("STANDBY"));
    assertThat(active.status().path("term").asLong()).isEqualTo(term);
    assertThat(standby.events())
        .noneMatch(
            e ->
                e.path("epochMillis").asLong() >= before && "ACTIVE".equals(e.path("to").asText()));
  }
}
