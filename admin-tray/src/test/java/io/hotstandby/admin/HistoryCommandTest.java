package io.hotstandby.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code domainctl history} as far as it goes without a server. */
class HistoryCommandTest {
  private static final String NL = System.lineSeparator();

  @Test
  void oneLinePerEntryInTheServersOrder() throws Exception {
    String json =
        """
        [{"time":"2026-12-07T10:00:00Z","epochMillis":1,"kind":"start","from":"","to":"alpha",\
        "reason":"no active server heard within the join window of 1500 ms","durationMs":-1,\
        "term":1,"lagEntries":0,"lagMs":0},
         {"time":"2026-12-07T10:05:00Z","epochMillis":2,"kind":"failover","from":"alpha",\
        "to":"beta","reason":"active lost","durationMs":612,"term":2,"lagEntries":3,"lagMs":40}]
        """;

    assertThat(HistoryCommand.lines(json))
        .isEqualTo(
            "2026-12-07T10:00:00Z  start       - → alpha (term 1)  no active server heard within"
                + " the join window of 1500 ms  duration unknown  lag 0 entries 0 ms"
                + NL
                + "2026-12-07T10:05:00Z  failover    alpha → beta (term 2)  active lost  612 ms"
                + "  lag 3 entries 40 ms"
                + NL);
  }

  @Test
  void anEmptyHistorySaysSo() throws Exception {
    assertThat(HistoryCommand.lines("[]")).isEqualTo("no failover or switchover recorded" + NL);
  }

  @Test
  void anAnswerThatIsNotAnArrayIsReported() {
    assertThatThrownBy(() -> HistoryCommand.lines("{}"))
        .hasMessage("the history is not a JSON array");
  }

  @Test
  void maxOutOfRangeIsAUsageErrorBeforeAnyConnection() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        Domainctl.run(
            new String[] {"--endpoint", "opc.tcp://127.0.0.1:1/x", "history", "--max", "0"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));

    assertThat(exit).isEqualTo(Domainctl.USAGE);
    assertThat(err.toString()).isEqualTo("domainctl: --max: 0 is outside 1..500" + NL);
  }

  @Test
  void helpNamesTheOptions() {
    StringWriter out = new StringWriter();

    int exit =
        Domainctl.run(
            new String[] {"history", "--help"},
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true));

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("--json").contains("--max=N").contains("newest last");
  }
}
