package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The state mirror on real servers: what an operator was told is done on the active (a write, an
 * acknowledgement) is there on the server that takes over after a crash, a standby that comes back
 * takes a snapshot and then the stream, and a standby held behind takes over anyway and says so.
 *
 * <p>One domain of two servers with a memory-tag project (a retentive setpoint, a trip flag with a
 * digital alarm on it, a counter) and a relay in front of each Hazelcast member, shared by the
 * class. Each test starts what an earlier one killed and finds the roles anew, so the tests pass in
 * any order and alone.
 */
class MirrorIT {
  private static final String SETPOINT = "Plant.Setpoint";
  private static final String TRIP = "Plant.Trip";
  private static final String COUNTER = "Plant.Counter";
  private static final String ALARM = "Plant.Tripped";
  private static final String ALARM_NODE = "Alarms." + ALARM;
  private static final String PROJECT =
      """
      <project name="mirror">
        <drivers><driver name="sim" type="simulation"/></drivers>
        <tags>
          <folder name="Plant">
            <tag name="Setpoint" type="Double" initial="2.5" writable="true" retentive="true"/>
            <tag name="Trip" type="Boolean" initial="false" writable="true"/>
            <tag name="Counter" type="Int32" initial="0" writable="true"/>
          </folder>
        </tags>
        <alarms>
          <digital name="Plant.Tripped" tag="Plant.Trip" activeWhen="true" severity="800"
                   message="plant tripped"/>
        </alarms>
      </project>
      """;

