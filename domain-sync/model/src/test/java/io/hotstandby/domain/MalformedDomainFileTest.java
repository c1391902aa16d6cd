package io.hotstandby.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.host.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each row edits a valid domain file into a broken one and names the field and problem the reader
 * must report. {@code {dir}} in an expected problem stands for the file's folder.
 */
class MalformedDomainFileTest {
  static final String VALID =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <domain name="demo" version="3">
        <secret file="base.secret"/>
        <servers>
          <server name="alpha" host="127.0.0.1" maintenance="false">
            <hazelcast port="5701"/>
            <opcua port="4840"/>
            <rec path="lan" port="7101"/>
            <rec path="cable" port="7102" bind="127.0.0.1" bindPort="17102"/>
          </server>
          <server name="beta" host="127.0.0.1">
            <hazelcast port="5702"/>
            <opcua port="4841"/>
            <rec path="lan" port="7201"/>
            <rec path="cable" port="7202"/>
          </server>
        </servers>
        <hotStandby main="alpha" backup="beta" heartbeatMs="100" failoverTimeoutMs="500">
          <integrity host="127.0.0.1" port="502"/>
        </hotStandby>
        <projects>
          <project file="plant.prj"/>
        </projects>
      </domain>
      """;

  static final String ALPHA = "servers/server[@name='alpha']";
  static final String BETA = "servers/server[@name='beta']";

  @TempDir Path dir;
  Path file;

  @BeforeEach
  void setUp() throws Exception {
    file = dir.resolve("demo.dom");
    Files.setPosixFilePermissions(
        Files.writeString(dir.resolve("base.secret"), "0123456789abcdef\n"),
        PrivateFiles.OWNER_FILE);
    Files.setPosixFilePermissions(
        Files.writeString(dir.resolve("empty.secret"), " \n"), PrivateFiles.OWNER_FILE);
    Files.setPosixFilePermissions(
        Files.writeString(dir.resolve("open.secret"), "0123456789abcdef\n"),
        PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(
        Files.writeString(dir.resolve("group.secret"), "0123456789abcdef\n"),
        PosixFilePermissions.fromString("rw--w----"));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        row("xml", "line 25, column 1: XML document structures must", "</domain>", ""),
        row("xml", "DOCTYPE is disallowed", "<domain name", "<!DOCTYPE domain []><domain name"),
        row(
            "domian",
            "root element must be <domain>",
            "<domain ",
            "<domian ",
            "/domain>",
            "/domian>"),
        row(
            "@owner",
            "unknown attribute (allowed: name, version)",
            "version=\"3\"",
            "version=\"3\" owner=\"x\""),
        row(
            "comment",
            "unknown element (allowed: hotStandby, projects, secret, security, servers, users)",
            "<projects>",
            "<comment/><projects>"),
        row(
            ALPHA + "/opcau",
            "unknown element (allowed: hazelcast, http, opcua, rec)",
            "<opcua port=\"4840\"/>",
            "<opcau port=\"4840\"/>"),
        row(
            ALPHA + "/@maintainance",
            "unknown attribute (allowed: host, maintenance, name)",
            "maintenance=",
            "maintainance="),
        row(
            ALPHA + "/rec[@path='lan']/@bindport",
            "unknown attribute",
            "port=\"7101\"",
            "port=\"7101\" bindport=\"1\""),
        row("servers", "unexpected text", "</servers>", "oops</servers>"),
        row(
            "hotStandby",
            "element may appear only once, found 2",
            "<projects>",
            "<hotStandby main=\"alpha\"/><projects>"),
        row(ALPHA + "/hazelcast", "required element missing", "<hazelcast port=\"5701\"/>", ""),
        row(
            ALPHA + "/@host",
            "required attribute missing",
            "name=\"alpha\" host=\"127.0.0.1\"",
            "name=\"alpha\""),
        row(
            BETA + "/@host",
            "must not be empty",
            "name=\"beta\" host=\"127.0.0.1\"",
            "name=\"beta\" host=\" \""),
        row("@version", "required attribute missing", " version=\"3\"", ""),
        row("@version", "not a whole number: 'three'", "version=\"3\"", "version=\"three\""),
        row("@version", "must be a positive number, not 0", "version=\"3\"", "version=\"0\""),
        row("@name", "'my demo' is not a simple name", "name=\"demo\"", "name=\"my demo\""),
        row(
            "hotStandby/@heartbeatMs",
            "not a whole number: '1OO'",
            "heartbeatMs=\"100\"",
            "heartbeatMs=\"1OO\""),
        row(
            ALPHA + "/hazelcast/@port",
            "number out of range: '99999999999'",
            "5701",
            "99999999999"),
        row(ALPHA + "/hazelcast/@port", "port 70000 is outside 1..65535", "5701", "70000"),
        row(ALPHA + "/rec[@path='cable']/@bindPort", "port 0 is outside 1..65535", "17102", "0"),
        row(
            "hotStandby/integrity[1]/@port",
            "port 65536 is outside 1..65535",
            "\"502\"",
            "\"65536\""),
        row(
            ALPHA + "/@maintenance",
            "not true or false: 'yes'",
            "maintenance=\"false\"",
            "maintenance=\"yes\""),
        row(
            "hotStandby/@returnToMain",
            "must be manual or automatic, not 'auto'",
            "failoverTimeoutMs=\"500\"",
            "failoverTimeoutMs=\"500\" returnToMain=\"auto\""),
        row(
            "secret/@file",
            "secret file {dir}/missing.secret not found",
            "base.secret",
            "missing.secret"),
        row(
            "secret/@file",
            "secret file {dir}/empty.secret is empty",
            "base.secret",
            "empty.secret"),
        row(
            "secret/@file",
            "{dir}/open.secret is readable by others (mode 0644); run chmod 600 {dir}/open.secret",
            "base.secret",
            "open.secret"),
        row(
            "secret/@file",
            "{dir}/group.secret is writable by its group (mode 0620); run chmod 600",
            "base.secret",
            "group.secret"),
        row("secret", "empty: give the secret", "<secret file=\"base.secret\"/>", "<secret/>"),
        row(
            "secret",
            "give the secret as text or in @file, not both",
            "<secret file=\"base.secret\"/>",
            "<secret file=\"base.secret\">x</secret>"),
        row(
            "servers",
            "at least one server is required",
            "<server name=\"alpha\"",
            "<!--<server name=\"alpha\"",
            "</servers>",
            "--></servers>"),
        row(
            "servers/server[2]/@name",
            "duplicate server name 'alpha'",
            "name=\"beta\"",
            "name=\"alpha\"",
            "backup=\"beta\"",
            "backup=\"alpha\""),
        row(
            BETA + "/opcua/@port",
            "TCP 127.0.0.1:5701 is already used by " + ALPHA + "/hazelcast/@port",
            "4841",
            "5701"),
        row(
            BETA + "/rec[@path='lan']/@bindPort",
            "UDP 127.0.0.1:7101 is already used by " + ALPHA + "/rec[@path='lan']/@bindPort",
            "7201",
            "7101"),
        row(
            ALPHA + "/rec[@path='lan']/@path",
            "duplicate REC path 'lan'",
            "path=\"cable\" port=\"7102\"",
            "path=\"lan\" port=\"7102\""),
        row(
            BETA + "/rec",
            "at least one REC path is required",
            "<rec path=\"lan\" port=\"7201\"/>",
            "",
            "<rec path=\"cable\" port=\"7202\"/>",
            ""),
        row("hotStandby/@main", "unknown server 'gamma'", "main=\"alpha\"", "main=\"gamma\""),
        row(
            "hotStandby/@backup",
            "must differ from main 'alpha'",
            "backup=\"beta\"",
            "backup=\"alpha\""),
        row("hotStandby/@backup", "required when hot standby is enabled", " backup=\"beta\"", ""),
        row(
            "hotStandby/@backup",
            "main 'alpha' and backup 'beta' share no REC path",
            "path=\"lan\" port=\"7201\"",
            "path=\"wifi\" port=\"7201\"",
            "path=\"cable\" port=\"7202\"",
            "path=\"radio\" port=\"7202\""),
        row(
            "hotStandby/@heartbeatMs",
            "5 is outside 10..10000",
            "heartbeatMs=\"100\"",
            "heartbeatMs=\"5\""),
        row(
            "hotStandby/@failoverTimeoutMs",
            "150 is outside 200..60000",
            "failoverTimeoutMs=\"500\"",
            "failoverTimeoutMs=\"150\""),
        row(
            "hotStandby/@failoverTimeoutMs",
            "60001 is outside 200..60000",
            "failoverTimeoutMs=\"500\"",
            "failoverTimeoutMs=\"60001\""),
        row(
            "hotStandby/@mirrorMaxLagMs",
            "5 is outside 10..60000",
            "failoverTimeoutMs=\"500\"",
            "failoverTimeoutMs=\"500\" mirrorMaxLagMs=\"5\""),
        row(
            "hotStandby/@mirrorMaxLagMs",
            "60001 is outside 10..60000",
            "failoverTimeoutMs=\"500\"",
            "failoverTimeoutMs=\"500\" mirrorMaxLagMs=\"60001\""),
        row(
            "hotStandby/@mirrorMaxLagMs",
            "not a whole number: '1s'",
            "failoverTimeoutMs=\"500\"",
            "failoverTimeoutMs=\"500\" mirrorMaxLagMs=\"1s\""),
        row(
            "hotStandby/probe/@intervalMs",
            "50 is outside 100..60000",
            "<integrity host",
            "<probe intervalMs=\"50\" failures=\"3\"/><integrity host"),
        row(
            "hotStandby/probe/@failures",
            "0 is outside 1..100",
            "<integrity host",
            "<probe failures=\"0\"/><integrity host"),
        row(
            "hotStandby/probe/@failureWeight",
            "256 is outside 0..255",
            "<integrity host",
            "<probe failureWeight=\"256\"/><integrity host"),
        row(
            "hotStandby/probe/@failures",
            "not a whole number: 'three'",
            "<integrity host",
            "<probe failures=\"three\"/><integrity host"),
        row(
            "hotStandby/probe/@timeoutMs",
            "unknown attribute",
            "<integrity host",
            "<probe timeoutMs=\"100\"/><integrity host"),
        row(
            ALPHA + "/opcua/@publicPort",
            "port 70000 is outside 1..65535",
            "<opcua port=\"4840\"/>",
            "<opcua port=\"4840\" publicPort=\"70000\"/>"),
        row(
            "hotStandby/@standbyMode",
            "must be warm or cold, not 'hot'",
            "failoverTimeoutMs=\"500\"",
            "failoverTimeoutMs=\"500\" standbyMode=\"hot\""),
        row(
            "projects/project[2]/@file",
            "required attribute missing",
            "</projects>",
            "<project/></projects>"),
        row(
            "projects/project[2]/@file",
            "duplicate project {dir}/plant.prj",
            "</projects>",
            "<project file=\"./plant.prj\"/></projects>"),
        row(
            "projects/project[2]/@file",
            "absolute path '/etc/shadow' refused: give a path relative to the domain file's folder",
            "</projects>",
            "<project file=\"/etc/shadow\"/></projects>"),
        row(
            "projects/project[2]/@file",
            "path 'sub/../../other.prj' leaves the domain file's folder",
            "</projects>",
            "<project file=\"sub/../../other.prj\"/></projects>"),
        row(
            "projects/@sync",
            "not true or false: 'maybe'",
            "<projects>",
            "<projects sync=\"maybe\">"),
        row(
            "projects/@bandwidthKBps",
            "must be at least 1, not 0",
            "<projects>",
            "<projects sync=\"true\" bandwidthKBps=\"0\">"),
        row(
            "users/user[@name='ops']/@role",
            "not viewer, operator or administrator: 'root'",
            "</domain>",
            "<users><user name=\"ops\" role=\"root\" password=\"pbkdf2-sha256:100000:c2FsdHNhbHQ=:aGFzaGhhc2hoYXNoaGFzaA==\"/></users></domain>"),
        row(
            "users/user[@name='#service-probe']/@name",
            "'#service-probe': names starting with # are the servers' own logins",
            "</domain>",
            "<users><user name=\"#service-probe\" role=\"viewer\" password=\"pbkdf2-sha256:100000:c2FsdHNhbHQ=:aGFzaGhhc2hoYXNoaGFzaA==\"/></users></domain>"),
        row(
            "users/user[@name='ops']/@password",
            "not a password hash",
            "</domain>",
            "<users><user name=\"ops\" role=\"operator\" password=\"secret\"/></users></domain>"),
        row(
            BETA + "/http/@port",
            "port 70000 is outside 1..65535",
            "<opcua port=\"4841\"/>",
            "<opcua port=\"4841\"/><http port=\"70000\"/>"),
        row(
            BETA + "/http/@port",
            "TCP 127.0.0.1:4840 is already used by " + ALPHA + "/opcua/@port",
            "<opcua port=\"4841\"/>",
            "<opcua port=\"4841\"/><http port=\"4840\"/>"),
        row(
            ALPHA + "/http/@port",
            "TCP 127.0.0.1:5701 is already used by " + ALPHA + "/hazelcast/@port",
            "<opcua port=\"4840\"/>",
            "<opcua port=\"4840\"/><http port=\"5701\" bind=\"127.0.0.1\"/>"),
        row(
            BETA + "/http/@port",
            "required attribute missing",
            "<opcua port=\"4841\"/>",
            "<opcua port=\"4841\"/><http bind=\"127.0.0.1\"/>"),
        row(
            BETA + "/http/@bind",
            "must not be empty",
            "<opcua port=\"4841\"/>",
            "<opcua port=\"4841\"/><http port=\"8081\" bind=\"\"/>"),
        row(
            BETA + "/http/@address",
            "unknown attribute (allowed: bind, port)",
            "<opcua port=\"4841\"/>",
            "<opcua port=\"4841\"/><http port=\"8081\" address=\"x\"/>"),
        row(
            BETA + "/http",
            "element may appear only once, found 2",
            "<opcua port=\"4841\"/>",
            "<opcua port=\"4841\"/><http port=\"8081\"/><http port=\"8082\"/>"),
        row(
            "security/@anonymousRead",
            "not true or false: 'yes'",
            "</domain>",
            "<security anonymousRead=\"yes\"/></domain>"),
        row(
            "security/@anonymous",
            "unknown attribute (allowed: anonymousRead)",
            "</domain>",
            "<security anonymous=\"true\"/></domain>"),
        vip(
            "hotStandby/virtualIp/@address",
            "give the address with its prefix, e.g. 10.0.0.100/24",
            "address=\"10.0.0.100\" interface=\"eth0\""),
        vip(
            "hotStandby/virtualIp/@address",
            "prefix of '10.0.0.100/x' is not a whole number",
            "address=\"10.0.0.100/x\" interface=\"eth0\""),
        vip(
            "hotStandby/virtualIp/@address",
            "'10.0.0.300' is not an IPv4 or IPv6 address",
            "address=\"10.0.0.300/24\" interface=\"eth0\""),
        vip(
            "hotStandby/virtualIp/@address",
            "'vip.example.com' is not an IPv4 or IPv6 address",
            "address=\"vip.example.com/24\" interface=\"eth0\""),
        vip(
            "hotStandby/virtualIp/@address",
            "prefix 33 is outside 1..32",
            "address=\"10.0.0.100/33\" interface=\"eth0\""),
        vip(
            "hotStandby/virtualIp/@address",
            "prefix 129 is outside 1..128",
            "address=\"fd00::100/129\" interface=\"eth0\""),
        vip(
            "hotStandby/virtualIp/@address",
            "127.0.0.1 is the address of server 'alpha'",
            "address=\"127.0.0.1/8\" interface=\"eth0\""),
        vip(
            "hotStandby/virtualIp/@interface",
            "server 'beta' has no interface for the address",
            "address=\"10.0.0.100/24\"><interface server=\"alpha\" name=\"eth0\"/></virtualIp"),
        vip(
            "hotStandby/virtualIp/@interface",
            "'eth0 /' is not a network interface name",
            "address=\"10.0.0.100/24\" interface=\"eth0 /\""),
        vip(
            "hotStandby/virtualIp/@interface",
            "'-f' is not a network interface name",
            "address=\"10.0.0.100/24\" interface=\"-f\""),
        vip(
            "hotStandby/virtualIp/@interface",
            "'..' is not a network interface name",
            "address=\"10.0.0.100/24\" interface=\"..\""),
        vip(
            "hotStandby/virtualIp/interface[@server='gamma']/@server",
            "unknown server 'gamma'",
            "address=\"10.0.0.100/24\" interface=\"eth0\">"
                + "<interface server=\"gamma\" name=\"eth1\"/></virtualIp"),
        vip(
            "hotStandby/virtualIp/interface[@server='beta']/@name",
            "'averyveryverylongname' is not a network interface name",
            "address=\"10.0.0.100/24\" interface=\"eth0\">"
                + "<interface server=\"beta\" name=\"averyveryverylongname\"/></virtualIp"),
        vip(
            "hotStandby/virtualIp/@netmask",
            "unknown attribute (allowed: address, interface)",
            "address=\"10.0.0.100/24\" interface=\"eth0\" netmask=\"255.255.255.0\""),
        row(
            "users/user[@name='ops']/@name",
            "user 'ops' is declared twice",
            "</domain>",
            "<users><user name=\"ops\" role=\"operator\" password=\"pbkdf2-sha256:100000:c2FsdHNhbHQ=:aGFzaGhhc2hoYXNoaGFzaA==\"/>"
                + "<user name=\"ops\" role=\"viewer\" password=\"pbkdf2-sha256:100000:c2FsdHNhbHQ=:aGFzaGhhc2hoYXNoaGFzaA==\"/></users></domain>"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("malformed")
  void reportsFieldAndProblemOnOneLine(String field, String problem, String content)
      throws Exception {
    Files.writeString(file, content);
    String expectedProblem = problem.replace("{dir}", dir.toString());

    assertThatThrownBy(() -> DomainFileReader.read(file))
        .isInstanceOfSatisfying(
            DomainFileException.class,
            e -> {
              assertThat(e.file()).isEqualTo(file);
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage())
                  .startsWith(file + ": " + field + ": ")
                  .contains(expectedProblem)
                  .doesNotContain("\n")
                  .doesNotContain("\r");
            });
  }

  @Test
  void validFileOfTheTableParses() throws Exception {
    Files.writeString(file, VALID);
    assertThat(DomainFileReader.read(file).servers()).hasSize(2);
  }

  @Test
  void probeAndOpcUaPublicPortParse() throws Exception {
    Files.writeString(
        file,
        VALID
            .replace("<integrity host", "<probe intervalMs=\"250\" failures=\"4\"/><integrity host")
            .replace("<opcua port=\"4840\"/>", "<opcua port=\"4840\" publicPort=\"14840\"/>"));
    Domain d = DomainFileReader.read(file);
    assertThat(d.hotStandby().probe())
        .isEqualTo(new ServiceProbeSpec(250, 4, ServiceProbeSpec.DEFAULT_FAILURE_WEIGHT));
    assertThat(d.servers().get(0).opcUaPort()).isEqualTo(4840);
    assertThat(d.servers().get(0).opcUaUrl()).isEqualTo("opc.tcp://127.0.0.1:14840/hotstandby");
    assertThat(d.servers().get(1).opcUaUrl()).isEqualTo("opc.tcp://127.0.0.1:4841/hotstandby");
  }

  /** A row whose {@code <virtualIp ATTRIBUTES/>} is broken; {@code attributes} may close it. */
  static Arguments vip(String field, String problem, String attributes) {
    String element =
        attributes.endsWith("</virtualIp")
            ? "<virtualIp " + attributes + ">"
            : "<virtualIp " + attributes + "/>";
    return row(field, problem, "</hotStandby>", element + "</hotStandby>");
  }

  /** A row: expected field and problem, then pairs of text to find once and replace. */
  static Arguments row(String field, String problem, String... edits) {
    String content = VALID;
    for (int i = 0; i < edits.length; i += 2) {
      int at = content.indexOf(edits[i]);
      if (at < 0 || content.indexOf(edits[i], at + 1) >= 0) {
        throw new IllegalArgumentException("not exactly once in VALID: " + edits[i]);
      }
      content = content.replace(edits[i], edits[i + 1]);
    }
    return Arguments.of(field, problem, content);
  }
}
