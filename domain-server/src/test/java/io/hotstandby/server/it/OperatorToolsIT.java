package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operators' routine actions through {@code domainctl} on a real two-server domain shared by
 * the class: maintenance on and off, stopping and starting the domain on a server, events and their
 * acknowledgement, the audit log, users, and {@code status --watch} across a failover. Each test
 * finds the roles anew and leaves the domain with one ACTIVE and one STANDBY.
 */
class OperatorToolsIT {
  static TestDomain domain;
  ServerProcess active;
  ServerProcess standby;

  @BeforeAll
  static void start() {
    domain = TestDomain.builder().name("ops").build().startAll();
  }

  @AfterAll
  static void stop() {
    if (domain != null) {
      domain.close();
    }
  }

  @BeforeEach
  void findRoles() {
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    active = roles.active();
    standby = roles.standby();
  }

  String file() {
    return domain.domainFile(active.name()).toString();
  }

  Ctl as(String user, String... args) {
    List<String> all = new ArrayList<>(List.of("--domain", file()));
    all.addAll(List.of(args));
    return Ctl.run(domain.ctlAs(user, all.toArray(String[]::new)));
  }

  /** Runs domainctl as a viewer in a thread of its own, its output going to {@code out}. */
  Thread inBackground(StringWriter out, String... args) {
    List<String> all = new ArrayList<>(List.of("--domain", file()));
    all.addAll(List.of(args));
    Thread t =
        new Thread(
            () ->
                io.hotstandby.admin.Domainctl.run(
                    domain.ctlAs(TestDomain.VIEWER, all.toArray(String[]::new)),
                    new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true)));
    t.start();
    return t;
  }

  JsonNode serverIn(Ctl status, String name) {
    for (JsonNode s : status.json().path("servers")) {
      if (s.path("name").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError(name + " not in " + status.out());
  }

  @Test
  void maintenanceOnTheActiveSwitchesOverFirstAndOffBringsItBackAsStandby() {
    String a = active.name();
    String s = standby.name();

    Ctl on = as(TestDomain.OPERATOR, "maintenance", "on", a);

    assertThat(on.exit()).as(on.err()).isZero();
    assertThat(on.out()).contains("in force", "maintenance on " + a);
    domain.awaitState(a, "MAINTENANCE");
    domain.awaitState(s, "ACTIVE");
    Ctl json = as(TestDomain.VIEWER, "status", "--json");
    assertThat(serverIn(json, a).path("state").asText()).isEqualTo("MAINTENANCE");
    assertThat(serverIn(json, s).path("state").asText()).isEqualTo("ACTIVE");
    assertThat(as(TestDomain.VIEWER, "status").out()).containsPattern(a + "\\s+MAINTENANCE");

    Ctl again = as(TestDomain.OPERATOR, "maintenance", "on", a);
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("already in maintenance; no change");

    Ctl off = as(TestDomain.OPERATOR, "maintenance", "off", a);
    assertThat(off.exit()).as(off.err()).isZero();
    domain.awaitState(a, "STANDBY");
  }

  @Test
  void maintenanceNeedsAnOperatorAndAKnownServer() {
    Ctl viewer = as(TestDomain.VIEWER, "maintenance", "on", standby.name());
    assertThat(viewer.exit()).isEqualTo(1);
    assertThat(viewer.err()).contains("refused", "Operator");
    Ctl unknown = as(TestDomain.OPERATOR, "maintenance", "on", "nosuch");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("no server 'nosuch'");
    Ctl usage = as(TestDomain.OPERATOR, "maintenance", "sideways", standby.name());
    assertThat(usage.exit()).isEqualTo(2);
  }

  @Test
  void stopDomainOnTheActiveHandsOverFirstAndTheStopSurvivesARestart() throws Exception {
    String a = active.name();
    String s = standby.name();

    Ctl stop = as(TestDomain.OPERATOR, "domain", "stop", a);

    assertThat(stop.exit()).as(stop.err()).isZero();
    assertThat(stop.out()).contains("domain stopped on " + a, s + " took over first");
    domain.awaitState(s, "ACTIVE");
    domain.awaitState(a, "STOPPED");
    assertThat(active.alive()).as("the process keeps running").isTrue();
    assertThat(as(TestDomain.VIEWER, "status").out()).contains(a + ": domain stopped by operator");
    assertThat(
            serverIn(as(TestDomain.VIEWER, "status", "--json"), a).path("domainStoppedBy").asText())
        .startsWith("operator at ");

    // The other is ACTIVE with no standby now: stopping it would stop the application.
    Ctl refused = as(TestDomain.OPERATOR, "domain", "stop", s);
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("refused", "--force");
    Ctl forcedByOperator = as(TestDomain.OPERATOR, "domain", "stop", s, "--force");
    assertThat(forcedByOperator.exit()).isEqualTo(1);
    assertThat(forcedByOperator.err()).contains("Administrator");
    domain.awaitState(s, "ACTIVE");

    // A restart of the process (as a service manager would) keeps the domain stopped.
    active.stop();
    active.start();
    domain.awaitState(a, "STOPPED");

    Ctl startIt = as(TestDomain.OPERATOR, "domain", "start", a);
    assertThat(startIt.exit()).as(startIt.err()).isZero();
    assertThat(startIt.out()).contains("domain started on " + a);
    domain.awaitState(a, "STANDBY");
  }

  @Test
  void stoppingTheWholeDomainNeedsAnAdministratorAndLeavesNothingHalfStopped() {
    Ctl all = as(TestDomain.OPERATOR, "domain", "stop");

    assertThat(all.exit()).isEqualTo(1);
    assertThat(all.out()).contains("domain stopped on " + standby.name());
    assertThat(all.err()).contains("Administrator", "starting the others again");
    domain.awaitState(standby.name(), "STANDBY");
    assertThat(active.state()).isEqualTo("ACTIVE");
  }

  @Test
  void eventsAreListedFilteredAndAcknowledgedByOperatorsOnly() throws Exception {
    // Stopping the domain on the standby makes the active report a WARNING: its standby is gone.
    String s = standby.name();
    assertThat(as(TestDomain.OPERATOR, "domain", "stop", s).exit()).isZero();
    domain.awaitState(s, "STOPPED");
    assertThat(as(TestDomain.OPERATOR, "domain", "start", s).exit()).isZero();
    domain.awaitState(s, "STANDBY");

    Ctl all = as(TestDomain.VIEWER, "events", "--json", "--max", "0");
    assertThat(all.exit()).as(all.err()).isZero();
    List<JsonNode> events = new ArrayList<>();
    all.json().forEach(events::add);
    assertThat(events).anyMatch(e -> e.path("message").asText().contains("domain stopped on " + s));
    assertThat(events).allMatch(e -> e.path("id").asText().matches("\\w+:\\d+"));
    JsonNode warning =
        events.stream()
            .filter(
                e -> e.path("weight").asText().equals("WARNING") && !e.path("acked").asBoolean())
            .filter(e -> e.path("server").asText().equals(active.name()))
            .reduce((x, y) -> y)
            .orElseThrow(() -> new AssertionError("no open WARNING on the active: " + all.out()));
    String id = warning.path("id").asText();

    Ctl text = as(TestDomain.VIEWER, "events", "--unacked");
    assertThat(text.out()).contains("ACK", id, "open");

    Ctl viewerAck = as(TestDomain.VIEWER, "events", "ack", id);
    assertThat(viewerAck.exit()).isEqualTo(1);
    assertThat(viewerAck.err()).contains("refused");

    Ctl ack = as(TestDomain.OPERATOR, "events", "ack", id);
    assertThat(ack.exit()).as(ack.err()).isZero();
    assertThat(ack.out()).contains("1 event acknowledged on " + active.name());
    Ctl after = as(TestDomain.VIEWER, "events", "--unacked", "--json", "--max", "0");
    assertThat(after.json().findValuesAsText("id")).doesNotContain(id);

    assertThat(as(TestDomain.OPERATOR, "events", "ack", "--all").exit()).isZero();
    assertThat(as(TestDomain.VIEWER, "events", "--unacked", "--json").json()).isEmpty();
    Ctl bad = as(TestDomain.OPERATOR, "events", "ack", "nosuch:1");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown server 'nosuch'");
  }

  @Test
  void eventsFollowPrintsNewEventsAsTheyHappen() throws Exception {
    StringWriter out = new StringWriter();
    Thread follow =
        inBackground(out, "events", "--follow", "--json", "--max", "1", "--follow-seconds", "60");
    try {
      await("the newest event of each server")
          .atMost(Timing.seconds(30))
          .until(() -> out.toString().lines().count() >= 2);
      String s = standby.name();
      assertThat(as(TestDomain.OPERATOR, "maintenance", "on", s).exit()).isZero();
      await("the maintenance change followed")
          .atMost(Timing.seconds(30))
          .until(() -> out.toString().contains("sets this server to maintenance"));
      for (String line : out.toString().lines().toList()) {
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).has("id"))
            .as("one JSON event a line: " + line)
            .isTrue();
      }
    } finally {
      follow.interrupt();
      follow.join(10_000);
      as(TestDomain.OPERATOR, "maintenance", "off", standby.name());
      domain.awaitState(standby.name(), "STANDBY");
    }
  }

  @Test
  void theAuditLogShowsWhoDidWhatToAdministratorsOnly() {
    as(TestDomain.VIEWER, "maintenance", "on", standby.name()); // refused, and audited

    Ctl audit = as(TestDomain.ADMIN, "audit", "--json", "--since", "10m");
    assertThat(audit.exit()).as(audit.err()).isZero();
    assertThat(audit.json())
        .anyMatch(
            e ->
                e.path("user").asText().equals("viewer")
                    && e.path("action").asText().equals("maintenance")
                    && e.path("result").asText().contains("refused"));
    assertThat(as(TestDomain.ADMIN, "audit").out()).contains("USER", "ACTION", "viewer");

    Ctl operator = as(TestDomain.OPERATOR, "audit");
    assertThat(operator.exit()).isEqualTo(2);
    assertThat(operator.err()).contains("it needs the Administrator role");
    assertThat(as(TestDomain.ADMIN, "audit", "--since", "yesterday-ish").err())
        .contains("--since 'yesterday-ish'");
  }

  @Test
  void usersAreAddedRenamedOfPasswordAndRemovedThroughTheDomainFile() throws Exception {
    Path pw = Files.writeString(domain.root().resolve("vic.password"), "vic-password-1\n");

    String[] addVic = {
      "user", "add", "vic", "--role", "viewer", "--new-password-file", pw.toString()
    };
    Ctl add = as(TestDomain.ADMIN, addVic);
    assertThat(add.exit()).as(add.err()).isZero();
    assertThat(add.out()).contains("in force");
    Ctl list = as(TestDomain.ADMIN, "user", "list", "--json");
    assertThat(list.json().findValuesAsText("name")).contains("vic", "admin");
    await("vic can log in on both servers")
        .atMost(Timing.seconds(30))
        .until(
            () ->
                Ctl.run(
                            "--domain",
                            file(),
                            "--user",
                            "vic",
                            "--password-file",
                            pw.toString(),
                            "--timeout",
                            "15",
                            "status")
                        .exit()
                    == 0);

    Ctl dup = as(TestDomain.ADMIN, addVic);
    assertThat(dup.exit()).isEqualTo(1);
    assertThat(dup.err()).contains("user 'vic' exists already");
    Ctl byOperator = as(TestDomain.OPERATOR, "user", "list");
    assertThat(byOperator.exit()).isEqualTo(2);

    Path pw2 = Files.writeString(domain.root().resolve("vic2.password"), "vic-password-2\n");
    assertThat(
            as(TestDomain.ADMIN, "user", "passwd", "vic", "--new-password-file", pw2.toString())
                .exit())
        .isZero();
    Ctl remove = as(TestDomain.ADMIN, "user", "remove", "vic");
    assertThat(remove.exit()).as(remove.err()).isZero();
    assertThat(as(TestDomain.ADMIN, "user", "list").out()).doesNotContain("vic");
  }

  /** The real launcher with the test's own agent folder; exit code and standard output. */
  record Launched(int exit, String out) {}

  Launched launcher(Path runtime, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(TestDomain.distBin("domainctl")));
    command.addAll(List.of(domain.viewerLogin()));
    command.addAll(List.of("--domain", file()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
    pb.environment().put("HOTSTANDBY_KNOWN_SERVERS", System.getProperty("hotstandby.knownServers"));
    pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
    pb.environment().put("DOMAINCTL_AGENT_IDLE_SECONDS", "120");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return new Launched(p.exitValue(), out);
  }

  /** The pid the agent wrote beside its socket, or 0 while there is none. */
  static long agentPid(Path runtime) throws Exception {
    Path dir = runtime.resolve("hotstandby");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
        return Long.parseLong(Files.readString(f).trim());
      }
    }
    return 0;
  }

  @Test
  void theLauncherHandsShortCommandsToAResidentAgentThatKeepsTheAnswersTheSame() throws Exception {
    Path runtime = Files.createTempDirectory("ops-agent-");
    try {
      Launched first = launcher(runtime, "status", "--json");
      assertThat(first.exit()).as(first.out()).isZero();
      await("the agent started by the first command")
          .atMost(Timing.seconds(60))
          .until(() -> agentPid(runtime) != 0 && first.out().contains("activeCount"));
      long pid = agentPid(runtime);
      Path folder = runtime.resolve("hotstandby");
      assertThat(Files.getPosixFilePermissions(folder))
          .containsExactlyInAnyOrder(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
              java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);

      Launched viaAgent = launcher(runtime, "status", "--json");
      assertThat(viaAgent.exit()).isZero();
      assertThat(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .readTree(viaAgent.out())
                  .findValuesAsText("name"))
          .containsExactlyInAnyOrder(active.name(), standby.name());
      Launched refused = launcher(runtime, "maintenance", "on", standby.name());
      assertThat(refused.exit()).as("a viewer is refused through the agent too").isEqualTo(1);
      assertThat(agentPid(runtime)).as("the same agent").isEqualTo(pid);

      // An agent that is gone: the command runs in its own JVM and a new agent starts.
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      await("the agent gone")
          .atMost(Timing.seconds(30))
          .until(() -> ProcessHandle.of(pid).isEmpty());
      Launched after = launcher(runtime, "tag", "--help");
      assertThat(after.exit()).isZero();
      Launched again = launcher(runtime, "status");
      assertThat(again.exit()).isZero();
      assertThat(again.out()).contains(active.name(), "ACTIVE");
      await("a new agent")
          .atMost(Timing.seconds(60))
          .until(() -> agentPid(runtime) != 0 && agentPid(runtime) != pid);
    } finally {
      long pid = agentPid(runtime);
      if (pid != 0) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
      }
    }
  }

  @Test
  void statusWatchPrintsTheNewActiveWithinASecondOfAFailover() throws Exception {
    StringWriter out = new StringWriter();
    Thread watch = inBackground(out, "status", "--watch", "--watch-seconds", "60");
    String standbyRow = standby.name() + "\\s+STANDBY";
    await("the first table")
        .atMost(Timing.seconds(30))
        .until(() -> out.toString().lines().anyMatch(l -> l.matches(standbyRow + ".*")));
    String ex = active.name();
    ServerProcess next = standby;
    try {
      active.kill();
      await("the watch shows " + next.name() + " ACTIVE")
          .atMost(Timing.seconds(30))
          .until(
              () -> out.toString().lines().anyMatch(l -> l.matches(next.name() + "\\s+ACTIVE.*")));
      long printed = System.currentTimeMillis();
      long tookOver =
          next.events().stream()
              .filter(e -> e.path("to").asText().equals("ACTIVE"))
              .reduce((a, b) -> b)
              .orElseThrow()
              .path("epochMillis")
              .asLong();
      long ms = printed - tookOver;
      System.out.printf("status --watch printed the new ACTIVE %d ms after it took over%n", ms);
      // The goal is 1 s (measured here, printed above); the test bounds it ten times looser.
      assertThat(ms).as("printed %d ms after the takeover", ms).isLessThan(10_000);
      await("the watch shows " + ex + " unreachable")
          .atMost(Timing.seconds(10))
          .until(() -> out.toString().contains("UNREACHABLE"));
    } finally {
      active.restart();
      domain.awaitState(ex, "STANDBY");
      watch.interrupt();
      watch.join(10_000);
    }
  }
}
