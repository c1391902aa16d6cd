package io.hotstandby.admin.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientPkiTest {
  @TempDir Path home;

  @AfterEach
  void forget() {
    System.clearProperty("hotstandby.clientPki");
  }

  @Test
  void theCertificateIsMadeOnceKeptPrivateAndReused() throws Exception {
    Path dir = home.resolve(".config/hotstandby/client-pki");
    System.setProperty("hotstandby.clientPki", dir.toString());

    ClientPki first = ClientPki.load();
    ClientPki again = ClientPki.load();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    // The key store, under a random password of this workstation's own kept beside it.
    for (String f : List.of("client.pfx", "client.pfx.password")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))))
          .as(f)
          .isEqualTo("rw-------");
    }
    try (var files = Files.list(dir)) {
      assertThat(files)
          .containsExactlyInAnyOrder(dir.resolve("client.pfx"), dir.resolve("client.pfx.password"));
    }
    assertThat(again.certificate()).isEqualTo(first.certificate());
    assertThat(again.keyPair().getPrivate()).isEqualTo(first.keyPair().getPrivate());
    assertThat(CertificateUtil.getSanUri(first.certificate())).contains(ClientPki.APPLICATION_URI);
    first.certificate().checkValidity();
  }
}
