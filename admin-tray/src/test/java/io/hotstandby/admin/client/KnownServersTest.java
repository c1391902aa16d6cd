package io.hotstandby.admin.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownServersTest {
  @TempDir Path dir;
  String before;

  @BeforeEach
  void useATemporaryFile() {
    before = System.getProperty("hotstandby.knownServers");
    System.setProperty("hotstandby.knownServers", dir.resolve("sub/known-servers").toString());
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty("hotstandby.knownServers");
    } else {
      System.setProperty("hotstandby.knownServers", before);
    }
  }

  @Test
  void theFirstCertificateIsRecordedAndOnlyItIsTrustedAfterwards() throws Exception {
    byte[] first = {1, 2, 3};
    byte[] other = {4, 5, 6};

    KnownServers.check("urn:hotstandby:plant:alpha", first, "opc.tcp://a:1/x");
    KnownServers.check("urn:hotstandby:plant:alpha", first, "opc.tcp://a:1/x");
    KnownServers.check("urn:hotstandby:plant:beta", other, "opc.tcp://b:1/x");

    assertThat(Files.readAllLines(KnownServers.file())).hasSize(2);
    assertThatThrownBy(
            () -> KnownServers.check("urn:hotstandby:plant:alpha", other, "opc.tcp://a:1/x"))
        .isInstanceOf(AdminClientException.class)
        .hasMessageContaining("not sending a password to opc.tcp://a:1/x")
        .hasMessageContaining("remove its line from " + KnownServers.file());
  }
}
