package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.host.PrivateFiles;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.TcpRelay;
import io.hotstandby.testkit.Timing;
import io.hotstandby.testkit.UdpFlood;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A started domain under attack: garbage datagrams on every REC port of both servers and a flood of
 * wrong-password logins against the active from another client host (127.0.0.2, through a relay),
 * for 10 s. Nobody fails over, and the administrator logs in from his own host during and after the
 * flood. One domain is shared by the class; the last test looks at the files each server keeps on
 * its host.
 */
class FloodIT {
  /** Garbage datagrams a second, all four REC ports together. */
  static final int DATAGRAMS_PER_SECOND = 2_000;

  static final Duration FLOOD = Duration.ofSeconds(10);
  static final ObjectMapper JSON = new ObjectMapper();

  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("flood")
            .servers("alpha", "beta")
            .startFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY"));
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  @Test
  void garbageOnTheRecPortsAndWrongPasswordsChangeNoRoleAndTheAdministratorStillLogsIn()
      throws Exception {
    ServerProcess active = domain.server("alpha");
    ServerProcess standby = domain.server("beta");
    long term = active.status().path("term").asLong();
    int activeEvents = active.events().size();
    int standbyEvents = standby.events().size();
    List<Integer> recPorts = new ArrayList<>();
    for (String s : List.of("alpha", "beta")) {
      for (String p : TestDomain.PATHS) {
        recPorts.add(domain.recPort(s, p));
      }
    }
    int opcUaPort = Integer.parseInt(active.endpoint().replaceAll(".*:(\\d+)/.*", "$1"));
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicInteger wrongLogins = new AtomicInteger();
    List<String> adminLogins = new CopyOnWriteArrayList<>();
    ExecutorService attackers = Executors.newFixedThreadPool(2);
    try (TcpRelay otherHost = TcpRelay.from(InetAddress.getByName("127.0.0.2"), opcUaPort);
        UdpFlood flood = UdpFlood.start(recPorts, DATAGRAMS_PER_SECOND)) {
      String viaOtherHost = "opc.tcp://127.0.0.1:" + otherHost.port() + "/hotstandby";
      // A guesser has the server's certificate (it is public) and confirmed it, so the guesses
      // reach the server's password check.
      assertThat(active.trustCertificateAt(viaOtherHost)).isTrue();
      for (int t = 0; t < 2; t++) {
        attackers.submit(
            () -> {
              while (flooding.get()) {
                guess(viaOtherHost, TestDomain.ADMIN);
                wrongLogins.incrementAndGet();
              }
            });
      }
      // The administrator at his own console logs in afresh every two seconds of the flood.
      try {
        await("the administrator logs in and sees alpha ACTIVE throughout the flood")
            .during(FLOOD)
            .atMost(FLOOD.plus(Timing.seconds(20)))
            .pollInterval(Duration.ofSeconds(2))
            .until(
                () -> {
                  String state = adminStatus(active);
                  adminLogins.add(state);
                  return state.equals("ACTIVE");
                });
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "during the flood the administrator saw "
                + adminLogins
                + "; state changes: "
                + transitionsSince(active, activeEvents).stream().map(FloodIT::message).toList()
                + " "
                + transitionsSince(standby, standbyEvents).stream().map(FloodIT::message).toList(),
            e);
      }
      flooding.set(false);
      assertThat(flood.sent()).as("datagrams sent").isGreaterThan(DATAGRAMS_PER_SECOND * 5L);
    } finally {
      attackers.shutdown();
      attackers.awaitTermination(30, TimeUnit.SECONDS);
    }

    assertThat(wrongLogins.get()).as("wrong-password logins tried").isGreaterThan(10);
    assertThat(adminLogins)
        .as("the administrator's logins during the flood")
        .allMatch("ACTIVE"::equals);
    assertThat(adminStatus(active)).as("after the flood").isEqualTo("ACTIVE");
    assertThat(standby.state()).isEqualTo("STANDBY");
    assertThat(active.status().path("term").asLong()).isEqualTo(term);
    assertThat(transitionsSince(active, activeEvents).stream().map(FloodIT::message)).isEmpty();
    assertThat(transitionsSince(standby, standbyEvents).stream().map(FloodIT::message)).isEmpty();
    // Each refusal is in the active's audit log, with the attacker's address.
    List<JsonNode> refused =
        audit(active).stream()
            .filter(a -> a.path("action").asText().equals("login"))
            .filter(a -> a.path("client").asText().equals("127.0.0.2"))
            .toList();
    assertThat(refused).hasSizeGreaterThanOrEqualTo(wrongLogins.get() / 2);
    assertThat(refused).allMatch(a -> a.path("result").asText().startsWith("refused: "));
    assertThat(refused).anyMatch(a -> a.path("result").asText().contains("locked"));
  }

  @Test
  void eachServerKeepsItsDataKeysAndPasswordToItself() throws Exception {
    for (ServerProcess s : domain.servers()) {
      Path data = s.dataDir();
      assertThat(mode(data)).as(data.toString()).isEqualTo("0700");
      assertThat(mode(data.resolve("pki"))).isEqualTo("0700");
      assertThat(mode(data.resolve("pki/application.pfx"))).isEqualTo("0600");
      assertThat(mode(data.resolve("pki/application.pfx.password"))).isEqualTo("0600");
    }
  }

  static String mode(Path p) throws Exception {
    return PrivateFiles.mode(Files.getPosixFilePermissions(p));
  }

  /** One login with a wrong password, as a guesser makes it; refused either way. */
  static void guess(String url, String user) {
    try (AdminClient c =
        AdminClient.connect(
            url, Timing.seconds(5), new AdminClient.Credentials(user, "guess".toCharArray()))) {
      throw new AssertionError("a wrong password was accepted");
    } catch (AdminClientException refused) {
      // as it must be
    }
  }

  /** The state the active reports to the administrator, who logs in afresh from 127.0.0.1. */
  static String adminStatus(ServerProcess s) {
    try (AdminClient c =
        AdminClient.connect(
            s.endpoint(),
            Timing.seconds(10),
            new AdminClient.Credentials(
                TestDomain.ADMIN, TestDomain.ADMIN_PASSWORD.toCharArray()))) {
      return JSON.readTree(c.statusJson()).path("state").asText();
    } catch (Exception e) {
      return "login failed: " + e.getMessage();
    }
  }

  static List<JsonNode> transitionsSince(ServerProcess s, int from) {
    List<JsonNode> all = s.events();
    return all.subList(Math.min(from, all.size()), all.size()).stream()
        .filter(e -> e.path("message").asText().startsWith("state changed"))
        .toList();
  }

  static String message(JsonNode event) {
    return event.path("message").asText();
  }

  static List<JsonNode> audit(ServerProcess s) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(s.dataDir().resolve("audit.jsonl"))) {
      lines.add(JSON.readTree(l));
    }
    return lines;
  }
}
