package io.hotstandby.runtime.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectFileReaderTest {
  @TempDir Path dir;

  static Path resource(String name) throws URISyntaxException {
    return Path.of(ProjectFileReaderTest.class.getResource("/projects/" + name).toURI());
  }

  @Test
  void readsEveryField() throws Exception {
    Path file = resource("full.prj");

    Project p = ProjectFileReader.read(file);

    assertThat(p.file()).isEqualTo(file.toAbsolutePath().normalize()).isAbsolute();
    assertThat(p.name()).isEqualTo("plant");
    assertThat(p.drivers())
        .containsExactly(
            new DriverSpec.Simulation("sim"),
            new DriverSpec.OpcUa(
                "plc",
                "opc.tcp://127.0.0.1:4860/plant",
                200,
                20,
                "SignAndEncrypt",
                "operator",
                "s3cret",
                "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
                250,
                5000,
                40),
            // The password is the first line of secrets/rtu.password beside the project.
            new DriverSpec.OpcUa(
                "rtu",
                "opc.tcp://10.0.0.7:4840",
                100,
                50,
                "None",
                "reader",
                "rtu pass phrase",
                "",
                500,
                10_000,
                50));
    assertThat(p.tags())
        .containsExactly(
            new TagSpec(
                "Tank1.Level",
                DataType.DOUBLE,
                "plc",
                "ns=2;s=Tank1.Level",
                "m",
                100,
                0.01,
                false,
                null,
                false),
            new TagSpec("Tank1.Setpoint", DataType.DOUBLE, null, null, "", 0, 0, true, "2.5", true),
            new TagSpec(
                "Tank1.Inlet.Open",
                DataType.BOOLEAN,
                "rtu",
                "nsu=urn:plant:rtu;i=1001",
                "",
                0,
                0,
                true,
                null,
                false),
            new TagSpec(
                "Tank1.Inlet.Valve-2.Position",
                DataType.INT32,
                "rtu",
                "ns=3;s=Inlet.V2",
                "%",
                0,
                0,
                false,
                null,
                false),
            new TagSpec(
                "Pump1.Fault",
                DataType.BOOLEAN,
                "plc",
                "ns=2;s=Pump1.Fault",
                "",
                0,
                0,
                false,
                null,
                false),
            new TagSpec(
                "Pump1.Starts",
                DataType.INT64,
                "sim",
                "counter:step=1",
                "",
                0,
                0,
                false,
                null,
                false),
            new TagSpec("Pump1.Mode", DataType.STRING, null, null, "", 0, 0, false, "AUTO", false),
            new TagSpec(
                "Wave",
                DataType.DOUBLE,
                "sim",
                "sine:period=10s,amplitude=1,offset=0",
                "",
                0,
                0,
                false,
                null,
                false),
            new TagSpec("Note", DataType.STRING, null, null, "", 0, 0, false, null, false));
    assertThat(p.alarms())
        .containsExactly(
            new AlarmSpec.Analog(
                "Tank1.LevelLimits", "Tank1.Level", 0.2, 0.5, 4.0, 4.5, 0.05, 700, "Tank 1 level"),
            new AlarmSpec.Digital("Pump1.Fault", "Pump1.Fault", true, 800, "Pump 1 fault"),
            new AlarmSpec.Analog("WaveHigh", "Wave", null, null, 0.9, null, 0, 100, "Wave high"),
            new AlarmSpec.Digital("Inlet.Closed", "Tank1.Inlet.Open", false, 1000, "Inlet closed"));
    assertThat(p.tag("Tank1.Inlet.Open")).isPresent();
    assertThat(p.driver("rtu")).isPresent();
  }

  @Test
  void relativePathBecomesAbsolute() throws Exception {
    Path file = dir.resolve("sub/mini.prj");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "<project name=\"mini\"/>");
    Path relative = Path.of("").toAbsolutePath().relativize(file);

    Project p = ProjectFileReader.read(relative);

    assertThat(p.file()).isEqualTo(file).isAbsolute();
    assertThat(p.drivers()).isEmpty();
    assertThat(p.tags()).isEmpty();
    assertThat(p.alarms()).isEmpty();
  }

  @Test
  void parseNeedsNoFile() throws Exception {
    Path file = dir.resolve("not-yet.prj");
    byte[] content =
        "<project name=\"p\"><tags><tag name=\"A\" type=\"Int32\" initial=\"-7\"/></tags></project>"
            .getBytes(StandardCharsets.UTF_8);

    Project p = ProjectFileReader.parse(file, content);

    assertThat(Files.exists(file)).isFalse();
    assertThat(p.tags()).extracting(TagSpec::path).containsExactly("A");
  }

  @Test
  void missingFileIsNamed() {
    Path file = dir.resolve("missing.prj");
    assertThatThrownBy(() -> ProjectFileReader.read(file))
        .isInstanceOf(ProjectFileException.class)
        .hasMessage(file + ": file: not found");
  }

  @Test
  void doctypeIsRejectedBeforeAnythingIsFetched() throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "do not read");
    Path file = dir.resolve("evil.prj");
    Files.writeString(
        file,
        "<?xml version=\"1.0\"?>\n<!DOCTYPE project [<!ENTITY x SYSTEM \""
            + secret.toUri()
            + "\">]>\n<project name=\"&x;\"/>");

    assertThatThrownBy(() -> ProjectFileReader.read(file))
        .isInstanceOfSatisfying(
            ProjectFileException.class,
            e -> {
              assertThat(e.field()).isEqualTo("xml");
              assertThat(e.problem()).contains("DOCTYPE is disallowed");
              assertThat(e.getMessage()).doesNotContain("do not read").doesNotContain("\n");
            });
  }

  @Test
  void anAlarmMayWatchATagAnotherProjectDeclares() throws Exception {
    Path file = dir.resolve("alarms.prj");
    Files.writeString(
        file,
        """
        <project name="alarms">
          <alarms>
            <analog name="Tank1.High" tag="Tank1.Level" hi="4" severity="500" message="high"/>
          </alarms>
        </project>
        """);

    Project p = ProjectFileReader.read(file);

    assertThat(p.alarms()).extracting(AlarmSpec::tag).containsExactly("Tank1.Level");
    assertThat(ProjectValidator.validate(p))
        .extracting(ProjectFileException::getMessage)
        .containsExactly(
            file + ": alarms/analog[@name='Tank1.High']/@tag: unknown tag 'Tank1.Level'");
  }
}