  static TestDomain domain;
  ServerProcess active;
  ServerProcess standby;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("mirror-project-");
    Path project = Files.writeString(dir.resolve("mirror.prj"), PROJECT);
    // Either may end up active (a start on a busy machine may fail over): each test finds out.
    domain = TestDomain.builder().name("mirror").project(project).clusterRelays().build();
    domain.startAll();
  }

  @AfterAll
  static void stop() {
    if (domain != null) {
      domain.close();
    }
  }

  /** Both servers run, one ACTIVE, one STANDBY whose mirror is ready. */
  @BeforeEach
  void findRoles() throws Exception {
    for (ServerProcess s : domain.servers()) {
      if (!s.alive()) {
        s.restart();
      }
    }
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles(); // the standby's mirror caught up too
    active = roles.active();
    standby = roles.standby();
  }

  @Test
  void anAlarmAcknowledgedOnTheActiveIsAcknowledgedOnTheNewActiveAfterACrash() throws Exception {
    AdminClient operator = active.operatorClient();
    // A new activation, not yet acknowledged.
    write(active, TRIP, false);
    write(active, TRIP, true);
    await("the alarm is raised on both servers")
        .atMost(Timing.seconds(10))
        .until(
            () ->
                Boolean.TRUE.equals(alarm(active, "Active"))
                    && Boolean.FALSE.equals(alarm(active, "Acknowledged"))
                    && Boolean.TRUE.equals(alarm(standby, "Active"))
                    && Boolean.FALSE.equals(alarm(standby, "Acknowledged")));

    String comment = "checked on site, trip " + System.nanoTime();
    ActivateResult ack = operator.acknowledge(ALARM, comment);
    assertThat(ack.accepted()).as(ack.message()).isTrue();
    // Answered once the standby applied it.
    assertThat(alarm(standby, "Acknowledged")).isEqualTo(true);
    // Who acknowledged, with what comment and when: on the active, and the same on the standby.
    assertThat(ackDetail(active, "AckUser")).isEqualTo(TestDomain.OPERATOR);
    assertThat(ackDetail(active, "AckComment")).isEqualTo(comment);
    Object ackTime = ackDetail(active, "AckTime");
    assertThat(ackTime).isNotNull();
    Object eventId = ackDetail(active, "EventId");
    assertThat(ackDetail(standby, "AckUser")).isEqualTo(TestDomain.OPERATOR);
    assertThat(ackDetail(standby, "AckComment")).isEqualTo(comment);
    assertThat(ackDetail(standby, "AckTime")).isEqualTo(ackTime);
    assertThat(ackDetail(standby, "EventId")).isEqualTo(eventId);

    ServerProcess crashed = active;
    crashed.kill();
    domain.awaitState(standby.name(), "ACTIVE");

    // The new active evaluates its alarms now: the trip still holds, the alarm stays acknowledged.
    await("the alarm active and acknowledged on the new active, and staying so")
        .during(Duration.ofSeconds(1))
        .atMost(Timing.seconds(10))
        .until(
            () ->
                Boolean.TRUE.equals(alarm(standby, "Active"))
                    && Boolean.TRUE.equals(alarm(standby, "Acknowledged")));
    assertThat(ackDetail(standby, "AckUser")).isEqualTo(TestDomain.OPERATOR);
    assertThat(ackDetail(standby, "AckComment")).isEqualTo(comment);
    assertThat(ackDetail(standby, "AckTime")).isEqualTo(ackTime);
    // The same alarm state, so the same EventId: an acknowledgement by EventId still fits.
    assertThat(ackDetail(standby, "EventId")).isEqualTo(eventId);
    // The acknowledgement itself is in the crashed server's audit log only.
    assertThat(Files.readString(crashed.dataDir().resolve("audit.jsonl"))).contains(comment);

    // Cleared for the next tests.
    write(standby, TRIP, false);
  }

  @Test
  void aRetentiveSetpointSurvivesACrashAndARestartOfBothServersInTheOtherOrder() throws Exception {
    double value = 10 + (System.nanoTime() % 100_000) / 1000.0;
    write(active, SETPOINT, value);
    // Answered once the standby applied it.
    assertThat(standby.client().readTag(SETPOINT).value()).isEqualTo(value);

    ServerProcess crashed = active;
    ServerProcess survivor = standby;
    crashed.kill();
    domain.awaitState(survivor.name(), "ACTIVE");
    assertSetpoint(survivor, value);

    // Both down; the one that was the standby comes back first, alone, from its own disk.
    survivor.stop();
    survivor.restart();
    domain.awaitState(survivor.name(), "ACTIVE");
    assertSetpoint(survivor, value);

    crashed.restart();
    domain.awaitState(crashed.name(), "STANDBY");
    await(crashed.name() + " has the setpoint")
        .atMost(Timing.seconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertSetpoint(crashed, value));
    assertSetpoint(survivor, value);
  }

  @Test
  void aRestartedStandbyTakesASnapshotThenTheStreamAndIsReadyOnlyOnceCaughtUp() throws Exception {
    standby.stop();
    await(active.name() + " hears that " + standby.name() + " stopped")
        .atMost(Timing.seconds(10))
        .until(() -> peerState(active, standby.name()).equals("STOPPED"));
    long unconfirmed = mirror(active).path("unconfirmed").asLong();
    int whileAway = (int) (System.nanoTime() % 1_000_000);
    // Changed while no standby follows: a stopped standby is not waited for.
    write(active, COUNTER, whileAway);
    await("no unconfirmed action")
        .during(Duration.ofMillis(600))
        .atMost(Timing.seconds(5))
        .until(() -> mirror(active).path("unconfirmed").asLong() == unconfirmed);
    assertThat(mirror(active).path("mode").asText()).isEqualTo("publishing");

    standby.restart();
    List<JsonNode> seen = new CopyOnWriteArrayList<>();
    await(standby.name() + " a ready standby again")
        .atMost(Timing.seconds(60))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              JsonNode s = standby.status();
              seen.add(s);
              return s.path("state").asText().equals("STANDBY")
                  && s.path("mirror").path("ready").asBoolean();
            });

    JsonNode now = mirror(standby);
    assertThat(now.path("mode").asText()).isEqualTo("following");
    assertThat(now.path("active").asText()).isEqualTo(active.name());
    assertThat(now.path("snapshots").asLong()).isGreaterThanOrEqualTo(1);
    for (JsonNode s : seen) {
      JsonNode m = s.path("mirror");
      if (m.path("snapshots").asLong() == 0 || m.path("lagEntries").asLong() < 0) {
        // Before its snapshot a standby is not ready, and not offered to clients as one.
        assertThat(m.path("ready").asBoolean()).as(s.toString()).isFalse();
        if (s.path("state").asText().equals("STANDBY")) {
          assertThat(s.path("serviceLevel").asInt()).as(s.toString()).isEqualTo(1);
        }
      }
    }
    await("the standby's ServiceLevel in the standby band")
        .atMost(Timing.seconds(10))
        .until(() -> standby.status().path("serviceLevel").asInt(), l -> l >= 100 && l <= 199);
    await("the standby at the active's last entry")
        .atMost(Timing.seconds(10))
        .until(() -> mirror(standby).path("seq").asLong() == mirror(active).path("seq").asLong());

    // The snapshot brought what changed while it was away; the stream what changes now.
    assertThat(standby.client().readTag(COUNTER).value()).isEqualTo(whileAway);
    write(active, COUNTER, whileAway + 1);
    assertThat(standby.client().readTag(COUNTER).value()).isEqualTo(whileAway + 1);
  }

  @Test
  void aStandbyHeldBehindTakesOverAnywayAndLogsItsLag() throws Exception {
    long unconfirmed = mirror(active).path("unconfirmed").asLong();
    AdminClient operator = active.operatorClient();
    ServerProcess crashed = active;
    ServerProcess behind = standby;
    // The mirror's stream no longer reaches the standby; REC heartbeats still do.
    domain.freezeCluster();
    try {
      // Answered once the confirmation times out (the active waits so for a standby it heard
      // from within the last 2 s), and counted as unconfirmed.
      long t0 = System.nanoTime();
      assertThat(operator.writeTag(COUNTER, -1)).isEqualTo("Good");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(400));
      await("the action counted as unconfirmed") // the status is published every 250 ms
          .atMost(Timing.seconds(5))
          .until(() -> mirror(active).path("unconfirmed").asLong() == unconfirmed + 1);
      assertThat(operator.writeTag(COUNTER, -2)).isEqualTo("Good");
      await(behind.name() + " held behind, not ready")
          .atMost(Timing.seconds(10))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () -> {
                JsonNode s = behind.status();
                assertThat(s.path("state").asText()).isEqualTo("STANDBY");
                assertThat(s.path("mirror").path("ready").asBoolean()).isFalse();
                assertThat(s.path("mirror").path("lagEntries").asLong()).isPositive();
                assertThat(s.path("mirror").path("lagMs").asLong()).isPositive();
                assertThat(s.path("serviceLevel").asInt()).isEqualTo(1);
              });
      assertThat(behind.client().readTag(COUNTER).value()).isNotEqualTo(-2);

      crashed.kill();
      domain.awaitState(behind.name(), "ACTIVE");
    } finally {
      domain.thawCluster();
    }
    // Logged as the runtime is activated, just after the change of state.
    JsonNode error =
        await(behind.name() + " logs an ERROR for taking over behind")
            .atMost(Timing.seconds(10))
            .until(
                () ->
                    behind.events().stream()
                        .filter(e -> e.path("weight").asText().equals("ERROR"))
                        .filter(e -> e.path("message").asText().startsWith("taking over "))
                        .reduce((a, b) -> b)
                        .orElse(null),
                e -> e != null);
    assertThat(error.path("component").asText()).isEqualTo("mirror");
    assertThat(error.path("message").asText()).contains(" behind " + crashed.name());
    assertThat(error.path("lagEntries").asLong()).isPositive();
    assertThat(error.path("lagMs").asLong()).isPositive();
  }

  // region helpers

  /**
   * Writes {@code value} as the operator on {@code s} and expects Good; a write refused because a
   * pause of the loaded test machine suspended writes for a moment is tried again, as an operator
   * would.
   */
  private static void write(ServerProcess s, String path, Object value) {
    String status =
        await(path + " written on " + s.name())
            .atMost(Timing.seconds(10))
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> s.operatorClient().writeTag(path, value),
                st -> !st.startsWith("Bad_RequestNotAllowed"));
    assertThat(status).as(path).isEqualTo("Good");
  }

  private static JsonNode mirror(ServerProcess s) throws Exception {
    return s.status().path("mirror");
  }

  /** The state {@code s} last heard {@code peer} announce over REC. */
  private static String peerState(ServerProcess s, String peer) throws Exception {
    return s.link(peer).path("state").asText();
  }

  /** A variable of the test alarm's object, e.g. "Active", read on {@code s}. */
  private static Object alarm(ServerProcess s, String variable) throws Exception {
    return s.client().readTag(ALARM_NODE + "." + variable).value();
  }

  /**
   * An acknowledgement detail of the test alarm (AckUser, AckComment, AckTime, EventId) on {@code
   * s}; fails unless it reads Good.
   */
  private static Object ackDetail(ServerProcess s, String variable) throws Exception {
    AdminClient.TagReading r = s.client().readTag(ALARM_NODE + "." + variable);
    assertThat(r.good()).as(s.name() + " " + variable + ": " + r.status()).isTrue();
    return r.value();
  }

  private static void assertSetpoint(ServerProcess s, double value) throws Exception {
    AdminClient.TagReading r = s.client().readTag(SETPOINT);
    assertThat(r.good()).as(r.status()).isTrue();
    assertThat(r.value()).as(s.name()).isEqualTo(value);
  }

  // endregion
}
