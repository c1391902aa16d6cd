package io.hotstandby.admin.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.domain.Sha256;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KnownServersTest {
  private static final String ALPHA = "urn:hotstandby:plant:alpha";
  private static final String URL = "opc.tcp://Host-A:4851/hotstandby";
  private static final byte[] FIRST = {1, 2, 3};
  private static final byte[] OTHER = {4, 5, 6};

  @RegisterExtension final TemporaryKnownServers known = new TemporaryKnownServers();

  @Test
  void anUnknownCertificateIsRefusedWithItsFingerprintAndTheFix() {
    String fp = Sha256.hex(FIRST);

    assertThatThrownBy(() -> KnownServers.check(URL, ALPHA, FIRST, KnownServers.REFUSE))
        .isInstanceOf(AdminClientException.class)
        .hasMessage(
            URL
                + " presents certificate SHA-256 "
                + fp
                + " ("
                + ALPHA
                + "); if that is the server's, run again with --accept-certificate "
                + fp);
    assertThat(KnownServers.file()).doesNotExist();
  }

  @Test
  void aConfirmedFingerprintIsRecordedForItsEndpointOnly() throws Exception {
    String fp = Sha256.hex(FIRST);
    List<KnownServers.Offer> asked = new ArrayList<>();

    KnownServers.check(
        URL, ALPHA, FIRST, offer -> asked.add(offer) && offer.fingerprint().equals(fp));
    KnownServers.check("opc.tcp://host-a:4851/other-path", ALPHA, FIRST, KnownServers.REFUSE);

    assertThat(asked).singleElement().matches(o -> !o.changed());
    assertThat(Files.readAllLines(KnownServers.file()))
        .containsExactly(KnownServers.HEADER, "host-a:4851 " + ALPHA + " " + fp);
    assertThat(Files.getPosixFilePermissions(KnownServers.file()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(KnownServers.file().getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    // Another port of the same host is another endpoint.
    assertThatThrownBy(
            () -> KnownServers.check("opc.tcp://host-a:4852/hotstandby", ALPHA, FIRST, o -> false))
        .hasMessageContaining("--accept-certificate " + fp);
  }

  @Test
  void aChangedCertificateIsRefusedWithBothFingerprintsUntilTheNewOneIsConfirmed()
      throws Exception {
    KnownServers.accept(URL, ALPHA, Sha256.hex(FIRST));
    String old = Sha256.hex(FIRST);
    String now = Sha256.hex(OTHER);

    assertThatThrownBy(
            () ->
                KnownServers.check(
                    URL, ALPHA, OTHER, KnownServers.accepting(Set.of(old.toUpperCase()))))
        .isInstanceOf(AdminClientException.class)
        .hasMessageContaining(URL + " presents certificate SHA-256 " + now)
        .hasMessageContaining("not the one recorded in " + KnownServers.file() + ": " + old)
        .hasMessageContaining("run again with --accept-certificate " + now)
        .hasMessageContaining("to replace the entry");
    // Another server answering on the endpoint with the recorded certificate is refused too.
    assertThatThrownBy(() -> KnownServers.check(URL, "urn:other", FIRST, KnownServers.REFUSE))
        .hasMessageContaining("(urn:other), not the one recorded");

    KnownServers.check(URL, ALPHA, OTHER, KnownServers.accepting(Set.of(now)));
    KnownServers.check(URL, ALPHA, OTHER, KnownServers.REFUSE);
    assertThat(Files.readAllLines(KnownServers.file())).hasSize(2).last().asString().endsWith(now);
  }

  @Test
  void linesOfTheFirstVersionAreNotTrustedAndAreDroppedOnTheNextWrite() throws Exception {
    Files.createDirectories(KnownServers.file().getParent());
    Files.writeString(KnownServers.file(), ALPHA + " " + Sha256.hex(FIRST) + "\n");

    assertThatThrownBy(() -> KnownServers.check(URL, ALPHA, FIRST, KnownServers.REFUSE))
        .hasMessageContaining("--accept-certificate");
    KnownServers.accept("opc.tcp://[::1]:4851/x", ALPHA, Sha256.hex(FIRST));

    assertThat(Files.readAllLines(KnownServers.file()))
        .containsExactly(KnownServers.HEADER, "[::1]:4851 " + ALPHA + " " + Sha256.hex(FIRST));
  }

  @Test
  void aBadLineOrFingerprintIsNamed() throws Exception {
    Files.createDirectories(KnownServers.file().getParent());
    Files.writeString(KnownServers.file(), KnownServers.HEADER + "\nhost:1 urn:x nothex\n");

    assertThatThrownBy(() -> KnownServers.check(URL, ALPHA, FIRST, KnownServers.REFUSE))
        .hasMessage(
            KnownServers.file()
                + ": line 2: not HOST:PORT APPLICATION-URI SHA-256 (fix or remove the line)");
    assertThatThrownBy(() -> KnownServers.accepting(Set.of("ab12")))
        .hasMessageContaining("'ab12' is not a SHA-256 fingerprint (64 hex digits)");
    assertThat(KnownServers.normalize("AB:" + "c".repeat(62))).isEqualTo("ab" + "c".repeat(62));
  }
}
