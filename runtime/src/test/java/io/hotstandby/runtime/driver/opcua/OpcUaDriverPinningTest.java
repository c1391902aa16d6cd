package io.hotstandby.runtime.driver.opcua;

import static io.hotstandby.runtime.driver.opcua.OpcUaDriverTest.spec;
import static io.hotstandby.runtime.driver.opcua.OpcUaDriverTest.tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.runtime.driver.opcua.OpcUaDriverTest.RecordingSink;
import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's secure connections to a real Milo server: pinned certificates, its own key. */
class OpcUaDriverPinningTest {
  private static final Duration WAIT = Timing.seconds(10);
  private static final String OTHER = "0a".repeat(32);

  @TempDir Path dataDir;
  @AutoClose TestPlcServer plc;
  @AutoClose OpcUaDriver driver;
  private RecordingSink sink;
  private final TagSpec level =
      tag("Tank1.Level", DataType.DOUBLE, "nsu=" + TestPlcServer.NAMESPACE_URI + ";s=Tank1.Level");

  @BeforeEach
  void startThePlc() throws Exception {
    plc = TestPlcServer.startSecure(FreePorts.next());
  }

  /** Starts a driver logging in to the PLC with {@code mode}, pinning {@code pin}. */
  private void startDriver(String mode, String pin) {
    sink = new RecordingSink();
    driver =
        new OpcUaDriver(
            spec(plc.url(), mode, TestPlcServer.USER, TestPlcServer.PASSWORD, pin), dataDir);
    driver.start(List.of(level), sink);
    await().atMost(WAIT).until(() -> !sink.connections.isEmpty());
  }

  @Test
  void thePinnedCertificateConnectsWithSignAndEncrypt() throws Exception {
    startDriver("SignAndEncrypt", plc.fingerprint().toUpperCase());

    assertThat(sink.lastConnection().up()).as(sink.lastConnection().detail()).isTrue();
    assertThat(sink.lastConnection().detail())
        .contains("security SignAndEncrypt/Basic256Sha256, user " + TestPlcServer.USER);
    sink.awaitValue("Tank1.Level", 1.5, Quality.GOOD);
  }

  @Test
  void anotherCertificateIsRefusedWithBothFingerprintsAndNothingIsRead() throws Exception {
    startDriver("SignAndEncrypt", OTHER);

    assertThat(sink.lastConnection().up()).isFalse();
    assertThat(sink.lastConnection().detail())
        .isEqualTo(
            plc.url()
                + " presents certificate SHA-256 "
                + plc.fingerprint()
                + " ("
                + TestPlcServer.APPLICATION_URI
                + "), not the pinned "
                + OTHER
                + ": not connecting; if the PLC's certificate was replaced on purpose, set"
                + " certificate=\""
                + plc.fingerprint()
                + "\" on the driver");
    sink.awaitValue("Tank1.Level", null, Quality.BAD);
    // It keeps trying (0.5 s, 1 s, 2 s ...) and never gets further than the server's certificate.
    await().pollDelay(Timing.seconds(3)).atMost(Timing.seconds(5)).until(() -> !driver.connected());
    assertThat(sink.values).noneMatch(v -> v.quality() == Quality.GOOD);
    assertThat(sink.connections).noneMatch(c -> c.up());
    assertThat(plc.clientCertificates()).isEmpty();
  }

  @Test
  void withoutAPinTheDriverSaysWhichCertificateToPin() throws Exception {
    startDriver("Sign", "");

    assertThat(sink.lastConnection().up()).isFalse();
    assertThat(sink.lastConnection().detail())
        .contains("presents certificate SHA-256 " + plc.fingerprint())
        .contains("the project pins none")
        .endsWith("set certificate=\"" + plc.fingerprint() + "\" on the driver");
    assertThat(plc.clientCertificates()).isEmpty();
  }

  @Test
  void theDriversOwnCertificateIsTheSameAfterARestart() throws Exception {
    for (int run = 0; run < 2; run++) {
      startDriver("Sign", plc.fingerprint());
      sink.awaitValue("Tank1.Level", 1.5, Quality.GOOD);
      driver.close();
    }

    List<X509Certificate> seen = plc.clientCertificates();
    assertThat(seen).isNotEmpty();
    assertThat(seen.stream().distinct()).hasSize(1);
    assertThat(Files.getPosixFilePermissions(dataDir.resolve("plc.pfx")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }
}
