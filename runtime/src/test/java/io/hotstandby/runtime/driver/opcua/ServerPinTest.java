package io.hotstandby.runtime.driver.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.domain.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerPinTest {
  private static final String URL = "opc.tcp://10.0.0.5:4840/plc";
  private static final byte[] DER = {1, 2, 3};
  private static final String FINGERPRINT = Sha256.hex(DER);

  @TempDir Path dir;

  @Test
  void thePinnedFingerprintPassesInAnyCaseAndWithColons() {
    String colons = FINGERPRINT.toUpperCase().replaceAll("(..)(?!$)", "$1:");

    assertThatCode(() -> new ServerPin(URL, colons).check("urn:plc", DER))
        .doesNotThrowAnyException();
  }

  @Test
  void anotherOrNoPinIsRefusedNamingTheEndpointAndTheFingerprints() {
    assertThatThrownBy(() -> new ServerPin(URL, "ab".repeat(32)).check("urn:plc", DER))
        .isInstanceOf(PlcEndpoints.Refused.class)
        .hasMessageStartingWith(URL + " presents certificate SHA-256 " + FINGERPRINT + " (urn:plc)")
        .hasMessageContaining("not the pinned " + "ab".repeat(32))
        .hasMessageEndingWith("set certificate=\"" + FINGERPRINT + "\" on the driver");
    assertThatThrownBy(() -> new ServerPin(URL, "").check("", DER))
        .hasMessage(
            URL
                + " presents certificate SHA-256 "
                + FINGERPRINT
                + " and the project pins none: not connecting; if that is the PLC's certificate,"
                + " set certificate=\""
                + FINGERPRINT
                + "\" on the driver");
  }

  @Test
  void theSecureChannelsCertificateIsCheckedToo() throws Exception {
    X509Certificate offered = ClientIdentity.load(null, "plc", "urn:plc").certificate();
    X509Certificate other = ClientIdentity.load(null, "plc", "urn:plc").certificate();
    ServerPin pin = new ServerPin(URL, Sha256.hex(offered.getEncoded()));

    pin.validator().validateCertificateChain(List.of(offered), "urn:plc", new String[0]);
    assertThat(pin.refusal()).isNull();
    assertThatThrownBy(
            () -> pin.validator().validateCertificateChain(List.of(other), "urn:plc", null))
        .isInstanceOf(UaException.class);
    assertThat(pin.refusal()).contains(Sha256.hex(other.getEncoded()), "not the pinned");
  }

  @Test
  void theClientIdentityIsStoredOwnerOnlyAndReadBack() throws Exception {
    Path folder = dir.resolve("opcua-client");

    ClientIdentity first = ClientIdentity.load(folder, "plc", "urn:hotstandby:runtime:opcua:plc");
    ClientIdentity again = ClientIdentity.load(folder, "plc", "urn:hotstandby:runtime:opcua:plc");

    assertThat(again.certificate()).isEqualTo(first.certificate());
    assertThat(again.keyPair().getPrivate()).isEqualTo(first.keyPair().getPrivate());
    assertThat(Files.getPosixFilePermissions(folder))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(folder.resolve("plc.pfx")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    Files.write(folder.resolve("plc.pfx"), new byte[] {0});
    assertThatThrownBy(() -> ClientIdentity.load(folder, "plc", "urn:x"))
        .hasMessageStartingWith(
            folder.resolve("plc.pfx") + ": cannot read the driver's client certificate");
  }
}
