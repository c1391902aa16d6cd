package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.admin.client.KnownServers;
import io.hotstandby.opcua.ApplicationPki;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real servers read the plant simulator over SignAndEncrypt, pinning its certificate by the
 * fingerprint read from its PKI folder, with a client key that survives a restart.
 */
class SecureDeviceIT {
  static final String PIN = "PIN-OF-THE-PLANT";
  static TestDomain domain;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    Path project = tmp.resolve("secure.prj");
    Files.writeString(
        project,
        """
        <project name="secure">
          <drivers>
            <driver name="plc" type="opcua" endpoint="opc.tcp://127.0.0.1:4860/plant"
                    securityMode="SignAndEncrypt" certificate="%s" reconnectMaxMs="1000"/>
          </drivers>
          <tags>
            <tag name="Level" driver="plc" type="Double"
                 address="nsu=urn:hotstandby:plant-simulator;s=Tank1.Level"/>
          </tags>
        </project>
        """
            .formatted(PIN));
    domain = TestDomain.builder().name("secdev").project(project).build();
    // The pin is the simulator's own certificate, read from its folder once it has made it.
    domain.plant().start();
    String fingerprint =
        KnownServers.fingerprint(
            ApplicationPki.storedCertificate(domain.root().resolve("plant/pki"))
                .orElseThrow()
                .getEncoded());
    for (ServerProcess s : domain.servers()) {
      Path copy = domain.domainFolderOf(s.name()).resolve("secure.prj");
      Files.writeString(copy, Files.readString(copy).replace(PIN, fingerprint));
      s.start();
    }
    // Whichever role it takes, a (warm) server reads the plant.
    await("alpha listening")
        .atMost(Timing.seconds(90))
        .until(() -> domain.server("alpha").listening());
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  /** Whether the server has a good value of the plant's level; false while it cannot be asked. */
  static boolean reads(ServerProcess s) {
    try {
      AdminClient.TagReading r = s.client().readTag("Level");
      return r.good() && r.value() instanceof Double;
    } catch (AdminClientException e) {
      return false;
    }
  }

  @Test
  void thePinnedPlantIsReadEncryptedWithTheSameClientKeyAfterARestart() throws Exception {
    ServerProcess alpha = domain.server("alpha");
    await("alpha reads the plant").atMost(Timing.seconds(60)).until(() -> reads(alpha));
    assertThat(alpha.lastEvent("driver plc connected")).isNotNull();
    Path key = alpha.dataDir().resolve("opcua-client/plc.pfx");
    byte[] before = Files.readAllBytes(key);
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    alpha.stop();
    alpha.restart();
    await("alpha listening again").atMost(Timing.seconds(90)).until(alpha::listening);
    await("alpha reads the plant again").atMost(Timing.seconds(60)).until(() -> reads(alpha));

    assertThat(Files.readAllBytes(key)).isEqualTo(before);
    assertThat(Files.readString(alpha.dataDir().resolve("events.jsonl")))
        .doesNotContain("presents certificate");
  }
}
