package io.hotstandby.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.admin.Domainctl.Target;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command tree of {@code domainctl} as a user meets it without a server: {@code --help} on
 * every command, the exit codes, the completion script, {@code --since}, the events table and what
 * makes {@code status --watch} print again.
 */
class DomainctlCommandsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Domainctl.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  /** Every command's words, e.g. [events, ack], from the real command tree. */
  static List<List<String>> commands(CommandLine cl, List<String> prefix) {
    List<List<String>> all = new ArrayList<>();
    all.add(prefix);
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              List<String> words = new ArrayList<>(prefix);
              words.add(name);
              all.addAll(commands(sub, words));
            });
    return all;
  }

  @Test
  void everyCommandHasHelpThatExitsZero() {
    List<List<String>> all = commands(new CommandLine(new Domainctl()), List.of());
    assertThat(all)
        .extracting(w -> String.join(" ", w))
        .contains(
            "status",
            "activate",
            "maintenance",
            "events",
            "events ack",
            "audit",
            "history",
            "user add",
            "user passwd",
            "user remove",
            "user list",
            "domain start",
            "domain stop",
            "domain apply",
            "tag",
            "generate-completion");
    for (List<String> words : all) {
      List<String> args = new ArrayList<>(words);
      args.add("--help");
      Run r = run(args.toArray(String[]::new));
      assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage: domainctl");
    }
  }

  @Test
  void theTopHelpListsTheExitCodes() {
    assertThat(run("--help").out())
        .contains(
            "Exit codes:", "0", "exactly one ACTIVE", "1", "refused", "2", "usage or connection");
  }

  @Test
  void usageErrorsAreOneLineWithExitTwo() {
    Run noTarget = run("events");
    assertThat(noTarget.exit()).isEqualTo(2);
    assertThat(noTarget.err().strip())
        .isEqualTo("domainctl: give exactly one of --endpoint URL or --domain FILE");
    Run badMode = run("--endpoint", "opc.tcp://127.0.0.1:1/x", "maintenance", "maybe", "alpha");
    assertThat(badMode.exit()).isEqualTo(2);
    assertThat(badMode.err()).contains("maybe");
    Run noIds = run("--endpoint", "opc.tcp://127.0.0.1:1/x", "events", "ack");
    assertThat(noIds.exit()).isEqualTo(2);
  }

  @Test
  void aBashCompletionScriptIsGenerated() {
    Run r = run("generate-completion");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("complete -F", "domainctl", "maintenance", "events");
  }

  @Test
  void sinceTakesAgesInstantsLocalTimesAndDates() {
    long now = 1_800_000_000_000L;
    assertThat(Since.parse("90s", now, ZoneOffset.UTC)).isEqualTo(now - 90_000);
    assertThat(Since.parse("15m", now, ZoneOffset.UTC)).isEqualTo(now - 900_000);
    assertThat(Since.parse("2h", now, ZoneOffset.UTC)).isEqualTo(now - 7_200_000);
    assertThat(Since.parse("7d", now, ZoneOffset.UTC)).isEqualTo(now - 604_800_000);
    assertThat(Since.parse("2026-12-07T10:00:00Z", now, ZoneOffset.UTC))
        .isEqualTo(1_796_637_600_000L);
    assertThat(Since.parse("2026-12-07 10:00", now, ZoneOffset.UTC)).isEqualTo(1_796_637_600_000L);
    assertThat(Since.parse("2026-12-07", now, ZoneOffset.UTC)).isEqualTo(1_796_601_600_000L);
    assertThatThrownBy(() -> Since.parse("last tuesday", now, ZoneOffset.UTC))
        .hasMessageStartingWith("--since 'last tuesday': give an age (90s, 15m, 2h, 7d)");
  }

  @Test
  void theEventsTableShowsWhoAcknowledgedAndWhatWaits() throws Exception {
    JsonNode events =
        JSON.readTree(
            """
            [{"id":"alpha:1","seq":1,"epochMillis":0,"weight":"NOTICE","server":"alpha",
              "component":"role","message":"STARTING -> ACTIVE"},
             {"id":"alpha:2","seq":2,"epochMillis":0,"weight":"ERROR","server":"alpha",
              "component":"driver","message":"plc1 lost","acked":false},
             {"id":"beta:7","seq":7,"epochMillis":0,"weight":"WARNING","server":"beta",
              "component":"rec","message":"path lan down","acked":true,"ackedBy":"olga"}]
            """);
    List<JsonNode> list = new ArrayList<>();
    events.forEach(list::add);
    List<String> lines = EventsCommand.table(list, true).lines().toList();
    assertThat(lines.get(0)).contains("TIME", "SERVER", "ID", "WEIGHT", "ACK", "MESSAGE");
    assertThat(lines.get(1)).contains("alpha:1", "NOTICE", " - ", "STARTING -> ACTIVE");
    assertThat(lines.get(2)).contains("alpha:2", "ERROR", "open", "plc1 lost");
    assertThat(lines.get(3)).contains("beta:7", "WARNING", "olga", "path lan down");
  }

  @Test
  void theWatchReprintsOnStateChangesNotOnRoundTripTimes() throws Exception {
    Target t = new Target("alpha", "opc.tcp://127.0.0.1:4851/hotstandby");
    String base =
        """
        {"name":"alpha","state":"ACTIVE","term":3,"serviceLevel":255,"domainVersion":1,
         "links":[{"peer":"beta","liveness":"ALIVE","paths":[{"path":"lan","up":true,"rttMs":%s}]}]}
        """;
    ServerStatus a = new ServerStatus(t, JSON.readTree(base.formatted("0.4")), null);
    ServerStatus b = new ServerStatus(t, JSON.readTree(base.formatted("0.9")), null);
    ServerStatus c =
        new ServerStatus(
            t, JSON.readTree(base.formatted("0.9").replace("ACTIVE", "STANDBY")), null);
    ServerStatus gone = new ServerStatus(t, null, "connection refused");
    assertThat(StatusWatch.key(List.of(a))).isEqualTo(StatusWatch.key(List.of(b)));
    assertThat(StatusWatch.key(List.of(a))).isNotEqualTo(StatusWatch.key(List.of(c)));
    assertThat(StatusWatch.key(List.of(a))).isNotEqualTo(StatusWatch.key(List.of(gone)));
  }

  @Test
  void theStatusTextSaysWhatWaitsForAnOperator() throws Exception {
    Target t = new Target("beta", "opc.tcp://127.0.0.1:4852/hotstandby");
    JsonNode j =
        JSON.readTree(
            """
            {"name":"beta","state":"STOPPED","term":2,"serviceLevel":0,"domainVersion":4,
             "domainStoppedBy":"olga at 2026-12-07T10:00:00Z","unackedErrors":2,
             "unackedWarnings":1,"links":[]}
            """);
    String text = StatusCommand.text(List.of(new ServerStatus(t, j, null)));
    assertThat(text)
        .contains(
            "beta: domain stopped by olga at 2026-12-07T10:00:00Z (domainctl domain start beta)")
        .contains(
            "beta: 2 ERROR and 1 WARNING events not acknowledged (domainctl events --unacked)");
  }

  static ServerStatus withProbe(String probe) throws Exception {
    Target t = new Target("beta", "opc.tcp://127.0.0.1:4852/hotstandby");
    return new ServerStatus(
        t,
        JSON.readTree(
            """
            {"name":"beta","state":"STANDBY","term":7,"serviceLevel":199,"domainVersion":4,
             "probe":%s,"links":[]}
            """
                .formatted(probe)),
        null);
  }

  @Test
  void theStatusTextNamesAFailingServiceProbeAndSaysNothingOtherwise() throws Exception {
    String failing =
        """
        {"enabled":true,"target":"alpha","self":false,"failuresInRow":2,"threshold":3,
         "lastOkAt":"2026-03-01T08:00:00Z","lastFailureAt":"2026-03-01T08:00:02Z",
         "lastFailure":"GetEndpoints: connection refused"}
        """;
    assertThat(StatusCommand.text(List.of(withProbe(failing))))
        .contains(
            "beta: service probe of alpha failed 2 times in a row (threshold 3):"
                + " GetEndpoints: connection refused\n");
    assertThat(
            StatusCommand.text(
                List.of(
                    withProbe(
                        failing
                            .replace("\"alpha\",\"self\":false", "\"beta\",\"self\":true")
                            .replace("\"2026-03-01T08:00:00Z\"", "null")))))
        .contains("beta: service probe of its own endpoint failed 2 times in a row (threshold 3)")
        .doesNotContain("not taken for failed");
    assertThat(
            StatusCommand.text(
                List.of(withProbe(failing.replace("\"2026-03-01T08:00:00Z\"", "null")))))
        .contains(
            "connection refused; it has not answered in this term, so it is not taken for failed");

    String answering = failing.replace("\"failuresInRow\":2", "\"failuresInRow\":0");
    for (String quiet : List.of(answering, "{\"enabled\":false}")) {
      assertThat(StatusCommand.text(List.of(withProbe(quiet)))).doesNotContain("probe");
    }
    // A server older than the probe's status says nothing either.
    assertThat(StatusCommand.text(List.of(withProbe("null")))).doesNotContain("probe");
  }

  @Test
  void theWatchReprintsWhenTheProbeStartsFailingAndAtItsThresholdOnly() throws Exception {
    String probe = "{\"enabled\":true,\"target\":\"alpha\",\"failuresInRow\":%d,\"threshold\":3}";
    List<String> keys = new ArrayList<>();
    for (int failures : new int[] {0, 1, 2, 3, 4}) {
      keys.add(StatusWatch.key(List.of(withProbe(probe.formatted(failures)))));
    }
    assertThat(keys.get(0)).isNotEqualTo(keys.get(1));
    assertThat(keys.get(1)).isEqualTo(keys.get(2));
    assertThat(keys.get(2)).isNotEqualTo(keys.get(3));
    assertThat(keys.get(3)).isEqualTo(keys.get(4));
  }
}
