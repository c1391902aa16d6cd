package io.hotstandby.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.host.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKI folder on the host: private, with a key store password of the installation's own. */
class ApplicationPkiTest {
  static final String URI = "urn:test:pki";

  @TempDir Path tmp;

  static ApplicationPki open(Path dir) throws Exception {
    return ApplicationPki.open(dir, URI, "pki test", Set.of("127.0.0.1"));
  }

  @Test
  void aNewFolderIsOwnerOnlyAndItsStoreHasARandomPassword() throws Exception {
    Path dir = tmp.resolve("a/pki");
    try (ApplicationPki pki = open(dir)) {
      assertThat(pki.certificate()).isNotNull();
    }
    Path store = dir.resolve("application.pfx");
    Path password = dir.resolve("application.pfx.password");

    assertThat(mode(dir)).isEqualTo("0700");
    assertThat(mode(store)).isEqualTo("0600");
    assertThat(mode(password)).isEqualTo("0600");
    assertThat(KeyStorePassword.opens(store, KeyStorePassword.LEGACY)).isFalse();
    assertThat(KeyStorePassword.opens(store, Files.readString(password).strip().toCharArray()))
        .isTrue();
    // Another installation has another password.
    Path other = tmp.resolve("b/pki");
    open(other).close();
    assertThat(Files.readString(other.resolve("application.pfx.password")))
        .isNotEqualTo(Files.readString(password));
  }

  @Test
  void theCertificateIsKeptAcrossStarts() throws Exception {
    Path dir = tmp.resolve("pki");
    byte[] first;
    try (ApplicationPki pki = open(dir)) {
      first = pki.certificate().getEncoded();
    }
    try (ApplicationPki pki = open(dir)) {
      assertThat(pki.certificate().getEncoded()).isEqualTo(first);
    }
  }

  @Test
  void aCertificateThatDoesNotNameAVirtualAddressIsReplacedOnce() throws Exception {
    Path dir = tmp.resolve("pki");
    byte[] first;
    try (ApplicationPki pki = open(dir)) {
      first = pki.certificate().getEncoded();
      assertThat(ApplicationPki.unnamed(pki.certificate(), Set.of("fd00::100"))).hasSize(1);
    }
    byte[] second;
    try (ApplicationPki pki = withVirtual(dir, "fd00:0:0::100")) {
      second = pki.certificate().getEncoded();
      assertThat(second).isNotEqualTo(first);
      assertThat(ApplicationPki.unnamed(pki.certificate(), Set.of("127.0.0.1", "fd00::100")))
          .as("names its own address and the virtual one, however written")
          .isEmpty();
    }
    try (ApplicationPki pki = withVirtual(dir, "fd00::100")) {
      assertThat(pki.certificate().getEncoded()).as("kept from then on").isEqualTo(second);
    }
  }

  static ApplicationPki withVirtual(Path dir, String address) throws Exception {
    return ApplicationPki.open(dir, URI, "pki test", Set.of("127.0.0.1"), null, Set.of(address));
  }

  @Test
  void aStoreUnderTheFormerBuiltInPasswordIsReencryptedKeepingItsCertificate() throws Exception {
    Path dir = tmp.resolve("pki");
    byte[] first;
    try (ApplicationPki pki = open(dir)) {
      first = pki.certificate().getEncoded();
    }
    // What an earlier version left: the store under the constant, no password file.
    Path store = dir.resolve("application.pfx");
    Path password = dir.resolve("application.pfx.password");
    KeyStorePassword.reencrypt(
        store, Files.readString(password).strip().toCharArray(), KeyStorePassword.LEGACY);
    Files.delete(password);

    try (ApplicationPki pki = open(dir)) {
      assertThat(pki.certificate().getEncoded()).isEqualTo(first);
    }
    assertThat(mode(password)).isEqualTo("0600");
    assertThat(KeyStorePassword.opens(store, KeyStorePassword.LEGACY)).isFalse();
  }

  @Test
  void looseFolderAndStoreAreTightened() throws Exception {
    Path dir = tmp.resolve("pki");
    open(dir).close();
    Path store = dir.resolve("application.pfx");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r--r--"));

    open(dir).close();

    assertThat(mode(dir)).isEqualTo("0700");
    assertThat(mode(store)).isEqualTo("0600");
  }

  @Test
  void aStoreWhosePasswordIsLostIsReportedWithTheWayOut() throws Exception {
    Path dir = tmp.resolve("pki");
    open(dir).close();
    Files.writeString(dir.resolve("application.pfx.password"), "not-it\n");

    assertThatThrownBy(() -> open(dir))
        .hasMessageContaining("does not open with the password in")
        .hasMessageContaining("remove both to make a new certificate");
  }

  static String mode(Path p) throws Exception {
    return PrivateFiles.mode(Files.getPosixFilePermissions(p));
  }
}
