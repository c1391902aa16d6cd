package io.hotstandby.server.it;

import static io.hotstandby.server.it.QuorumCases.WITNESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.testkit.NetLab;
import io.hotstandby.testkit.Timing;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A domain with a quorum witness, its three servers on hosts of their own (network namespaces on
 * one switch), partitioned every way three parties can be: two ACTIVEs never overlap, and a
 * partition that leaves the active with a majority changes no role. Each case is read from both
 * servers' event logs. One domain for the class; each test heals the lab and finds the roles anew.
 * The same cut without a witness is {@link PartitionIT}'s documented dual-active.
 */
class WitnessPartitionIT {
  static QuorumCases q;
  ServerProcess active;
  ServerProcess standby;

  @BeforeAll
  static void start() throws Exception {
    assertThat(NetLab.unavailableReason()).as("network namespaces (run as root)").isEmpty();
    q = QuorumCases.start("hsq", false);
  }

  @AfterAll
  static void stop() {
    if (q != null) {
      q.close();
    }
  }

  @BeforeEach
  void findRoles() {
    q.findRoles();
    active = q.active();
    standby = q.standby();
  }

  @AfterEach
  void heal() {
    q.heal();
  }

  List<String> messagesSince(ServerProcess s) {
    return q.eventsSince(s).stream().map(e -> e.path("message").asText()).toList();
  }

  @Test
  void theServersCutFromEachOtherButBothReachingTheWitnessChangeNoRole() throws Exception {
    QuorumCases.Result r = q.cutServers(4);

    assertThat(r.roleChanges()).isZero();
    // The standby has lost the active and sees the witness keep the active's lease.
    JsonNode seen = standby.status();
    assertThat(seen.path("witness").path("reachable").asBoolean()).isTrue();
    assertThat(seen.path("witness").path("leaseHolder").asText()).isEqualTo(active.name());
    assertThat(seen.path("links"))
        .anyMatch(
            l ->
                l.path("peer").asText().equals(active.name())
                    && l.path("liveness").asText().equals("LOST"));
  }

  @Test
  void anActiveCutFromEverythingStepsDownBeforeTheStandbyTakesOver() {
    QuorumCases.Result r = q.isolateActive();

    assertThat(q.firstChangeTo(active, "STANDBY"))
        .as("the old active stepped down before the new one took over")
        .isLessThan(q.firstChangeTo(standby, "ACTIVE"));
    assertThat(r.overlapMillis()).isZero();
    assertThat(r.takeoverMillis()).as("failover, ms (ten times the goal)").isLessThan(10_000);
    assertThat(messagesSince(active)).anyMatch(m -> m.contains("lease of witness " + WITNESS));
    q.heal();
    // Back on the network, the old active hears the new one and stays STANDBY.
    q.domain().awaitCluster(2);
    assertThat(active.loggedState()).isEqualTo("STANDBY");
    assertThat(standby.loggedState()).isEqualTo("ACTIVE");
  }

  @Test
  void aLinkFailingOneWayChangesNoRoleWhileTheActiveHoldsItsLease() {
    QuorumCases.Result r = q.activeToStandbyOneWay(4);

    assertThat(r.roleChanges()).isZero();
  }

  @Test
  void anActiveWithoutTheWitnessThatItsStandbyLosesStepsDownBeforeTheStandbyTakesOver() {
    QuorumCases.Result r = q.witnessLostThenActiveToStandbyOneWay();

    assertThat(q.firstChangeTo(active, "STANDBY")).isLessThan(q.firstChangeTo(standby, "ACTIVE"));
    assertThat(r.overlapMillis()).isZero();
    assertThat(q.transitionsSince(active).get(0).path("message").asText())
        .contains("lease of witness " + WITNESS + " expired");
  }

  @Test
  void aStandbyCutFromEverythingChangesNoRole() {
    QuorumCases.Result r = q.isolateStandby(4);

    assertThat(r.roleChanges()).isZero();
    assertThat(messagesSince(standby))
        .anyMatch(m -> m.contains("witness " + WITNESS + " is not reachable (no quorum)"));
  }

  @Test
  void losingOnlyTheWitnessChangesNoRoleAndWarnsOnBothServers() {
    QuorumCases.Result r = q.isolateWitness(4);

    assertThat(r.roleChanges()).isZero();
    for (ServerProcess s : List.of(active, standby)) {
      assertThat(
              q.eventsSince(s).stream()
                  .filter(
                      e -> e.path("message").asText().startsWith("witness " + WITNESS + " lost"))
                  .map(e -> e.path("weight").asText()))
          .as("%s warns", s.name())
          .containsExactly("WARNING");
    }
  }

  @Test
  void anActiveFrozenForThreeSecondsFindsItsLeaseLostAndStandsBy() {
    QuorumCases.Result r = q.freezeActive(3000);

    JsonNode down = q.transitionsSince(active).get(0);
    assertThat(down.path("to").asText()).isEqualTo("STANDBY");
    assertThat(down.path("message").asText())
        .containsAnyOf("lease of witness " + WITNESS + " expired", "with a higher term");
    assertThat(r.takeoverMillis()).isLessThan(10_000);
    await("stays STANDBY")
        .during(Duration.ofSeconds(2))
        .atMost(Timing.seconds(10))
        .until(() -> active.loggedState().equals("STANDBY"));
  }
}
