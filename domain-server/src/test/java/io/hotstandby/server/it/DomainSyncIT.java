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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The domain file stays the same on every server: alpha (main, ACTIVE), beta (backup, STANDBY) and
 * gamma (INACTIVE), each with its own copy at its own path.
 *
 * <p>One domain of three servers is shared by the class, as starting one costs more than a test.
 * Each test first waits until all three run the same version and counts from the version it finds
 * in force, so the tests pass in any order and alone.
 */
class DomainSyncIT {
  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("sync")
            .servers("alpha", "beta", "gamma")
            .startFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY", "gamma", "INACTIVE"));
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

  /** The version in force: all three servers running, on the same file and version. */
  long version;

  @BeforeEach
  void awaitOneVersion() throws Exception {
    ServerProcess gamma = domain.server("gamma");
    if (!gamma.alive()) {
      gamma.start();
      domain.awaitState("gamma", "INACTIVE");
    }
    await("one version on every server")
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () -> {
              long alpha = domain.server("alpha").status().path("domainVersion").asLong();
              awaitEverywhereNow(alpha);
              version = alpha;
            });
  }

  private static void awaitEverywhereNow(long v) throws Exception {
    String expected = text("alpha");
    for (String s : List.of("alpha", "beta", "gamma")) {
      assertThat(text(s)).as(s).isEqualTo(expected);
      assertThat(domain.server(s).status().path("domainVersion").asLong()).as(s).isEqualTo(v);
    }
  }

  /** {@code server}'s domain file with {@code marker} as a comment before the servers. */
  static String marked(String server, String marker) throws Exception {
    return text(server).replace("<servers>", "<!-- " + marker + " -->\n  <servers>");
  }

  /** Applies {@code content} through {@code server} as the administrator; returns its version. */
  /** {@code domainctl domain history --json} of {@code server}, as a viewer. */
  Ctl historyOf(String server) {
    return Ctl.run(
        domain.ctlAs(
            TestDomain.VIEWER,
            "--endpoint",
            domain.server(server).endpoint(),
            "domain",
            "history",
            "--json"));
  }

  Ctl apply(String server, String name, String content) throws Exception {
    Path next = write(name, content);
    Ctl ctl =
        asAdmin("--endpoint", domain.server(server).endpoint(), "domain", "apply", next.toString());
    assertThat(ctl.exit()).as(ctl.out() + ctl.err()).isZero();
    return ctl;
  }

  Path write(String name, String content) throws Exception {
    Path f = domain.root().resolve(name);
    Files.writeString(f, content);
    return f;
  }

  @Test
  void aChangeAppliedOnTheActiveReachesTheStandbyAndTheInactiveServer() throws Exception {
    long next = version + 1;

    Ctl ctl = apply("alpha", "change.dom", marked("alpha", "change " + next));

    assertThat(ctl.out()).contains("version " + next);
    awaitEverywhere(next, "alpha", "beta", "gamma");
    assertThat(text("gamma")).contains("<!-- change " + next + " -->");
    assertThat(domain.server("gamma").events())
        .anyMatch(
            e ->
                e.path("message").asText().contains("version " + next + " (")
                    && e.path("message").asText().contains("in force (from alpha)"));
    assertThat(domain.server("alpha").state()).isEqualTo("ACTIVE");
    assertThat(domain.server("beta").state()).isEqualTo("STANDBY");
    assertThat(domain.server("gamma").state()).isEqualTo("INACTIVE");
  }

  @Test
  void changingTheDomainFileNeedsTheAdministratorRole() throws Exception {
    Path next = write("refused.dom", marked("alpha", "no"));

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

    Ctl viewer =
        Ctl.run(
            domain.ctlAs(
                TestDomain.VIEWER,
                "--endpoint",
                domain.server("alpha").endpoint(),
                "domain",
                "apply",
                next.toString()));

    // Without anonymous reading, a session without a login is not even opened.
    assertThat(anonymous.exit()).isNotZero();
    assertThat(anonymous.out() + anonymous.err())
        .contains("needs a login: give --user (and --password-file)");
    assertThat(viewer.exit()).isEqualTo(1);
    assertThat(viewer.out() + viewer.err())
        .contains("needs the Administrator role", "viewer has the Viewer role");
    assertThat(operator.exit()).isEqualTo(1);
    assertThat(operator.out() + operator.err())
        .contains("needs the Administrator role", "operator has the Operator role");
    assertThat(badPassword.exit()).isEqualTo(2);
    assertThat(badPassword.err()).contains("wrong user name or password").doesNotContain("\n\n");
    awaitEverywhere(version, "alpha", "beta", "gamma");
  }

  @Test
  void aServerStoppedDuringAChangeReceivesItWhenItStartsAgain() throws Exception {
    ServerProcess gamma = domain.server("gamma");
    gamma.stop();
    long next = version + 1;

    apply("beta", "while-stopped.dom", marked("beta", "change " + next));
    awaitEverywhere(next, "beta", "alpha");
    assertThat(text("gamma")).contains("version=\"" + version + "\"");

    gamma.start();
    domain.awaitState("gamma", "INACTIVE");
    awaitEverywhere(next, "alpha", "beta", "gamma");
  }

  @Test
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
    awaitEverywhere(version, "alpha", "beta", "gamma");
    assertThat(domain.server("beta").state()).isEqualTo("STANDBY");
    Ctl history = historyOf("beta");
    assertThat(history.exit()).isZero();
    assertThat(history.json().toString()).contains("\"refused\"");
  }

  @Test
  void aValidLocalEditOnTheInactiveServerBecomesTheNextVersionEverywhere() throws Exception {
    Files.writeString(domain.domainFile("gamma"), marked("gamma", "edit on gamma " + version));

    awaitEverywhere(version + 1, "gamma", "alpha", "beta");
    assertThat(text("alpha")).contains("<!-- edit on gamma " + version + " -->");
  }

  @Test
  void rollbackToAnEarlierVersionReachesEveryServer() throws Exception {
    long target = version + 1;
    long undone = version + 2;
    apply("alpha", "target.dom", marked("alpha", "rollback target " + target));
    awaitEverywhere(target, "alpha", "beta", "gamma");
    apply("alpha", "undone.dom", marked("alpha", "undone " + undone));
    awaitEverywhere(undone, "alpha", "beta", "gamma");

    Ctl ctl =
        asAdmin(
            "--domain",
            domain.domainFile("gamma").toString(),
            "domain",
            "rollback",
            Long.toString(target));

    assertThat(ctl.exit()).as(ctl.out() + ctl.err()).isZero();
    long rolledBack = undone + 1;
    awaitEverywhere(rolledBack, "alpha", "beta", "gamma");
    assertThat(text("beta"))
        .contains("<!-- rollback target " + target + " -->")
        .doesNotContain("undone " + undone);

    Ctl history = historyOf("beta");
    assertThat(history.exit()).isZero();
    JsonNode newest = history.json().get(0);
    assertThat(newest.path("number").asLong()).isEqualTo(rolledBack);
    assertThat(newest.path("status").asText()).isEqualTo("in force");
    assertThat(newest.path("source").asText()).contains("rollback to version " + target);
    assertThat(history.json().toString()).contains("\"superseded\"");

    Ctl show =
        asAdmin(
            "--endpoint",
            domain.server("alpha").endpoint(),
            "domain",
            "show",
            Long.toString(undone));
    assertThat(show.exit()).isZero();
    assertThat(show.out()).contains("<!-- undone " + undone + " -->", "version=\"" + undone + "\"");
  }
}
