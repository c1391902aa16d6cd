package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo plant's project on a two-server domain with the plant simulator as its PLC: what an HMI
 * sees on either server, where operator writes go, and what a failover or a lost device does.
 *
 * <p>One domain with its plant simulator is shared by the class: two servers loading the project
 * plus the simulator cost more to start than any test here. Each test first makes the domain whole
 * (every device relay passing, one ACTIVE and one STANDBY, both reading the plant), so the tests
 * pass in any order and alone.
 */
class ApplicationIT {
  static final String PLANT_NS = "urn:hotstandby:plant-simulator";
  static TestDomain domain;
  static AdminClient plc;

  ServerProcess active;
  ServerProcess standby;

  @BeforeAll
  static void start() throws Exception {
    domain =
        TestDomain.builder()
            .name("app")
            .project(Path.of("../projects/demo/plant.prj").toAbsolutePath())
            .deviceRelays()
            .activateBackupOnLocalFailure()
            .build()
            .startAll();
    plc = AdminClient.connect(domain.plant().endpoint(), Timing.seconds(10));
  }

  @AfterAll
  static void stop() {
    if (plc != null) {
      plc.close();
    }
    domain.close();
  }

  @BeforeEach
  void findRoles() {
    domain.servers().forEach(s -> domain.deviceRelay(s.name()).restore());
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    active = roles.active();
    standby = roles.standby();
    await("both servers read the plant")
        .atMost(Timing.seconds(30))
        .until(() -> tag(active, "Tank1.Level") != null && tag(standby, "Tank1.Level") != null);
  }

  static Object tag(ServerProcess s, String path) throws Exception {
    AdminClient.TagReading r = s.client().readTag(path);
    return r.good() ? r.value() : null;
  }

  static String lastWrite() throws Exception {
    return String.valueOf(plc.readNode(PLANT_NS, "Plant.LastWriter").value());
  }

  @Test
  void theActiveServesLiveTagsAndOperatorWritesReachThePlant() throws Exception {
    Object first =
        await()
            .atMost(Timing.seconds(30))
            .until(() -> tag(active, "Plant.Heartbeat"), v -> v != null);
    await("the heartbeat tag moves")
        .atMost(Timing.seconds(10))
        .until(() -> !first.equals(tag(active, "Plant.Heartbeat")));
    assertThat(active.client().readTag("Ambient.Temperature").good()).isTrue();

    assertThat(active.operatorClient().writeTag("Pump1.Run", false)).isEqualTo("Good");
    await().atMost(Timing.seconds(10)).until(() -> lastWrite().startsWith("Pump1.Run=false"));
    await().atMost(Timing.seconds(10)).until(() -> Boolean.FALSE.equals(tag(active, "Pump1.Run")));
    assertThat(active.dataDir().resolve("audit.jsonl")).content().contains("Pump1.Run");

    // The same from the command line: domainctl writes to the domain's ACTIVE server.
    String domainFile = domain.domainFile("alpha").toString();
    Ctl write =
        Ctl.run(
            domain.ctlAs(
                TestDomain.OPERATOR, "--domain", domainFile, "tag", "Valve1.Open", "false"));
    assertThat(write.exit()).as(write.err()).isZero();
    await().atMost(Timing.seconds(10)).until(() -> lastWrite().startsWith("Valve1.Open=false"));
    await()
        .atMost(Timing.seconds(10))
        .until(
            () ->
                Ctl.run(
                        domain.ctlAs(
                            TestDomain.VIEWER, "--domain", domainFile, "tag", "Valve1.Open"))
                    .out()
                    .contains("= false"));
  }

  @Test
  void theStandbyShowsTheSameTagsButRefusesWrites() throws Exception {
    await("the warm standby reads the plant too")
        .atMost(Timing.seconds(30))
        .until(() -> tag(standby, "Tank1.Level") instanceof Double);
    String before = lastWrite();
    String status = standby.operatorClient().writeTag("Pump1.Run", true);
    assertThat(status).isNotEqualTo("Good");
    assertThat(lastWrite()).isEqualTo(before);
  }

  @Test
  void afterAKillTheNewActiveWritesToThePlant() throws Exception {
    active.kill();
    domain.awaitState(standby.name(), "ACTIVE");
    await()
        .atMost(Timing.seconds(10))
        .until(() -> standby.operatorClient().writeTag("Pump1.Run", true).equals("Good"));
    await().atMost(Timing.seconds(10)).until(() -> lastWrite().startsWith("Pump1.Run=true"));

    // Alarm evaluation resumed on the new active: a setpoint above its limit raises the alarm.
    assertThat(standby.operatorClient().writeTag("Operator.Setpoint", 4.8)).isEqualTo("Good");
    await("the setpoint alarm is active")
        .atMost(Timing.seconds(10))
        .until(() -> Boolean.TRUE.equals(tag(standby, "Alarms.Operator.SetpointHigh.Active")));
    assertThat(standby.operatorClient().writeTag("Operator.Setpoint", 2.5)).isEqualTo("Good");
    active.restart();
    domain.awaitState(active.name(), "STANDBY");
  }

  @Test
  void losingTheDeviceTurnsTagsBadLowersServiceLevelAndSwitchesToAHealthierStandby()
      throws Exception {
    domain.deviceRelay(active.name()).cut();
    try {
      await("the active's plant tags turn Bad")
          .atMost(Timing.seconds(15))
          .until(() -> !active.client().readTag("Tank1.Level").good());
      assertThat(active.events())
          .anyMatch(e -> e.path("message").asText().startsWith("driver plc disconnected"));
      await("a standby that still reaches the plant takes over")
          .atMost(Timing.seconds(30))
          .until(() -> standby.state().equals("ACTIVE") && active.state().equals("STANDBY"));
      assertThat(active.client().serviceLevel()).isLessThan(200);
      assertThat(standby.client().serviceLevel()).isEqualTo(255);
    } finally {
      domain.deviceRelay(active.name()).restore();
    }
  }
}
