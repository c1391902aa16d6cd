package io.hotstandby.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.host.PrivateFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainFileReaderTest {
  static final String FULL =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <domain name="plant-1" version="42">
        <secret file="keys/plant.secret"/>
        <servers>
          <server name="alpha" host="10.0.0.1" maintenance="true">
            <hazelcast port="5701"/>
            <opcua port="4840"/>
            <rec path="lan" host="10.0.0.1" port="7101"/>
            <rec path="cable" host="192.168.9.1" port="7102" bind="0.0.0.0" bindPort="17102"/>
          </server>
          <server name="beta" host="10.0.0.2">
            <hazelcast port="5701"/>
            <opcua port="4840"/>
            <rec path="lan" port="7101"/>
          </server>
        </servers>
        <hotStandby enabled="true" main="alpha" backup="beta" heartbeatMs="50"
                    failoverTimeoutMs="300" failoverTimeoutMaxMs="900"
                    activateBackupOnLocalFailure="true"
                    returnToMain="automatic" returnStableMs="120000" standbyMode="cold"
                    versionMismatchBlocksTakeover="true" mirrorMaxLagMs="250">
          <integrity host="10.0.1.10" port="502"/>
          <integrity host="10.0.1.11" port="102"/>
        </hotStandby>
        <projects>
          <project file="plant.prj"/>
          <project file="shared/alarms.prj"/>
        </projects>
      </domain>
      """;

  @TempDir Path dir;

  @Test
  void readsEveryField() throws Exception {
    Path file = dir.resolve("conf/plant.dom");
    Files.createDirectories(file.getParent().resolve("keys"));
    Files.setPosixFilePermissions(
        Files.writeString(file.getParent().resolve("keys/plant.secret"), "s3cret-key\n"),
        PrivateFiles.OWNER_FILE);
    Files.writeString(file, FULL);

    Path relative = Path.of("").toAbsolutePath().relativize(file);

    Domain d = DomainFileReader.read(relative);

    assertThat(relative.isAbsolute()).isFalse();
    assertThat(d.file()).isEqualTo(file).isAbsolute();
    assertThat(d.name()).isEqualTo("plant-1");
    assertThat(d.version()).isEqualTo(42);
    assertThat(d.sha256()).isEqualTo(Sha256.hex(Files.readAllBytes(file))).hasSize(64);
    assertThat(new String(d.secret(), StandardCharsets.UTF_8)).isEqualTo("s3cret-key");
    assertThat(d.servers())
        .containsExactly(
            new ServerSpec(
                "alpha",
                "10.0.0.1",
                5701,
                4840,
                true,
                List.of(
                    new RecEndpoint("lan", "10.0.0.1", 7101, "10.0.0.1", 7101),
                    new RecEndpoint("cable", "0.0.0.0", 17102, "192.168.9.1", 7102))),
            new ServerSpec(
                "beta",
                "10.0.0.2",
                5701,
                4840,
                false,
                List.of(new RecEndpoint("lan", "10.0.0.2", 7101, "10.0.0.2", 7101))));
    assertThat(d.hotStandby())
        .isEqualTo(
            new HotStandbySpec(
                true,
                "alpha",
                "beta",
                50,
                300,
                List.of(
                    new IntegrityAddress("10.0.1.10", 502), new IntegrityAddress("10.0.1.11", 102)),
                true,
                ReturnPolicy.AUTOMATIC,
                120_000,
                StandbyMode.COLD,
                true,
                250,
                "",
                900,
                ServiceProbeSpec.OFF,
                VirtualIpSpec.NONE));
    assertThat(d.projects())
        .containsExactly(dir.resolve("conf/plant.prj"), dir.resolve("conf/shared/alarms.prj"));
    assertThat(d.roleOf("beta")).isEqualTo(DomainRole.BACKUP);
  }

  @Test
  void appliesDefaults() throws Exception {
    Path file = dir.resolve("min.dom");
    Files.writeString(
        file,
        """
        <domain name="min" version="1">
          <secret>inline-secret</secret>
          <servers>
            <server name="a" host="h1"><hazelcast port="1"/><opcua port="2"/>
              <rec path="lan" port="3"/></server>
            <server name="b" host="h2"><hazelcast port="1"/><opcua port="2"/>
              <rec path="lan" port="3"/></server>
          </servers>
          <hotStandby main="a" backup="b"/>
        </domain>
        """);

    Domain d = DomainFileReader.read(file);

    assertThat(d.servers().get(0).maintenance()).isFalse();
    assertThat(d.hotStandby())
        .isEqualTo(
            new HotStandbySpec(
                true,
                "a",
                "b",
                100,
                500,
                List.of(),
                false,
                ReturnPolicy.MANUAL,
                60_000,
                StandbyMode.WARM));
    assertThat(d.hotStandby().mirrorMaxLagMs()).isEqualTo(1000);
    assertThat(d.hotStandby().failoverTimeoutMaxMs()).isEqualTo(2000);
    assertThat(d.hotStandby().hasWitness()).isFalse();
    assertThat(d.hotStandby().probe()).isEqualTo(ServiceProbeSpec.OFF);
    assertThat(d.hotStandby().probe().enabled()).isFalse();
    assertThat(d.hotStandby().virtualIp()).isEqualTo(VirtualIpSpec.NONE);
    assertThat(new String(d.secret(), StandardCharsets.UTF_8)).isEqualTo("inline-secret");
    assertThat(d.projects()).isEmpty();
  }

  @Test
  void readsTheQuorumWitness() throws Exception {
    Path file = dir.resolve("witness.dom");
    Files.writeString(
        file,
        """
        <domain name="w" version="1">
          <secret>inline-secret</secret>
          <servers>
            <server name="a" host="h1"><hazelcast port="1"/><opcua port="2"/>
              <rec path="lan" port="3"/></server>
            <server name="b" host="h2"><hazelcast port="1"/><opcua port="2"/>
              <rec path="lan" port="3"/></server>
            <server name="w" host="h3"><hazelcast port="1"/><opcua port="2"/>
              <rec path="lan" port="3"/></server>
          </servers>
          <hotStandby main="a" backup="b" witness="w"/>
        </domain>
        """);

    HotStandbySpec h = DomainFileReader.read(file).hotStandby();

    assertThat(h.witness()).isEqualTo("w");
    assertThat(h.hasWitness()).isTrue();
  }

  @Test
  void readsTheVirtualIpAndEachServersInterface() throws Exception {
    Path file = dir.resolve("vip.dom");
    String servers =
        """
          <secret>inline-secret</secret>
          <servers>
            <server name="a" host="10.0.0.1"><hazelcast port="1"/><opcua port="2"/>
              <rec path="lan" port="3"/></server>
            <server name="b" host="10.0.0.2"><hazelcast port="1"/><opcua port="2"/>
              <rec path="lan" port="3"/></server>
          </servers>
        """;
    Files.writeString(
        file,
        "<domain name=\"v\" version=\"1\">"
            + servers
            + "<hotStandby main=\"a\" backup=\"b\">"
            + "<virtualIp address=\"10.0.0.100/24\" interface=\"eth0\">"
            + "<interface server=\"b\" name=\"ens3\"/></virtualIp></hotStandby></domain>");

    VirtualIpSpec v = DomainFileReader.read(file).hotStandby().virtualIp();

    assertThat(v.enabled()).isTrue();
    assertThat(v.cidr()).isEqualTo("10.0.0.100/24");
    assertThat(v.ipv6()).isFalse();
    assertThat(v.interfaceOf("a")).contains("eth0");
    assertThat(v.interfaceOf("b")).contains("ens3");

    Files.writeString(
        file,
        "<domain name=\"v\" version=\"1\">"
            + servers
            + "<hotStandby main=\"a\" backup=\"b\">"
            + "<virtualIp address=\"fd00:10::100/64\">"
            + "<interface server=\"a\" name=\"eth0\"/><interface server=\"b\" name=\"eth1\"/>"
            + "</virtualIp></hotStandby></domain>");

    v = DomainFileReader.read(file).hotStandby().virtualIp();

    assertThat(v.ipv6()).isTrue();
    assertThat(v.cidr()).isEqualTo("fd00:10::100/64");
    assertThat(v.interfaceOf("b")).contains("eth1");
  }

  @Test
  void singleServerWithoutHotStandbyNeedsNoBackup() throws Exception {
    Path file = dir.resolve("solo.dom");
    Files.writeString(
        file,
        """
        <domain name="solo" version="1">
          <secret>x</secret>
          <servers>
            <server name="a" host="h1"><hazelcast port="1"/><opcua port="2"/>
              <rec path="lan" port="3"/></server>
          </servers>
          <hotStandby enabled="false" main="a"/>
        </domain>
        """);

    Domain d = DomainFileReader.read(file);

    assertThat(d.hotStandby().enabled()).isFalse();
    assertThat(d.hotStandby().backup()).isNull();
    assertThat(d.roleOf("a")).isEqualTo(DomainRole.MAIN);
  }

  @Test
  void parsesBytesNotYetOnDisk() throws Exception {
    Path file = dir.resolve("conf/next.dom");
    Files.createDirectories(file.getParent().resolve("keys"));
    Files.setPosixFilePermissions(
        Files.writeString(file.getParent().resolve("keys/plant.secret"), "k"),
        PrivateFiles.OWNER_FILE);
    byte[] content = FULL.getBytes(StandardCharsets.UTF_8);

    Domain d = DomainFileReader.parse(file, content);

    assertThat(Files.exists(file)).isFalse();
    assertThat(d.sha256()).isEqualTo(Sha256.hex(content));
    assertThat(d.projects()).first().isEqualTo(dir.resolve("conf/plant.prj"));
  }

  @Test
  void aWorkstationReadsTheServersWithoutTheSecretOrItsFile() throws Exception {
    Path file = dir.resolve("conf/plant.dom");
    Files.createDirectories(file.getParent());
    Files.writeString(file, FULL);

    Domain d = DomainFileReader.readWithoutSecret(file);

    assertThat(d.secret()).isEmpty();
    assertThat(d.servers()).extracting(ServerSpec::name).containsExactly("alpha", "beta");
    assertThatThrownBy(() -> DomainFileReader.read(file))
        .isInstanceOf(DomainFileException.class)
        .hasMessageContaining("secret/@file")
        .hasMessageContaining("not found");
    // Everything else is still checked.
    Files.writeString(file, FULL.replace("main=\"alpha\"", "main=\"nobody\""));
    assertThatThrownBy(() -> DomainFileReader.readWithoutSecret(file))
        .isInstanceOf(DomainFileException.class)
        .hasMessageContaining("nobody");
  }

  @Test
  void anonymousReadingIsOffUnlessTheDomainSaysSo() throws Exception {
    Path file = dir.resolve("conf/next.dom");
    Files.createDirectories(file.getParent().resolve("keys"));
    Files.setPosixFilePermissions(
        Files.writeString(file.getParent().resolve("keys/plant.secret"), "k"),
        PrivateFiles.OWNER_FILE);

    Domain without = DomainFileReader.parse(file, FULL.getBytes(StandardCharsets.UTF_8));
    Domain with =
        DomainFileReader.parse(
            file,
            FULL.replace("</domain>", "<security anonymousRead=\"true\"/></domain>")
                .getBytes(StandardCharsets.UTF_8));

    assertThat(without.security()).isEqualTo(SecuritySpec.DEFAULT);
    assertThat(without.security().anonymousRead()).isFalse();
    assertThat(with.security().anonymousRead()).isTrue();
  }

  @Test
  void anHttpEndpointIsOffUnlessDeclaredAndBindsToTheHostByDefault() throws Exception {
    Path file = dir.resolve("conf/http.dom");
    Files.createDirectories(file.getParent().resolve("keys"));
    Files.setPosixFilePermissions(
        Files.writeString(file.getParent().resolve("keys/plant.secret"), "k"),
        PrivateFiles.OWNER_FILE);
    String withHttp = FULL.replaceFirst("(<opcua port=\"\\d+\"/>)", "$1<http port=\"8081\"/>");

    Domain without = DomainFileReader.parse(file, FULL.getBytes(StandardCharsets.UTF_8));
    Domain with = DomainFileReader.parse(file, withHttp.getBytes(StandardCharsets.UTF_8));
    Domain bound =
        DomainFileReader.parse(
            file,
            withHttp
                .replace("<http port=\"8081\"/>", "<http port=\"8081\" bind=\"0.0.0.0\"/>")
                .getBytes(StandardCharsets.UTF_8));

    assertThat(without.servers()).allMatch(s -> s.http().isEmpty());
    ServerSpec first = with.servers().get(0);
    assertThat(first.http()).contains(new HttpSpec(first.host(), 8081));
    assertThat(with.servers().get(1).http()).isEmpty();
    assertThat(bound.servers().get(0).http()).contains(new HttpSpec("0.0.0.0", 8081));
  }

  @Test
  void missingFileIsReported() {
    Path file = dir.resolve("nope.dom");
    assertThatThrownBy(() -> DomainFileReader.read(file))
        .isInstanceOf(DomainFileException.class)
        .hasMessage(file + ": file: not found");
  }

  @Test
  void sha256OfKnownInput() {
    assertThat(Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
