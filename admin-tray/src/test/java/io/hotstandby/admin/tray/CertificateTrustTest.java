package io.hotstandby.admin.tray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.admin.client.KnownServers;
import io.hotstandby.admin.client.TemporaryKnownServers;
import io.hotstandby.domain.Sha256;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tray's confirmation with a scripted operator instead of the Swing dialog. */
class CertificateTrustTest {
  private static final String URL = "opc.tcp://plant-a:4851/hotstandby";
  private static final String URI = "urn:hotstandby:plant:alpha";
  private static final byte[] CERTIFICATE = {1, 2, 3};
  private static final String FINGERPRINT = Sha256.hex(CERTIFICATE);

  @RegisterExtension final TemporaryKnownServers known = new TemporaryKnownServers();
  final List<String> asked = new ArrayList<>();
  boolean answer;
  final CertificateTrust trust =
      new CertificateTrust(
          (title, message) -> {
            asked.add(title + ": " + message);
            return answer;
          });

  @Test
  void theOperatorIsShownTheFingerprintAndYesRecordsIt() throws Exception {
    answer = true;

    KnownServers.check(URL, URI, CERTIFICATE, trust);
    KnownServers.check(URL, URI, CERTIFICATE, trust);

    assertThat(asked)
        .singleElement()
        .asString()
        .startsWith("Unknown server certificate: The server at " + URL + "\n(" + URI + ")")
        .contains(FINGERPRINT.substring(0, 4) + " " + FINGERPRINT.substring(4, 8))
        .contains(FINGERPRINT.substring(60));
    assertThat(Files.readString(KnownServers.file())).contains(FINGERPRINT);
  }

  @Test
  void noRefusesAndIsNotAskedAgain() {
    answer = false;

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> KnownServers.check(URL, URI, CERTIFICATE, trust))
          .isInstanceOf(AdminClientException.class)
          .hasMessageContaining("presents certificate SHA-256 " + FINGERPRINT);
    }
    assertThat(asked).hasSize(1);
    assertThat(KnownServers.file()).doesNotExist();
  }

  @Test
  void aChangedCertificateIsRefusedWithoutAsking() throws Exception {
    answer = true;
    KnownServers.accept(URL, URI, Sha256.hex(new byte[] {9}));

    assertThatThrownBy(() -> KnownServers.check(URL, URI, CERTIFICATE, trust))
        .hasMessageContaining(FINGERPRINT)
        .hasMessageContaining(Sha256.hex(new byte[] {9}));
    assertThat(asked).isEmpty();
  }

  @Test
  void withoutADisplayTheRefusalIsTheOneLineOfDomainctl() {
    assertThatThrownBy(() -> KnownServers.check(URL, URI, CERTIFICATE, new CertificateTrust(null)))
        .hasMessage(
            URL
                + " presents certificate SHA-256 "
                + FINGERPRINT
                + " ("
                + URI
                + "); if that is the server's, run again with --accept-certificate "
                + FINGERPRINT);
  }

  @Test
  void theFingerprintIsShownInTwoLinesOfGroupsOfFour() {
    assertThat(CertificateTrust.grouped("0123456789abcdef".repeat(4)))
        .isEqualTo(
            "0123 4567 89ab cdef 0123 4567 89ab cdef\n0123 4567 89ab cdef 0123 4567 89ab cdef");
  }
}
