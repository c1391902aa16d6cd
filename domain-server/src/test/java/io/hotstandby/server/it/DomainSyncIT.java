package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The domain file stays the same on every server: alpha (main, ACTIVE), beta (backup, STANDBY) and
 * gamma (INACTIVE), each with its own copy at its own path. The tests run in order, each starting
 * from the version the previous one left in force.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DomainSyncIT {
  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("sync")
            .servers("alpha", "beta", "gamma")
            .build()
            .startAll()
            .awaitFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "gamma", "INACTIVE"));
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  static String text(String server) throws Exception {
    return Files.readString(domain.domainFile(server), StandardCharsets.UTF_8);
  }

  /** Every running server has the same file as {@code reference}, and runs its version. */
  static void awaitEverywhere(long version, String... servers) {
    await("domain version " + version)
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () -> {
              String expected = text(servers[0]);
              assertThat(expected).contains("version=\"" + version + "\"");
              for (String s : servers) {
                assertThat(text(s)).as(s).isEqualTo(expected);
                assertThat(domain.server(s).status().path("domainVersion").asLong())
                    .as(s)
                    .isEqualTo(version);
              }
            });
  }

  /** domainctl, logged in as the domain's administrator. */
  static Ctl asAdmin(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(domain.adminLogin()));
    all.addAll(List.of(args));
    return Ctl.run(all.toArray(String[]::new));
  }

  Path write(String name, String content) throws Exception {
    Path f = domain.root().resolve(name);
    Files.writeString(f, content);
    return f;
  }

  @Test
  @Order(1)
  void aChangeAppliedOnTheActiveReachesTheStandbyAndTheInactiveServer() throws Exception {
    Path next =
        write("v2.dom", text("alpha").replace("<servers>", "<!-- change 2 -->\n  <servers>"));

    Ctl ctl =
        asAdmin(
            "--endpoint", domain.server("alpha").endpoint(), "domain", "apply", next.toString());

    assertThat(ctl.exit()).as(ctl.out() + ctl.err()).isZero();
    assertThat(ctl.out()).contains("version 2");
    awaitEverywhere(2, "alpha", "beta", "gamma");
    assertThat(text("gamma")).contains("<!-- change 2 -->");
    assertThat(domain.server("gamma").events())
        .anyMatch(
            e ->
                e.path("message").asText().contains("version 2 (")
                    && e.path("message").asText().contains("in force (from alpha)"));
    assertThat(domain.server("alpha").state()).isEqualTo("ACTIVE");
    assertThat(domain.server("beta").state()).isEqualTo("STANDBY");
    assertThat(domain.server("gamma").state()).isEqualTo("INACTIVE");
  }

  @Test
  @Order(2)
  void changingTheDomainFileNeedsTheAdministratorRole() throws Exception {
    Path next = write("refused.dom", text("alpha").replace("<!-- change 2 -->", "<!-- no -->"));

    Ctl anonymous =
        Ctl.run(
            "--endpoint", domain.server("alpha").endpoint(), "domain", "apply", next.toString());
    Path operatorPassword = write("operator.password", TestDomain.OPERATOR_PASSWORD + "\n");
    Ctl operator =
        Ctl.run(
            "--user",
            TestDomain.OPERATOR,
            "--password-file",
            operatorPassword.toString(),
            "--endpoint",
            domain.server("alpha").endpoint(),
            "domain",
            "apply",
            next.toString());
    Path wrong = write("wrong.password", "not-the-password\n");
    Ctl badPassword =
        Ctl.run(
            "--user",
            TestDomain.ADMIN,
            "--password-file",
            wrong.toString(),
            "--endpoint",
            domain.server("alpha").endpoint(),
            "domain",
            "history");

    assertThat(anonymous.exit()).isEqualTo(1);
    assertThat(anonymous.out() + anonymous.err())
        .contains("needs the Administrator role", "anonymous session may only read");
    assertThat(operator.exit()).isEqualTo(1);
    assertThat(operator.out() + operator.err())
        .contains("needs the Administrator role", "operator has the Operator role");
    assertThat(badPassword.exit()).isEqualTo(2);
    assertThat(badPassword.err()).contains("wrong user name or password").doesNotContain("\n\n");
    awaitEverywhere(2, "alpha", "beta", "gamma");
  }

  @Test
  @Order(3)
  void aServerStoppedDuringAChangeReceivesItWhenItStartsAgain() throws Exception {
    ServerProcess gamma = domain.server("gamma");
    gamma.stop();
    Path next = write("v3.dom", text("beta").replace("<!-- change 2 -->", "<!-- change 3 -->"));

    Ctl ctl =
        asAdmin("--endpoint", domain.server("beta").endpoint(), "domain", "apply", next.toString());
    assertThat(ctl.exit()).as(ctl.out() + ctl.err()).isZero();
    awaitEverywhere(3, "beta", "alpha");
    assertThat(text("gamma")).contains("version=\"2\"");

    gamma.start();
    domain.awaitState("gamma", "INACTIVE");
    awaitEverywhere(3, "alpha", "beta", "gamma");
  }

  @Test
  @Order(4)
  void anInvalidLocalEditOnTheStandbyIsRefusedAndEveryServerKeepsTheLastGoodVersion()
      throws Exception {
    String good = text("beta");
    Files.writeString(domain.domainFile("beta"), good.replace("main=\"alpha\"", "main=\"nobody\""));

    await()
        .atMost(Timing.seconds(20))
        .untilAsserted(
            () -> {
              JsonNode e = domain.server("beta").lastEvent("domain file change refused");
              assertThat(e).isNotNull();
              assertThat(e.path("weight").asText()).isEqualTo("ERROR");
              assertThat(e.path("message").asText()).contains("hotStandby/@main", "nobody");
            });
    await()
        .atMost(Timing.seconds(10))
        .untilAsserted(() -> assertThat(text("beta")).isEqualTo(good));
    awaitEverywhere(3, "alpha", "beta", "gamma");
    assertThat(domain.server("beta").state()).isEqualTo("STANDBY");
  }

  @Test
  @Order(5)
  void aValidLocalEditOnTheInactiveServerBecomesTheNextVersionEverywhere() throws Exception {
    Files.writeString(
        domain.domainFile("gamma"), text("gamma").replace("<!-- change 3 -->", "<!-- edit 4 -->"));

    awaitEverywhere(4, "gamma", "alpha", "beta");
    assertThat(text("alpha")).contains("<!-- edit 4 -->");
  }

  @Test
  @Order(6)
  void rollbackToAnEarlierVersionReachesEveryServer() throws Exception {
    Ctl ctl = asAdmin("--domain", domain.domainFile("gamma").toString(), "domain", "rollback", "2");

    assertThat(ctl.exit()).as(ctl.out() + ctl.err()).isZero();
    awaitEverywhere(5, "alpha", "beta", "gamma");
    assertThat(text("beta")).contains("<!-- change 2 -->").doesNotContain("edit 4");

    Ctl history =
        Ctl.run("--endpoint", domain.server("beta").endpoint(), "domain", "history", "--json");
    assertThat(history.exit()).isZero();
    JsonNode newest = history.json().get(0);
    assertThat(newest.path("number").asLong()).isEqualTo(5);
    assertThat(newest.path("status").asText()).isEqualTo("in force");
    assertThat(newest.path("source").asText()).contains("rollback to version 2");
    assertThat(history.json().toString()).contains("\"refused\"", "\"superseded\"");

    Ctl show = asAdmin("--endpoint", domain.server("alpha").endpoint(), "domain", "show", "4");
    assertThat(show.exit()).isZero();
    assertThat(show.out()).contains("<!-- edit 4 -->", "version=\"4\"");
  }
}
