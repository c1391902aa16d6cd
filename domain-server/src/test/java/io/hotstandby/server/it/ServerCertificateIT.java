package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.admin.client.KnownServers;
import io.hotstandby.opcua.ApplicationPki;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * domainctl trusts a server's certificate for its endpoint only after the operator confirmed its
 * fingerprint ({@code --accept-certificate}), and refuses a replaced one naming both fingerprints.
 * The workstation here starts with a known-servers file of its own, empty.
 */
class ServerCertificateIT {
  static TestDomain domain;

  @TempDir Path workstation;

  @BeforeAll
  static void start() {
    domain = TestDomain.builder().name("certs").build().startAll();
    // Whichever role it takes: domainctl reads the history of any running server.
    await("alpha listening")
        .atMost(Timing.seconds(90))
        .until(() -> domain.server("alpha").listening());
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  @Test
  void aCertificateIsTrustedOnlyOnceConfirmedAndAReplacedOneIsRefusedWithBothFingerprints()
      throws Exception {
    ServerProcess alpha = domain.server("alpha");
    String first = fingerprint(alpha);
    String uri =
        CertificateUtil.getSanUri(
                ApplicationPki.storedCertificate(alpha.dataDir().resolve("pki")).orElseThrow())
            .orElseThrow();
    Path known = workstation.resolve("hotstandby/known-servers");

    Ctl unknown = ctl(known);
    Ctl wrongOne = ctl(known, "--accept-certificate", "ab".repeat(32));
    Ctl accepted = ctl(known, "--accept-certificate", first.toUpperCase());
    Ctl again = ctl(known);

    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err().strip())
        .isEqualTo(
            "domainctl: "
                + alpha.endpoint()
                + " presents certificate SHA-256 "
                + first
                + " ("
                + uri
                + "); if that is the server's, run again with"
                + " --accept-certificate "
                + first);
    assertThat(wrongOne.exit()).isEqualTo(2);
    assertThat(wrongOne.err()).contains("--accept-certificate " + first);
    assertThat(accepted.exit()).as(accepted.err()).isZero();
    assertThat(again.exit()).as(again.err()).isZero();
    String port = alpha.endpoint().replaceAll(".*:(\\d+)/.*", "$1");
    assertThat(Files.readAllLines(known))
        .containsExactly(
            "# hotstandby known-servers 2", "127.0.0.1:" + port + " " + uri + " " + first);
    assertThat(Files.getPosixFilePermissions(known))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(known.getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    // The server is reinstalled: a new certificate on the same endpoint.
    alpha.stop();
    deleteTree(alpha.dataDir().resolve("pki"));
    alpha.restart();
    await("alpha listening again").atMost(Timing.seconds(90)).until(alpha::listening);
    String second = fingerprint(alpha);
    assertThat(second).isNotEqualTo(first);

    Ctl changed = ctl(known, "--accept-certificate", first);
    Ctl replaced = ctl(known, "--accept-certificate", second);

    assertThat(changed.exit()).isEqualTo(2);
    assertThat(changed.err())
        .contains(alpha.endpoint() + " presents certificate SHA-256 " + second)
        .contains("not the one recorded in " + known + ": " + first)
        .contains("run again with --accept-certificate " + second + " to replace the entry");
    assertThat(replaced.exit()).as(replaced.err()).isZero();
    assertThat(Files.readString(known)).contains(second).doesNotContain(first);
  }

  /** domainctl on this workstation, logged in as the administrator, reading alpha's history. */
  private static Ctl ctl(Path knownServers, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of(domain.adminLogin()));
    args.addAll(List.of(more));
    args.addAll(List.of("--endpoint", domain.server("alpha").endpoint(), "domain", "history"));
    String before = System.getProperty("hotstandby.knownServers");
    System.setProperty("hotstandby.knownServers", knownServers.toString());
    try {
      return Ctl.run(args.toArray(String[]::new));
    } finally {
      System.setProperty("hotstandby.knownServers", before);
    }
  }

  /**
   * The fingerprint of the certificate in the server's PKI folder, as its administrator sees it.
   */
  private static String fingerprint(ServerProcess server) throws Exception {
    X509Certificate c =
        ApplicationPki.storedCertificate(server.dataDir().resolve("pki")).orElseThrow();
    return KnownServers.fingerprint(c.getEncoded());
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
