package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.NetLab;
import io.hotstandby.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A domain with a quorum witness, its three servers on hosts of their own (network namespaces on
 * one switch), partitioned every way three parties can be: two ACTIVEs never overlap, and a
 * partition that leaves the active with a majority changes no role. Each case is asserted from both
 * servers' event logs. One domain for the class; each test heals the lab and finds the roles anew.
 * The same cut without a witness is {@link PartitionIT}'s documented dual-active.
 */
class WitnessPartitionIT {
  static final String WITNESS = "wit";
  static final String PROJECT =
      """
      <project name="quorum">
        <tags>
          <folder name="Plant">
            <tag name="Setpoint" type="Double" initial="1.5" writable="true"/>
          </folder>
        </tags>
      </project>
      """;

  static NetLab lab;
  static TestDomain domain;
  ServerProcess active;
  ServerProcess standby;
  long since;
  final List<Runnable> undo = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    assertThat(NetLab.unavailableReason()).as("network namespaces (run as root)").isEmpty();
    lab = NetLab.create("hsq", List.of("alpha", "beta", WITNESS));
    Path dir = Files.createTempDirectory("quorum-project-");
    Path project = Files.writeString(dir.resolve("quorum.prj"), PROJECT);
    domain =
        TestDomain.builder()
            .name("quorum")
            .project(project)
            .witness(WITNESS)
            .netLab(lab)
            .build()
            .startAll();
  }

  @AfterAll
  static void stop() {
    if (domain != null) {
      domain.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @BeforeEach
  void findRoles() {
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    active = roles.active();
    standby = roles.standby();
    since = System.currentTimeMillis();
  }

  @AfterEach
  void heal() {
    for (int i = undo.size() - 1; i >= 0; i--) {
      undo.get(i).run();
    }
    undo.clear();
  }

  void cut(String a, String b) {
    lab.cut(a, b);
    undo.add(() -> lab.heal(a, b));
  }

  void isolate(String host) {
    lab.isolate(host);
    undo.add(() -> lab.rejoin(host));
  }

  /** Neither server changes state for {@code seconds} (several failover timeouts). */
  void noRoleChangeFor(int seconds) {
    await("no role change")
        .during(Duration.ofSeconds(seconds))
        .atMost(Timing.seconds(seconds + 10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> active.loggedState().equals("ACTIVE") && standby.loggedState().equals("STANDBY"));
    assertThat(transitionsSince(active)).isEmpty();
    assertThat(transitionsSince(standby)).isEmpty();
  }

  void awaitLogged(ServerProcess s, String state) {
    await(s.name() + " " + state)
        .atMost(Timing.seconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> s.loggedState().equals(state));
  }

  List<JsonNode> transitionsSince(ServerProcess s) {
    return s.events().stream()
        .filter(e -> e.has("to") && e.path("epochMillis").asLong() >= since)
        .toList();
  }

  boolean loggedSince(ServerProcess s, String text) {
    return s.events().stream()
        .anyMatch(
            e ->
                e.path("epochMillis").asLong() >= since
                    && e.path("message").asText().contains(text));
  }

  /** When {@code s} logged its first change to {@code state} since the test began. */
  long firstChangeTo(ServerProcess s, String state) {
    return transitionsSince(s).stream()
        .filter(e -> e.path("to").asText().equals(state))
        .mapToLong(e -> e.path("epochMillis").asLong())
        .findFirst()
        .orElseThrow(() -> new AssertionError(s.name() + " never logged " + state));
  }

  @Test
  void theServersCutFromEachOtherButBothReachingTheWitnessChangeNoRole() throws Exception {
    cut(active.name(), standby.name());
    noRoleChangeFor(4);
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
    long cutAt = System.currentTimeMillis();
    isolate(active.name());
    awaitLogged(standby, "ACTIVE");
    awaitLogged(active, "STANDBY");

    long down = firstChangeTo(active, "STANDBY");
    long up = firstChangeTo(standby, "ACTIVE");
    assertThat(down).as("the old active stepped down before the new one took over").isLessThan(up);
    assertThat(up - cutAt).as("failover time, ms (ten times the goal)").isLessThan(10_000);
    assertThat(
            active.events().stream()
                .filter(e -> e.path("epochMillis").asLong() >= since)
                .map(e -> e.path("message").asText()))
        .anyMatch(m -> m.contains("lease of witness " + WITNESS + " expired"));
    heal();
    // Back on the network, the old active hears the new one and stays STANDBY.
    domain.awaitCluster(2);
    assertThat(active.loggedState()).isEqualTo("STANDBY");
    assertThat(standby.loggedState()).isEqualTo("ACTIVE");
  }

  @Test
  void aStandbyCutFromEverythingChangesNoRole() {
    isolate(standby.name());
    noRoleChangeFor(4);
    assertThat(loggedSince(standby, "witness " + WITNESS + " is not reachable (no quorum)"))
        .isTrue();
  }

  @Test
  void losingOnlyTheWitnessChangesNoRoleAndWarnsOnBothServers() {
    isolate(WITNESS);
    noRoleChangeFor(4);
    for (ServerProcess s : List.of(active, standby)) {
      assertThat(
              s.events().stream()
                  .filter(e -> e.path("epochMillis").asLong() >= since)
                  .filter(
                      e -> e.path("message").asText().startsWith("witness " + WITNESS + " lost"))
                  .map(e -> e.path("weight").asText()))
          .as("%s warns", s.name())
          .containsExactly("WARNING");
    }
  }

  @Test
  void anActiveFrozenForThreeSecondsFindsItsLeaseLostAndStandsBy() throws Exception {
    long frozenAt = System.currentTimeMillis();
    active.freeze();
    undo.add(active::thaw);
    await("the standby takes over")
        .atMost(Timing.seconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> standby.loggedState().equals("ACTIVE"));
    long up = firstChangeTo(standby, "ACTIVE");
    await("three seconds frozen")
        .atMost(Timing.seconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> System.currentTimeMillis() - frozenAt >= 3000);
    active.thaw();
    awaitLogged(active, "STANDBY");
    JsonNode down = transitionsSince(active).get(0);
    assertThat(down.path("to").asText()).isEqualTo("STANDBY");
    assertThat(down.path("message").asText())
        .containsAnyOf("lease of witness " + WITNESS + " expired", "with a higher term");
    // It never acted as ACTIVE after the standby took over: its step-down is its first change,
    // and the new active was alone from its takeover on.
    assertThat(up).isLessThan(down.path("epochMillis").asLong());
    await("stays STANDBY")
        .during(Duration.ofSeconds(2))
        .atMost(Timing.seconds(10))
        .until(() -> active.loggedState().equals("STANDBY"));
  }
}
