package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.admin.client.DomainChange;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Changes of the domain file take effect on every server without a restart, with the state changes
 * the rules give. One domain of three servers (a fourth, delta, is added by a test) goes through a
 * sequence of reconfigurations, one step per test, each asserting the state of every server
 * afterwards.
 *
 * <p>The steps share one domain on purpose: a live reconfiguration starts from whatever the domain
 * runs, and reaching the start of a late step (gamma the active, delta a member) takes every
 * earlier change; a domain per test would start three servers eleven times and replay them all. So
 * the tests run in their order, and a test whose start the domain has not reached yet (run alone,
 * or after a failure) first replays the reconfigurations of the steps before it ({@link
 * #startOfStep}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveReconfigurationIT {
  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("live")
            .servers("alpha", "beta", "gamma", "delta")
            .joinsLater("delta")
            .build()
            .startAll();
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "gamma", "INACTIVE"));
    domain.awaitCluster(3);
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  static void awaitStates(Map<String, String> states) {
    states.forEach(domain::awaitState);
    await()
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () ->
                states.forEach(
                    (s, st) -> assertThat(domain.server(s).state()).as(s).isEqualTo(st)));
  }

  static String current() throws Exception {
    return Files.readString(domain.domainFile("alpha"), StandardCharsets.UTF_8);
  }

  static String withMaintenance(String xml, String server, boolean on) {
    return xml.replace(
        "name=\"" + server + "\" host=\"127.0.0.1\" maintenance=\"" + !on + "\"",
        "name=\"" + server + "\" host=\"127.0.0.1\" maintenance=\"" + on + "\"");
  }

  static String withAttr(String xml, String attr, String value) {
    Matcher m = Pattern.compile(attr + "=\"[^\"]*\"").matcher(xml);
    assertThat(m.find()).as(attr).isTrue();
    return m.replaceFirst(attr + "=\"" + value + "\"");
  }

  static DomainChange apply(String via, String xml) throws Exception {
    return domain.server(via).adminClient().applyDomain(xml.getBytes(StandardCharsets.UTF_8));
  }

  static void awaitVersion(long version) {
    await()
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () -> {
              for (var s : domain.servers()) {
                if (s.alive()) {
                  assertThat(s.status().path("domainVersion").asLong())
                      .as(s.name())
                      .isEqualTo(version);
                }
              }
            });
  }

  /** How many of the steps (one per test, in order) the shared domain has been through. */
  static int stepsDone;

  /**
   * Brings the shared domain to the start of {@code step}: replays the reconfigurations of the
   * earlier steps it has not been through (none when the class runs in order).
   */
  static void startOfStep(int step) throws Exception {
    if (stepsDone >= step) {
      throw new IllegalStateException(
          "the shared domain is past step " + step + " (the tests run in their order)");
    }
    while (stepsDone < step - 1) {
      int next = stepsDone + 1;
      switch (next) {
        case 1 -> newHeartbeatAndTimeout();
        case 3 -> gammaNamedBackup();
        case 4 -> maintenanceOnTheActive();
        case 6 -> maintenanceClearedOnTheMain();
        case 7 -> deltaAdded();
        case 8 -> gammaRemoved();
        case 9 -> secretRotated();
        default -> {
          // Steps 2, 5 and 10 leave the domain as they found it.
        }
      }
      stepsDone = next;
    }
  }

  static DomainChange accepted(DomainChange c) {
    assertThat(c.accepted()).as(c.message()).isTrue();
    return c;
  }

  static DomainChange newHeartbeatAndTimeout() throws Exception {
    String xml = withAttr(withAttr(current(), "heartbeatMs", "50"), "failoverTimeoutMs", "400");
    DomainChange c = accepted(apply("beta", xml));
    awaitVersion(c.version());
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "gamma", "INACTIVE"));
    return c;
  }

  static void gammaNamedBackup() throws Exception {
    accepted(apply("alpha", withAttr(current(), "backup", "gamma")));
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "INACTIVE", "gamma", "STANDBY"));
  }

  static void maintenanceOnTheActive() throws Exception {
    accepted(apply("beta", withMaintenance(current(), "alpha", true)));
    awaitStates(Map.of("alpha", "MAINTENANCE", "beta", "INACTIVE", "gamma", "ACTIVE"));
  }

  static void maintenanceClearedOnTheMain() throws Exception {
    accepted(apply("gamma", withMaintenance(current(), "alpha", false)));
    awaitStates(Map.of("alpha", "STANDBY", "beta", "INACTIVE", "gamma", "ACTIVE"));
  }

  static void deltaAdded() throws Exception {
    String xml = current().replace("  </servers>", domain.serverXml("delta") + "  </servers>");
    DomainChange c = accepted(apply("beta", xml));
    awaitVersion(c.version());
    // The new machine is installed with the domain file in force, at the same path.
    Files.writeString(domain.domainFile("delta"), current());
    domain.server("delta").start();
    awaitStates(
        Map.of("alpha", "STANDBY", "beta", "INACTIVE", "gamma", "ACTIVE", "delta", "INACTIVE"));
    domain.awaitCluster(4);
  }

  static void gammaRemoved() throws Exception {
    String xml =
        withAttr(current(), "backup", "beta")
            .replaceFirst("(?s)    <server name=\"gamma\".*?</server>\n", "");
    accepted(apply("delta", xml));
    await()
        .atMost(Timing.seconds(30))
        .untilAsserted(() -> assertThat(domain.server("gamma").alive()).isFalse());
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "delta", "INACTIVE"));
  }

  static void secretRotated() throws Exception {
    String xml =
        current()
            .replaceFirst("<secret file=\"[^\"]*\"/>", "<secret>rotated-0123456789abcdef</secret>");
    DomainChange c = accepted(apply("beta", xml));
    awaitVersion(c.version());
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "delta", "INACTIVE"));
  }

  @Test
  @Order(1)
  void newHeartbeatAndTimeoutTakeEffectWithoutAnyStateChange() throws Exception {
    startOfStep(1);

    newHeartbeatAndTimeout();

    for (String s : new String[] {"alpha", "beta", "gamma"}) {
      await()
          .atMost(Timing.seconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          domain.server(s).lastEvent("REC link restarted").path("message").asText())
                      .contains("heartbeat 50 ms", "failover timeout 400 ms"));
    }
    assertThat(domain.server("alpha").events())
        .noneMatch(e -> e.path("message").asText().contains("state changed from ACTIVE"));
    stepsDone = 1;
  }

  @Test
  @Order(2)
  void maintenanceOnTheStandbyAndBackAgain() throws Exception {
    startOfStep(2);

    DomainChange on = apply("alpha", withMaintenance(current(), "beta", true));
    assertThat(on.accepted()).as(on.message()).isTrue();
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "MAINTENANCE", "gamma", "INACTIVE"));
    assertThat(domain.server("beta").client().serviceLevel()).isZero();

    DomainChange off = apply("gamma", withMaintenance(current(), "beta", false));
    assertThat(off.accepted()).as(off.message()).isTrue();
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "gamma", "INACTIVE"));
    stepsDone = 2;
  }

  @Test
  @Order(3)
  void anInactiveServerNamedBackupBecomesStandbyAndTheOldBackupInactive() throws Exception {
    startOfStep(3);

    gammaNamedBackup();

    stepsDone = 3;
  }

  @Test
  @Order(4)
  void maintenanceOnTheActiveFirstSwitchesOverToTheStandby() throws Exception {
    startOfStep(4);
    long termBefore = domain.server("alpha").status().path("term").asLong();

    maintenanceOnTheActive();

    assertThat(domain.server("gamma").status().path("term").asLong()).isGreaterThan(termBefore);
    assertThat(domain.server("beta").lastEvent("domain version")).isNotNull();
    assertThat(domain.server("beta").events())
        .anyMatch(e -> e.path("message").asText().contains("switching over to gamma first"));
    stepsDone = 4;
  }

  @Test
  @Order(5)
  void aChangeThatWouldLeaveNoActiveIsRefusedWithTheReason() throws Exception {
    startOfStep(5);
    long before = domain.server("gamma").status().path("domainVersion").asLong();

    DomainChange c = apply("alpha", withMaintenance(current(), "gamma", true));

    assertThat(c.accepted()).isFalse();
    assertThat(c.message())
        .contains("takes the active role from gamma", "no standby can take over", "alpha");
    assertThat(c.version()).isEqualTo(before);
    awaitStates(Map.of("alpha", "MAINTENANCE", "beta", "INACTIVE", "gamma", "ACTIVE"));
    awaitVersion(before);
    stepsDone = 5;
  }

  @Test
  @Order(6)
  void maintenanceClearedOnTheMainMakesItStandbyBehindTheActive() throws Exception {
    startOfStep(6);

    maintenanceClearedOnTheMain();

    stepsDone = 6;
  }

  @Test
  @Order(7)
  void anAddedServerJoinsInactiveAndEveryServerListsIt() throws Exception {
    startOfStep(7);

    deltaAdded();

    await()
        .atMost(Timing.seconds(10))
        .untilAsserted(
            () -> assertThat(domain.server("gamma").client().serverUriArray()).hasSize(4));
    stepsDone = 7;
  }

  @Test
  @Order(8)
  void removingTheActiveServerSwitchesOverFirstAndTheRemovedServerStops() throws Exception {
    startOfStep(8);

    gammaRemoved();

    assertThat(domain.server("gamma").lastEvent("domain version")).isNotNull();
    await()
        .atMost(Timing.seconds(10))
        .untilAsserted(
            () -> assertThat(domain.server("alpha").client().serverUriArray()).hasSize(3));
    stepsDone = 8;
  }

  @Test
  @Order(9)
  void aNewSecretIsRotatedInWithoutAFailover() throws Exception {
    startOfStep(9);
    long changesBefore = domain.server("alpha").events().stream().filter(e -> e.has("to")).count();

    secretRotated();

    for (String s : new String[] {"alpha", "beta", "delta"}) {
      await()
          .atMost(Timing.seconds(20))
          .untilAsserted(() -> domain.server(s).lastEvent("every server runs domain version"));
    }
    assertThat(domain.server("alpha").events().stream().filter(e -> e.has("to")).count())
        .isEqualTo(changesBefore);

    // The servers talk on the new secret: the next change still reaches every one of them.
    DomainChange next =
        apply("delta", current().replace("<servers>", "<!-- after -->\n  <servers>"));
    assertThat(next.accepted()).as(next.message()).isTrue();
    awaitVersion(next.version());
    stepsDone = 9;
  }

  @Test
  @Order(10)
  void newIntegrityAddressesAreCheckedAtOnce() throws Exception {
    startOfStep(10);
    try (ServerSocket plc = new ServerSocket()) {
      plc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      String address = "127.0.0.1:" + plc.getLocalPort();
      String xml =
          current()
              .replaceFirst(
                  "(<hotStandby [^>]*>)",
                  "$1\n    <integrity host=\"127.0.0.1\" port=\"" + plc.getLocalPort() + "\"/>");

      DomainChange c = apply("alpha", xml);

      assertThat(c.accepted()).as(c.message()).isTrue();
      await()
          .atMost(Timing.seconds(20))
          .untilAsserted(
              () -> {
                for (String s : new String[] {"alpha", "beta", "delta"}) {
                  JsonNode integrity = domain.server(s).status().path("integrity");
                  assertThat(integrity.path("configured").asBoolean()).as(s).isTrue();
                  assertThat(integrity.path("addresses").toString())
                      .as(s)
                      .contains("\"address\":\"" + address + "\"", "\"reachable\":true");
                }
              });
      awaitStates(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "delta", "INACTIVE"));

      // And removed again before the PLC goes away.
      DomainChange back =
          apply(
              "beta",
              current().replaceFirst("\\n\\s*<integrity host=\"127.0.0.1\" port=\"\\d+\"/>", ""));
      assertThat(back.accepted()).as(back.message()).isTrue();
      await()
          .atMost(Timing.seconds(20))
          .untilAsserted(
              () ->
                  assertThat(
                          domain
                              .server("alpha")
                              .status()
                              .path("integrity")
                              .path("configured")
                              .asBoolean())
                      .isFalse());
    }
    stepsDone = 10;
  }

  @Test
  @Order(11)
  void aNewMainTakesItsPlaceAfterTheOldMainHandsTheActiveRoleToTheBackup() throws Exception {
    startOfStep(11);

    DomainChange c = apply("beta", withAttr(current(), "main", "delta"));

    assertThat(c.accepted()).as(c.message()).isTrue();
    awaitStates(Map.of("alpha", "INACTIVE", "beta", "ACTIVE", "delta", "STANDBY"));
    assertThat(domain.server("beta").events())
        .anyMatch(e -> e.path("message").asText().contains("switching over to beta first"));
    stepsDone = 11;
  }
}
