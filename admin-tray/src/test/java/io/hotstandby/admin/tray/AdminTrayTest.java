package io.hotstandby.admin.tray;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.admin.tray.AdminTray.Target;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options and the refusal to start without a tray; never touches a display. */
class AdminTrayTest {
  private static final String DOMAIN =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <domain name="plant" version="4">
        <secret>test-secret</secret>
        <servers>
          <server name="alpha" host="10.0.0.5">
            <hazelcast port="5801"/>
            <opcua port="4851"/>
            <rec path="lan" port="7101"/>
          </server>
          <server name="beta" host="10.0.0.6">
            <hazelcast port="5802"/>
            <opcua port="4852"/>
            <rec path="lan" port="7201"/>
          </server>
        </servers>
        <hotStandby main="alpha" backup="beta"/>
      </domain>
      """;

  @TempDir Path dir;

  private final List<Target> launched = new ArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void withoutOptionsItWatchesTheLocalServer() {
    assertThat(run()).isZero();

    assertThat(launched)
        .containsExactly(new Target("opc.tcp://127.0.0.1:4851/hotstandby", null, null));
  }

  @Test
  void anEndpointIsWatchedAsGiven() {
    assertThat(run("--endpoint", "opc.tcp://10.0.0.9:4851/hotstandby")).isZero();

    assertThat(launched)
        .containsExactly(new Target("opc.tcp://10.0.0.9:4851/hotstandby", null, null));
  }

  @Test
  void itLogsInAsTheUserWithThePasswordFromTheFile() throws Exception {
    Path password = Files.writeString(dir.resolve("olga.password"), "s3cret pass\nignored\n");

    assertThat(run("--user", "olga", "--password-file", password.toString())).isZero();

    assertThat(launched).singleElement().extracting(Target::login).isNotNull();
    assertThat(launched.get(0).login().user()).isEqualTo("olga");
    assertThat(new String(launched.get(0).login().password())).isEqualTo("s3cret pass");
    assertThat(launched.get(0).endpoint()).isEqualTo("opc.tcp://127.0.0.1:4851/hotstandby");
  }

  @Test
  void anUnreadablePasswordFileIsOneLineAndNothingStarts() {
    Path missing = dir.resolve("nope.password");

    assertThat(run("--user", "olga", "--password-file", missing.toString()))
        .isEqualTo(AdminTray.USAGE);

    assertThat(launched).isEmpty();
    assertThat(err.toString()).startsWith("admin-tray: " + missing + ": cannot read");
    assertThat(err.toString().strip()).doesNotContain("\n");
  }

  @Test
  void aDomainFileGivesTheServersEndpointAndNames() throws Exception {
    Path file = Files.writeString(dir.resolve("plant.dom"), DOMAIN);

    assertThat(run("--domain", file.toString(), "--server", "beta")).isZero();

    assertThat(launched).singleElement().extracting(Target::server).isEqualTo("beta");
    assertThat(launched.get(0).endpoints()).containsExactly("opc.tcp://10.0.0.6:4852/hotstandby");
    assertThat(launched.get(0).domainFile()).isEqualTo(file.toAbsolutePath().normalize());
  }

  @Test
  void bothEndpointAndDomainIsOneLineOfError() throws Exception {
    Path file = Files.writeString(dir.resolve("plant.dom"), DOMAIN);

    int exit = run("--endpoint", "opc.tcp://10.0.0.9:4851/hotstandby", "--domain", file.toString());

    assertUsage(exit, "admin-tray: give either --endpoint URL or --domain FILE, not both");
  }

  @Test
  void aDomainWithoutServerWatchesTheServerOnThisMachine() throws Exception {
    Path file =
        Files.writeString(dir.resolve("plant.dom"), DOMAIN.replace("10.0.0.6", "127.0.0.1"));

    assertThat(run("--domain", file.toString())).isZero();

    assertThat(launched).singleElement().extracting(Target::server).isEqualTo("beta");
    assertThat(launched.get(0).endpoints()).containsExactly("opc.tcp://127.0.0.1:4852/hotstandby");
  }

  @Test
  void aDomainWithNoServerHereTriesEachInTurn() throws Exception {
    Path file = Files.writeString(dir.resolve("plant.dom"), DOMAIN);

    assertThat(run("--domain", file.toString())).isZero();

    assertThat(launched).singleElement().extracting(Target::server).isNull();
    assertThat(launched.get(0).endpoints())
        .containsExactly(
            "opc.tcp://10.0.0.5:4851/hotstandby", "opc.tcp://10.0.0.6:4852/hotstandby");
    assertThat(launched.get(0).domain()).isEqualTo("plant");
  }

  @Test
  void aServerWithoutDomainIsOneLineOfError() {
    assertUsage(run("--server", "alpha"), "admin-tray: --server NAME needs --domain FILE");
  }

  @Test
  void anUnknownServerIsNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("plant.dom"), DOMAIN);

    assertUsage(
        run("--domain", file.toString(), "--server", "gamma"),
        "admin-tray: unknown server 'gamma' in " + file.toAbsolutePath().normalize());
  }

  @Test
  void aMissingDomainFileIsNamed() {
    Path file = dir.resolve("nowhere.dom");

    assertUsage(
        run("--domain", file.toString(), "--server", "alpha"),
        "admin-tray: " + file.toAbsolutePath().normalize() + ": file: not found");
  }

  @Test
  void anUnknownOptionIsOneLineOfError() {
    assertUsage(
        run("--colour", "pink"),
        "admin-tray: Unknown options: '--colour', 'pink' (see admin-tray --help)");
  }

  @Test
  void aDesktopWithoutTrayIsOneLineAndExitTwo() {
    StringWriter text = new StringWriter();
    PrintWriter w = new PrintWriter(text, true);

    int exit =
        AdminTray.start(
            new Target("opc.tcp://127.0.0.1:4851/hotstandby", null, null),
            w,
            () -> "no display: headless");

    assertThat(exit).isEqualTo(2);
    assertThat(text.toString())
        .isEqualTo(
            "admin-tray: no system tray available on this desktop (no display: headless)"
                + System.lineSeparator());
  }

  private int run(String... args) {
    return AdminTray.run(
        args,
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        t -> {
          launched.add(t);
          return AdminTray.OK;
        });
  }

  private void assertUsage(int exit, String line) {
    assertThat(exit).isEqualTo(2);
    assertThat(launched).isEmpty();
    assertThat(err.toString()).isEqualTo(line + System.lineSeparator());
    assertThat(out.toString()).isEmpty();
  }
}
