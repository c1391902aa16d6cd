package io.hotstandby.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.testkit.FreePorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code domainctl domain ...} as far as it goes without a server. */
class DomainCommandTest {
  private static final String NL = System.lineSeparator();

  @TempDir Path tmp;

  @Test
  void historyIsATableNewestFirstWithShortHashes() {
    String json =
        """
        [{"number":3,"sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",\
        "server":"alpha","user":"operator","time":"2025-05-02T10:15:30Z",\
        "source":"domainctl apply","status":"in force"},
         {"number":2,"sha256":"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",\
        "server":"beta","user":"anonymous","time":"2025-05-01T08:00:00Z",\
        "source":"file","status":"superseded"}]
        """;

    assertThat(DomainCommand.historyTable(json))
        .isEqualTo(
            "VERSION  SHA256        SERVER  USER       TIME                  SOURCE           STATUS"
                + NL
                + "3        0123456789ab  alpha   operator   2025-05-02T10:15:30Z  domainctl apply  in"
                + " force"
                + NL
                + "2        fedcba987654  beta    anonymous  2025-05-01T08:00:00Z  file            "
                + " superseded"
                + NL);
  }

  @Test
  void historyShowsAMissingFieldAsADash() {
    String json = "[{\"number\":1,\"sha256\":\"abc\",\"user\":null,\"status\":\"conflict\"}]";

    assertThat(DomainCommand.historyTable(json))
        .isEqualTo(
            "VERSION  SHA256  SERVER  USER  TIME  SOURCE  STATUS"
                + NL
                + "1        abc     -       -     -     -       conflict"
                + NL);
  }

  @Test
  void anEmptyHistoryIsTheHeaderAlone() {
    assertThat(DomainCommand.historyTable("[]"))
        .isEqualTo("VERSION  SHA256  SERVER  USER  TIME  SOURCE  STATUS" + NL);
  }

  @Test
  void aHistoryThatIsNotAJsonArrayIsRefused() {
    assertThatThrownBy(() -> DomainCommand.historyTable("{\"number\":1}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the history is not a JSON array");
    assertThatThrownBy(() -> DomainCommand.historyTable("[{"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the history is not JSON: ");
  }

  @Test
  void domainWithoutASubcommandIsAUsageError() {
    Result r = run("--endpoint", closedEndpoint(), "domain");

    assertThat(r.exit()).isEqualTo(Domainctl.USAGE);
    assertThat(r.err()).contains("Missing required subcommand");
  }

  @Test
  void applyWithoutAFileAndRollbackWithoutAVersionAreUsageErrors() {
    Result apply = run("--endpoint", closedEndpoint(), "domain", "apply");
    assertThat(apply.exit()).isEqualTo(Domainctl.USAGE);
    assertThat(apply.err()).contains("Missing required parameter: 'FILE'");

    Result rollback = run("--endpoint", closedEndpoint(), "domain", "rollback");
    assertThat(rollback.exit()).isEqualTo(Domainctl.USAGE);
    assertThat(rollback.err()).contains("Missing required parameter: 'VERSION'");

    Result extra = run("--endpoint", closedEndpoint(), "domain", "show", "1", "2");
    assertThat(extra.exit()).isEqualTo(Domainctl.USAGE);
  }

  @Test
  void withoutEndpointOrDomainFileItSaysWhatIsMissing() throws Exception {
    Path file = Files.writeString(tmp.resolve("plant.dom"), "<domain/>");

    Result r = run("domain", "apply", file.toString());

    assertThat(r.exit()).isEqualTo(Domainctl.USAGE);
    assertThat(r.err())
        .isEqualTo("domainctl: give exactly one of --endpoint URL or --domain FILE" + NL);
  }

  @Test
  void applyOfAFileThatCannotBeReadExitsTwoNamingTheFile() {
    Path missing = tmp.resolve("missing.dom");

    Result r = run("--endpoint", closedEndpoint(), "domain", "apply", missing.toString());

    assertThat(r.exit()).isEqualTo(Domainctl.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("domainctl: " + missing + ": cannot read: no such file" + NL);
  }

  @Test
  void applyOfADirectoryExitsTwoNamingIt() {
    Result r = run("--endpoint", closedEndpoint(), "domain", "apply", tmp.toString());

    assertThat(r.exit()).isEqualTo(Domainctl.USAGE);
    assertThat(r.err()).isEqualTo("domainctl: " + tmp + ": cannot read: is a directory" + NL);
  }

  @Test
  void aFileTooLargeForADomainFileIsRefusedBeforeConnecting() throws Exception {
    Path big = Files.write(tmp.resolve("big.dom"), new byte[DomainCommand.MAX_FILE_BYTES + 1]);

    Result r = run("--endpoint", closedEndpoint(), "domain", "apply", big.toString());

    assertThat(r.exit()).isEqualTo(Domainctl.USAGE);
    assertThat(r.err()).startsWith("domainctl: " + big + ": cannot read: ").contains("too large");
  }

  @Test
  void anEndpointThatDoesNotAnswerExitsTwoWithOneLine() throws Exception {
    String url = closedEndpoint();
    Path file = Files.writeString(tmp.resolve("plant.dom"), "<domain/>");

    for (String[] args :
        new String[][] {
          {"--endpoint", url, "domain", "history"},
          {"--endpoint", url, "domain", "history", "--json"},
          {"--endpoint", url, "domain", "show"},
          {"--endpoint", url, "domain", "rollback", "3"},
          // The inherited options are taken after the subcommand too.
          {"domain", "apply", "--endpoint", url, file.toString()},
        }) {
      Result r = run(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(Domainctl.USAGE);
      assertThat(r.out()).isEmpty();
      assertThat(r.err())
          .as(String.join(" ", args))
          .isEqualTo("domainctl: cannot connect to " + url + ": connection refused" + NL);
    }
  }

  @Test
  void aDomainNoServerOfWhichAnswersExitsTwoNamingEach() throws Exception {
    int alpha = FreePorts.next();
    int beta = FreePorts.next();
    // A workstation has the server list only: test.secret is not there, and is not needed.
    Path domain =
        Files.writeString(
            tmp.resolve("test.dom"),
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <domain name="test" version="1">
              <secret file="test.secret"/>
              <servers>
                <server name="alpha" host="127.0.0.1">
                  <hazelcast port="5901"/>
                  <opcua port="%d"/>
                  <rec path="lan" port="7301"/>
                </server>
                <server name="beta" host="127.0.0.1">
                  <hazelcast port="5902"/>
                  <opcua port="%d"/>
                  <rec path="lan" port="7302"/>
                </server>
              </servers>
              <hotStandby main="alpha" backup="beta"/>
            </domain>
            """
                .formatted(alpha, beta));

    Result r = run("--domain", domain.toString(), "domain", "history");

    assertThat(r.exit()).isEqualTo(Domainctl.USAGE);
    assertThat(r.err())
        .isEqualTo(
            "domainctl: no server of the domain answered: cannot connect to"
                + " opc.tcp://127.0.0.1:"
                + alpha
                + "/hotstandby: connection refused; cannot connect to opc.tcp://127.0.0.1:"
                + beta
                + "/hotstandby: connection refused"
                + NL);
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Domainctl.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(exit, out.toString(), err.toString());
  }

  private static String closedEndpoint() {
    return "opc.tcp://127.0.0.1:" + FreePorts.next() + "/hotstandby";
  }
}
