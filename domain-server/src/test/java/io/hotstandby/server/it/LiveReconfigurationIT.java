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
 * the rules give. One domain of three servers (a fourth, delta, is added by a test); each test
 * starts from the states the previous one left and asserts the state of every server afterwards.
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

  @Test
  @Order(1)
  void newHeartbeatAndTimeoutTakeEffectWithoutAnyStateChange() throws Exception {
    String xml = withAttr(withAttr(current(), "heartbeatMs", "50"), "failoverTimeoutMs", "400");

    DomainChange c = apply("beta", xml);

    assertThat(c.accepted()).as(c.message()).isTrue();
    awaitVersion(c.version());
    for (String s : new String[] {"alpha", "beta", "gamma"}) {
      await()
          .atMost(Timing.seconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          domain.server(s).lastEvent("REC link restarted").path("message").asText())
                      .contains("heartbeat 50 ms", "failover timeout 400 ms"));
    }
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "gamma", "INACTIVE"));
    assertThat(domain.server("alpha").events())
        .noneMatch(e -> e.path("message").asText().contains("state changed from ACTIVE"));
  }

  @Test
  @Order(2)
  void maintenanceOnTheStandbyAndBackAgain() throws Exception {
    DomainChange on = apply("alpha", withMaintenance(current(), "beta", true));
    assertThat(on.accepted()).as(on.message()).isTrue();
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "MAINTENANCE", "gamma", "INACTIVE"));
    assertThat(domain.server("beta").client().serviceLevel()).isZero();

    DomainChange off = apply("gamma", withMaintenance(current(), "beta", false));
    assertThat(off.accepted()).as(off.message()).isTrue();
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "gamma", "INACTIVE"));
  }

  @Test
  @Order(3)
  void anInactiveServerNamedBackupBecomesStandbyAndTheOldBackupInactive() throws Exception {
    DomainChange c = apply("alpha", withAttr(current(), "backup", "gamma"));

    assertThat(c.accepted()).as(c.message()).isTrue();
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "INACTIVE", "gamma", "STANDBY"));
  }

  @Test
  @Order(4)
  void maintenanceOnTheActiveFirstSwitchesOverToTheStandby() throws Exception {
    long termBefore = domain.server("alpha").status().path("term").asLong();

    DomainChange c = apply("beta", withMaintenance(current(), "alpha", true));

    assertThat(c.accepted()).as(c.message()).isTrue();
    awaitStates(Map.of("alpha", "MAINTENANCE", "beta", "INACTIVE", "gamma", "ACTIVE"));
    assertThat(domain.server("gamma").status().path("term").asLong()).isGreaterThan(termBefore);
    assertThat(domain.server("beta").lastEvent("domain version")).isNotNull();
    assertThat(domain.server("beta").events())
        .anyMatch(e -> e.path("message").asText().contains("switching over to gamma first"));
  }

  @Test
  @Order(5)
  void aChangeThatWouldLeaveNoActiveIsRefusedWithTheReason() throws Exception {
    long before = domain.server("gamma").status().path("domainVersion").asLong();

    DomainChange c = apply("alpha", withMaintenance(current(), "gamma", true));

    assertThat(c.accepted()).isFalse();
    assertThat(c.message())
        .contains("takes the active role from gamma", "no standby can take over", "alpha");
    assertThat(c.version()).isEqualTo(before);
    awaitStates(Map.of("alpha", "MAINTENANCE", "beta", "INACTIVE", "gamma", "ACTIVE"));
    awaitVersion(before);
  }

  @Test
  @Order(6)
  void maintenanceClearedOnTheMainMakesItStandbyBehindTheActive() throws Exception {
    DomainChange c = apply("gamma", withMaintenance(current(), "alpha", false));

    assertThat(c.accepted()).as(c.message()).isTrue();
    awaitStates(Map.of("alpha", "STANDBY", "beta", "INACTIVE", "gamma", "ACTIVE"));
  }

  @Test
  @Order(7)
  void anAddedServerJoinsInactiveAndEveryServerListsIt() throws Exception {
    String xml = current().replace("  </servers>", domain.serverXml("delta") + "  </servers>");

    DomainChange c = apply("beta", xml);

    assertThat(c.accepted()).as(c.message()).isTrue();
    awaitVersion(c.version());
    // The new machine is installed with the domain file in force, at the same path.
    Files.writeString(domain.domainFile("delta"), current());
    domain.server("delta").start();
    awaitStates(
        Map.of("alpha", "STANDBY", "beta", "INACTIVE", "gamma", "ACTIVE", "delta", "INACTIVE"));
    domain.awaitCluster(4);
    await()
        .atMost(Timing.seconds(10))
        .untilAsserted(
            () -> assertThat(domain.server("gamma").client().serverUriArray()).hasSize(4));
  }

  @Test
  @Order(8)
  void removingTheActiveServerSwitchesOverFirstAndTheRemovedServerStops() throws Exception {
    String xml =
        withAttr(current(), "backup", "beta")
            .replaceFirst("(?s)    <server name=\"gamma\".*?</server>\n", "");

    DomainChange c = apply("delta", xml);

    assertThat(c.accepted()).as(c.message()).isTrue();
    await()
        .atMost(Timing.seconds(30))
        .untilAsserted(() -> assertThat(domain.server("gamma").alive()).isFalse());
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "delta", "INACTIVE"));
    assertThat(domain.server("gamma").lastEvent("domain version")).isNotNull();
    await()
        .atMost(Timing.seconds(10))
        .untilAsserted(
            () -> assertThat(domain.server("alpha").client().serverUriArray()).hasSize(3));
  }

  @Test
  @Order(9)
  void aNewSecretIsRotatedInWithoutAFailover() throws Exception {
    long changesBefore = domain.server("alpha").events().stream().filter(e -> e.has("to")).count();
    String xml =
        current()
            .replaceFirst("<secret file=\"[^\"]*\"/>", "<secret>rotated-0123456789abcdef</secret>");

    DomainChange c = apply("beta", xml);

    assertThat(c.accepted()).as(c.message()).isTrue();
    awaitVersion(c.version());
    for (String s : new String[] {"alpha", "beta", "delta"}) {
      await()
          .atMost(Timing.seconds(20))
          .untilAsserted(() -> domain.server(s).lastEvent("every server runs domain version"));
    }
    awaitStates(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "delta", "INACTIVE"));
    assertThat(domain.server("alpha").events().stream().filter(e -> e.has("to")).count())
        .isEqualTo(changesBefore);

    // The servers talk on the new secret: the next change still reaches every one of them.
    DomainChange next =
        apply("delta", current().replace("<servers>", "<!-- after -->\n  <servers>"));
    assertThat(next.accepted()).as(next.message()).isTrue();
    awaitVersion(next.version());
  }

  @Test
  @Order(10)
  void newIntegrityAddressesAreCheckedAtOnce() throws Exception {
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
  }

  @Test
  @Order(11)
  void aNewMainTakesItsPlaceAfterTheOldMainHandsTheActiveRoleToTheBackup() throws Exception {
    DomainChange c = apply("beta", withAttr(current(), "main", "delta"));

    assertThat(c.accepted()).as(c.message()).isTrue();
    awaitStates(Map.of("alpha", "INACTIVE", "beta", "ACTIVE", "delta", "STANDBY"));
    assertThat(domain.server("beta").events())
        .anyMatch(e -> e.path("message").asText().contains("switching over to beta first"));
  }
}
