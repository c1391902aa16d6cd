package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.server.kit.TestDomain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server given bad input refuses to start with one line naming the file and the field, and a
 * non-zero exit code: the real launcher, the real process.
 */
class BadInputIT {
  static final String GOOD =
      """
      <domain name="bad" version="1">
        <secret>s3cret-s3cret-s3cret</secret>
        <servers>
          <server name="alpha" host="127.0.0.1">
            <hazelcast port="HZA"/><opcua port="UAA"/>
            <rec path="lan" port="RECA"/>
          </server>
          <server name="beta" host="127.0.0.1">
            <hazelcast port="HZB"/><opcua port="UAB"/>
            <rec path="lan" port="RECB"/>
          </server>
        </servers>
        <hotStandby main="alpha" backup="beta"/>
      </domain>
      """;

  @TempDir static Path dir;
  static String good;

  @BeforeAll
  static void ports() throws IOException {
    good = GOOD;
    for (String key : List.of("HZA", "UAA", "RECA", "HZB", "UAB", "RECB")) {
      try (ServerSocket s = new ServerSocket(0)) {
        good = good.replace("\"" + key + "\"", "\"" + s.getLocalPort() + "\"");
      }
    }
  }

  record Run(int exit, List<String> stderr) {}

  static Run run(String domainText, String server) throws Exception {
    Path file = Files.createTempFile(dir, "bad-", ".dom");
    Files.writeString(file, domainText);
    return runFile(file, server);
  }

  static Run runFile(Path file, String server) throws Exception {
    Path data = Files.createTempDirectory(dir, "data-");
    Path stderr = data.resolve("stderr.txt");
    Process p =
        new ProcessBuilder(
                TestDomain.distBin("domain-server"),
                "--domain",
                file.toString(),
                "--server",
                server,
                "--data-dir",
                data.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile())
            .start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    assertThat(ended).as("the server should have refused to start").isTrue();
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(stderr)) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    return new Run(p.exitValue(), lines);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("truncated XML", "</domain>", "", "xml"),
        Arguments.of("unknown backup", "backup=\"beta\"", "backup=\"gamma\"", "hotStandby/@backup"),
        Arguments.of(
            "main equals backup", "backup=\"beta\"", "backup=\"alpha\"", "hotStandby/@backup"),
        Arguments.of("missing secret", "<secret>s3cret-s3cret-s3cret</secret>", "", "secret"),
        Arguments.of(
            "bad heartbeat",
            "backup=\"beta\"",
            "backup=\"beta\" heartbeatMs=\"fast\"",
            "@heartbeatMs"),
        Arguments.of(
            "timeout below two heartbeats",
            "backup=\"beta\"",
            "backup=\"beta\" heartbeatMs=\"100\" failoverTimeoutMs=\"150\"",
            "@failoverTimeoutMs"),
        Arguments.of("duplicate server name", "name=\"beta\"", "name=\"alpha\"", "servers/server"),
        Arguments.of("unknown element", "<hotStandby", "<hotstandbyy/><hotStandby", "hotstandbyy"),
        Arguments.of("missing version", "version=\"1\"", "", "@version"),
        Arguments.of(
            "port out of range",
            "<rec path=\"lan\" port=\"\\d+\"",
            "<rec path=\"lan\" port=\"70000\"",
            "servers/server[@name='alpha']/rec"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedDomainFileIsRefusedWithOneLineNamingFileAndField(
      String name, String from, String to, String field) throws Exception {
    // `from` is a regular expression; the table's are plain text but for the port row.
    String text = good.replaceFirst(from, java.util.regex.Matcher.quoteReplacement(to));
    Run r = run(text, "alpha");
    assertThat(r.exit()).isNotZero();
    assertThat(r.stderr()).hasSize(1);
    assertThat(r.stderr().get(0)).contains("bad-").contains(".dom").contains(field);
  }

  @Test
  void anUnknownServerNameIsRefused() throws Exception {
    Run r = run(good, "gamma");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.stderr()).singleElement().asString().contains("unknown server 'gamma'");
  }

  @Test
  void anOpcUaPortInUseIsRefusedNamingThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      String text =
          good.replaceFirst("<opcua port=\"\\d+\"", "<opcua port=\"" + taken.getLocalPort() + "\"");
      Run r = run(text, "alpha");
      assertThat(r.exit()).isEqualTo(3);
      assertThat(r.stderr())
          .singleElement()
          .asString()
          .contains(Integer.toString(taken.getLocalPort()));
    }
  }

  @Test
  void aRecPortInUseIsRefusedNamingThePath() throws Exception {
    try (java.net.DatagramSocket taken =
        new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      String text =
          good.replaceFirst(
              "<rec path=\"lan\" port=\"\\d+\"",
              "<rec path=\"lan\" port=\"" + taken.getLocalPort() + "\"");
      Run r = run(text, "alpha");
      assertThat(r.exit()).isEqualTo(3);
      assertThat(r.stderr())
          .singleElement()
          .asString()
          .contains("lan")
          .contains(Integer.toString(taken.getLocalPort()));
    }
  }
}
