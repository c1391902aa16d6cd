package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.server.kit.Timing;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every REC path between the two servers is cut while the Hazelcast link and the integrity address
 * (a TCP listener this test owns, standing for the PLC network) stay as they are.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartitionIT {
  static ServerSocket integrity;
  static int integrityPort;
  static TestDomain domain;

  @BeforeAll
  static void start() throws IOException {
    integrity = listen(0);
    integrityPort = integrity.getLocalPort();
    domain = TestDomain.builder().name("partition").integrityPort(integrityPort).build().startAll();
    domain.awaitState("alpha", "ACTIVE");
    domain.awaitState("beta", "STANDBY");
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

  @Test
  @Order(1)
  void cutLinksWithIntegrityReachableMeanTakeoverThenTheLowerTermStepsDownOnHeal()
      throws Exception {
    ServerProcess alpha = domain.server("alpha");
    ServerProcess beta = domain.server("beta");
    long term = alpha.status().path("term").asLong();

    domain.cutRec("alpha", "beta");
    domain.awaitState("beta", "ACTIVE");
    assertThat(beta.status().path("term").asLong()).isEqualTo(term + 1);
    assertThat(alpha.loggedState()).isEqualTo("ACTIVE");

    domain.healRec("alpha", "beta");
    domain.awaitState("alpha", "STANDBY");
    JsonNode dual =
        alpha.events().stream()
            .filter(e -> e.path("message").asText().startsWith("dual active for"))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(dual.path("weight").asText()).isEqualTo("ERROR");
    assertThat(dual.path("durationMs").asLong()).isPositive();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Timing.seconds(10))
        .until(() -> beta.state().equals("ACTIVE") && alpha.state().equals("STANDBY"));
  }

  @Test
  @Order(2)
  void withTheIntegrityAddressUnreachableTheStandbyDoesNotTakeOver() throws Exception {
    ServerProcess beta = domain.server("beta");
    ServerProcess alpha = domain.server("alpha");
    integrity.close();
    try {
      domain.cutRec("alpha", "beta");
      // The active is now isolated (no peer, no integrity address) and steps down; the standby
      // must not take the role it cannot verify.
      domain.awaitState("beta", "STANDBY");
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Timing.seconds(10))
          .until(() -> alpha.state().equals("STANDBY"));
      assertThat(alpha.events())
          .anyMatch(e -> e.path("message").asText().contains("no integrity address is reachable"));
      assertThat(beta.events()).anyMatch(e -> e.path("message").asText().contains("isolated"));
    } finally {
      integrity = listen(integrityPort);
      domain.healRec("alpha", "beta");
    }
    await("the main takes the role again once the domain is whole")
        .atMost(Timing.seconds(30))
        .until(() -> alpha.state().equals("ACTIVE") && beta.state().equals("STANDBY"));
  }
}
