package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.NetLab;
import io.hotstandby.testkit.Timing;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The domain's virtual IP address follows the ACTIVE: two servers and a client on one switch
 * (network namespaces, as root), the client connecting to the address's OPC UA port. After a kill
 * -9 of the active the client's next connections land on the new active, and the old active, once
 * restarted, does not hold the address.
 */
class VirtualIpIT {
  static VirtualIpCases v;

  @BeforeAll
  static void start() throws Exception {
    assertThat(NetLab.unavailableReason()).as("network namespaces (run as root)").isEmpty();
    v = VirtualIpCases.start("hsv", false);
  }

  @AfterAll
  static void stop() {
    if (v != null) {
      v.close();
    }
  }

  @Test
  void theAddressFollowsTheActiveThroughAKillAndARestart() throws Exception {
    TestDomain.Roles roles = v.domain().awaitRoles();
    ServerProcess active = roles.active();
    ServerProcess standby = roles.standby();
    v.awaitAnsweredBy(active);
    assertThat(v.holds(active)).isTrue();
    assertThat(v.holds(standby)).as("the standby does not hold the address").isFalse();
    assertThat(added(active).path("durationMs").asDouble())
        .as("ms from the ACTIVE transition to the address added")
        .isLessThan(1000);

    long millis = v.killAndReconnect(active, standby);

    assertThat(millis)
        .as("kill -9 to a connection answered by the new active, ms")
        .isLessThan(10_000);
    assertThat(v.holds(standby)).isTrue();
    assertThat(added(standby).path("weight").asText()).isEqualTo("NOTICE");

    active.restart();
    await("the old active back as STANDBY")
        .atMost(Timing.seconds(60))
        .until(() -> active.loggedState().equals("STANDBY"));
    assertThat(v.holds(active)).as("the restarted server removed its stale copy").isFalse();
    assertThat(active.events())
        .anyMatch(
            e ->
                e.path("weight").asText().equals("WARNING")
                    && e.path("message").asText().startsWith("removed virtual IP " + v.address()));
    for (int i = 1; i <= 5; i++) {
      String n = Integer.toString(i);
      assertThat(v.nextAnswer())
          .as(() -> "connection " + n + " through the address: " + v.lastFailure() + "; " + neigh())
          .isEqualTo(standby.name());
    }
    assertThat(v.holds(standby)).isTrue();

    // Removed by hand from the active: put back within a few seconds.
    Process del =
        new ProcessBuilder(
                v.lab()
                    .command(standby.name(), List.of("ip", "addr", "del", v.cidr(), "dev", "eth0")))
            .inheritIO()
            .start();
    assertThat(del.waitFor()).isZero();
    await("the address back on the active")
        .atMost(Timing.seconds(20))
        .until(() -> v.holds(standby));
    assertThat(standby.events())
        .anyMatch(
            e ->
                e.path("message")
                    .asText()
                    .equals(
                        "virtual IP "
                            + v.cidr()
                            + " was removed from eth0 by something else; adding it again"));
    assertThat(v.nextAnswer()).isEqualTo(standby.name());
  }

  private static String neigh() {
    try {
      Process p = new ProcessBuilder("ip", "neigh", "show", v.address()).start();
      return new String(p.getInputStream().readAllBytes()).strip();
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  /** The last "virtual IP ... added" event of {@code server}. */
  private static JsonNode added(ServerProcess server) {
    await("the address added on " + server.name())
        .atMost(Timing.seconds(10))
        .until(() -> lastAdded(server) != null);
    return lastAdded(server);
  }

  private static JsonNode lastAdded(ServerProcess server) {
    JsonNode found = null;
    for (JsonNode e : server.events()) {
      if (e.path("message").asText().startsWith("virtual IP " + v.cidr() + " added")) {
        found = e;
      }
    }
    return found;
  }
}
