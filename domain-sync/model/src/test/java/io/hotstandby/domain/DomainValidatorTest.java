package io.hotstandby.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainValidatorTest {
  static final Path FILE = Path.of("/etc/hotstandby/demo.dom");

  static ServerSpec server(String name, int tcp, int udp, String... paths) {
    List<RecEndpoint> rec =
        java.util.Arrays.stream(paths)
            .map(p -> new RecEndpoint(p, "10.0.0.1", udp, "10.0.0.1", udp))
            .toList();
    return new ServerSpec(name, "10.0.0.1", tcp, tcp + 1, false, rec);
  }

  static Domain domain(HotStandbySpec hs, ServerSpec... servers) {
    return new Domain(
        FILE, "demo", 1, "00", new byte[] {1}, List.of(servers), hs, List.of(Path.of("/p.prj")));
  }

  static HotStandbySpec hs(String main, String backup) {
    return new HotStandbySpec(
        true, main, backup, 100, 500, List.of(), false, ReturnPolicy.MANUAL, 0, StandbyMode.WARM);
  }

  @Test
  void validDomainHasNoProblems() {
    assertThat(
            DomainValidator.validate(
                domain(
                    hs("a", "b"), server("a", 5701, 7101, "lan"), server("b", 5711, 7111, "lan"))))
        .isEmpty();
  }

  @Test
  void tcpAndUdpMayShareAPortNumber() {
    assertThat(
            DomainValidator.validate(
                domain(
                    hs("a", "b"), server("a", 7000, 7000, "lan"), server("b", 7010, 7010, "lan"))))
        .isEmpty();
  }

  @Test
  void mirrorLagLimitMustBeBetweenTenMillisecondsAndAMinute() {
    ServerSpec a = server("a", 5701, 7101, "lan");
    ServerSpec b = server("b", 5711, 7111, "lan");
    for (int ok : new int[] {10, 1000, 60_000}) {
      assertThat(DomainValidator.validate(domain(withLag(ok), a, b))).isEmpty();
    }
    for (int bad : new int[] {9, 0, -1, 60_001}) {
      assertThat(DomainValidator.validate(domain(withLag(bad), a, b)))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.field()).isEqualTo("hotStandby/@mirrorMaxLagMs");
                assertThat(e.getMessage())
                    .isEqualTo(
                        FILE + ": hotStandby/@mirrorMaxLagMs: " + bad + " is outside 10..60000");
              });
    }
  }

  @Test
  void lossTimeoutCeilingDefaultsToFourTimeoutsAndMayNotBeBelowTheTimeout() {
    ServerSpec a = server("a", 5701, 7101, "lan");
    ServerSpec b = server("b", 5711, 7111, "lan");
    assertThat(withMaxTimeout(0).failoverTimeoutMaxMs()).isEqualTo(2000);
    for (int ok : new int[] {0, 500, 2000, 240_000}) {
      assertThat(DomainValidator.validate(domain(withMaxTimeout(ok), a, b))).isEmpty();
    }
    for (int bad : new int[] {499, -1, 240_001}) {
      assertThat(DomainValidator.validate(domain(withMaxTimeout(bad), a, b)))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.field()).isEqualTo("hotStandby/@failoverTimeoutMaxMs");
                assertThat(e.getMessage())
                    .isEqualTo(
                        FILE
                            + ": hotStandby/@failoverTimeoutMaxMs: "
                            + bad
                            + " is outside 500..240000 (at least failoverTimeoutMs; equal keeps"
                            + " the timeout fixed)");
              });
    }
  }

  private static HotStandbySpec withLag(int mirrorMaxLagMs) {
    return new HotStandbySpec(
        true,
        "a",
        "b",
        100,
        500,
        List.of(),
        false,
        ReturnPolicy.MANUAL,
        0,
        StandbyMode.WARM,
        false,
        mirrorMaxLagMs);
  }

  private static HotStandbySpec withWitness(String witness) {
    return withQuorumAndDetector(witness, 0);
  }

  private static HotStandbySpec withMaxTimeout(int failoverTimeoutMaxMs) {
    return withQuorumAndDetector("", failoverTimeoutMaxMs);
  }

  private static HotStandbySpec withQuorumAndDetector(String witness, int failoverTimeoutMaxMs) {
    HotStandbySpec h = withLag(1000);
    return new HotStandbySpec(
        h.enabled(),
        h.main(),
        h.backup(),
        h.heartbeatMs(),
        h.failoverTimeoutMs(),
        h.integrity(),
        h.activateBackupOnLocalFailure(),
        h.returnToMain(),
        h.returnStableMs(),
        h.standbyMode(),
        h.versionMismatchBlocksTakeover(),
        h.mirrorMaxLagMs(),
        witness,
        failoverTimeoutMaxMs,
        h.probe(),
        h.virtualIp());
  }

  @Test
  void aWitnessIsAThirdDeclaredServerSharingARecPathWithBoth() {
    ServerSpec a = server("a", 5701, 7101, "lan");
    ServerSpec b = server("b", 5711, 7111, "lan");
    ServerSpec w = server("w", 5721, 7121, "lan");
    ServerSpec cableOnly = server("c", 5731, 7131, "cable");
    assertThat(DomainValidator.validate(domain(withWitness("w"), a, b, w))).isEmpty();
    assertThat(DomainValidator.validate(domain(withWitness(""), a, b, w))).isEmpty();

    assertThat(DomainValidator.validate(domain(withWitness("x"), a, b, w)))
        .extracting(DomainFileException::getMessage)
        .containsExactly(FILE + ": hotStandby/@witness: unknown server 'x'");
    assertThat(DomainValidator.validate(domain(withWitness("b"), a, b, w)))
        .extracting(DomainFileException::getMessage)
        .containsExactly(
            FILE
                + ": hotStandby/@witness: 'b' is main or backup; a witness must be a third server");
    assertThat(DomainValidator.validate(domain(withWitness("c"), a, b, cableOnly)))
        .extracting(DomainFileException::getMessage)
        .containsExactly(
            FILE
                + ": hotStandby/@witness: witness 'c' and main 'a' share no REC path (witness:"
                + " [cable], main: [lan])",
            FILE
                + ": hotStandby/@witness: witness 'c' and backup 'b' share no REC path (witness:"
                + " [cable], backup: [lan])");
  }

  @Test
  void reportsEveryProblemNotOnlyTheFirst() {
    Domain d =
        new Domain(
            FILE,
            "",
            0,
            "00",
            new byte[0],
            List.of(server("a", 5701, 7101, "lan"), server("b", 5701, 7101, "cable")),
            new HotStandbySpec(
                true,
                "a",
                "c",
                5,
                5,
                List.of(new IntegrityAddress("plc", 0)),
                false,
                null,
                -1,
                StandbyMode.WARM),
            List.of());

    assertThat(DomainValidator.validate(d))
        .extracting(DomainFileException::field)
        .containsExactly(
            "@name",
            "@version",
            "secret",
            "servers/server[@name='b']/hazelcast/@port",
            "servers/server[@name='b']/opcua/@port",
            "servers/server[@name='b']/rec[@path='cable']/@bindPort",
            "hotStandby/@backup",
            "hotStandby/@heartbeatMs",
            "hotStandby/@failoverTimeoutMs",
            "hotStandby/@returnStableMs",
            "hotStandby/integrity[1]/@port");
    assertThat(DomainValidator.validate(d))
        .allSatisfy(e -> assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("\n"));
  }
}
