package io.hotstandby.runtime.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each row edits a valid project file into a broken one and names the exact field and problem the
 * reader must report.
 */
class ProjectMalformedFileTest {
  static final String VALID =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <project name="plant">
        <drivers>
          <driver name="sim" type="simulation"/>
          <driver name="plc" type="opcua" endpoint="opc.tcp://127.0.0.1:4860/plant"
                  publishingMs="100" samplingMs="50" securityMode="None"
                  reconnectMinMs="500" reconnectMaxMs="10000" failureWeight="50"/>
        </drivers>
        <tags>
          <folder name="Tank1">
            <tag name="Level" driver="plc" address="ns=2;s=Tank1.Level" type="Double" unit="m"
                 samplingMs="100" deadband="0.01" writable="false"/>
            <tag name="Setpoint" type="Double" initial="2.5" writable="true" retentive="true"/>
            <folder name="Inlet">
              <tag name="Open" driver="plc" address="ns=2;s=Tank1.InletOpen" type="Boolean"/>
            </folder>
          </folder>
          <folder name="Pump1">
            <tag name="Fault" driver="plc" address="ns=2;s=Pump1.Fault" type="Boolean"/>
            <tag name="Mode" type="String" initial="AUTO"/>
            <tag name="Starts" type="Int32" initial="0"/>
          </folder>
          <tag name="Wave" driver="sim" address="sine:period=10s,amplitude=1,offset=0" type="Double"/>
        </tags>
        <alarms>
          <analog name="Tank1.LevelLimits" tag="Tank1.Level" loLo="0.2" lo="0.5" hi="4.0" hiHi="4.5"
                  deadband="0.05" severity="700" message="Tank 1 level"/>
          <digital name="Pump1.Fault" tag="Pump1.Fault" activeWhen="true" severity="800"
                   message="Pump 1 fault"/>
        </alarms>
      </project>
      """;

  static final String PLC = "drivers/driver[@name='plc']";
  static final String LEVEL = "tags/folder[@name='Tank1']/tag[@name='Level']";
  static final String SETPOINT = "tags/folder[@name='Tank1']/tag[@name='Setpoint']";
  static final String WAVE = "tags/tag[@name='Wave']";
  static final String LIMITS = "alarms/analog[@name='Tank1.LevelLimits']";
  static final String FAULT = "alarms/digital[@name='Pump1.Fault']";

  @TempDir Path dir;
  Path file;

  @BeforeEach
  void setUp() {
    file = dir.resolve("plant.prj");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        // XML and structure
        row(
            "xml",
            "line 32, column 1: XML document structures must start and end within the same"
                + " entity.",
            "</project>",
            ""),
        row(
            "xml",
            "line 2, column 10: DOCTYPE is disallowed when the feature"
                + " \"http://apache.org/xml/features/disallow-doctype-decl\" set to true.",
            "<project name",
            "<!DOCTYPE project []><project name"),
        row(
            "projekt",
            "root element must be <project>",
            "<project name",
            "<projekt name",
            "</project>",
            "</projekt>"),
        row(
            "@version",
            "unknown attribute (allowed: name)",
            "name=\"plant\"",
            "name=\"plant\" version=\"1\""),
        row("@name", "required attribute missing", " name=\"plant\"", ""),
        row(
            "@name",
            "'my plant' is not a simple name (up to 64 letters, digits, '_', '.', '-',"
                + " starting with a letter or digit)",
            "name=\"plant\"",
            "name=\"my plant\""),
        row(
            "tag",
            "unknown element (allowed: alarms, drivers, tags)",
            "<drivers>",
            "<tag name=\"X\" type=\"Double\"/><drivers>"),
        row("tags", "element may appear only once, found 2", "<alarms>", "<tags/><alarms>"),
        row("tags", "unexpected text", "<tags>", "<tags>Level"),
        // drivers
        row(
            "drivers/driver[@name='sim']/@type",
            "unknown driver type 'modbus' (allowed: opcua, simulation)",
            "type=\"simulation\"",
            "type=\"modbus\""),
        row(
            "drivers/driver[@name='sim']/@type",
            "required attribute missing",
            " type=\"simulation\"",
            ""),
        row(
            "drivers/driver[@name='sim']/@endpoint",
            "unknown attribute (allowed: name, type)",
            "type=\"simulation\"",
            "type=\"simulation\" endpoint=\"opc.tcp://x\""),
        row(
            PLC + "/@publishMs",
            "unknown attribute (allowed: certificate, endpoint, failureWeight, name, password,"
                + " passwordFile, publishingMs, reconnectMaxMs, reconnectMinMs, samplingMs,"
                + " securityMode, type, user)",
            "publishingMs=",
            "publishMs="),
        row(
            "drivers/driver[2]/@name",
            "duplicate driver name 'sim'",
            "name=\"plc\"",
            "name=\"sim\"",
            "driver=\"plc\" address=\"ns=2;s=Tank1.Level\"",
            "driver=\"sim\" address=\"ramp\""),
        row(
            "drivers/driver[@name='plc 1']/@name",
            "'plc 1' is not a valid name (1-64 letters, digits, '_' or '-'; no dots or spaces)",
            "name=\"plc\"",
            "name=\"plc 1\""),
        row(
            PLC + "/@endpoint",
            "must start with opc.tcp://, not 'http://127.0.0.1:4860/plant'",
            "opc.tcp://127",
            "http://127"),
        row(
            PLC + "/@endpoint",
            "required attribute missing",
            "endpoint=\"opc.tcp://127.0.0.1:4860/plant\"",
            ""),
        row(
            PLC + "/@securityMode",
            "must be None, Sign or SignAndEncrypt, not 'Basic256'",
            "securityMode=\"None\"",
            "securityMode=\"Basic256\""),
        row(
            PLC + "/@reconnectMaxMs",
            "400 is below reconnectMinMs 500",
            "reconnectMaxMs=\"10000\"",
            "reconnectMaxMs=\"400\""),
        row(
            PLC + "/@publishingMs",
            "not a whole number: '1s'",
            "publishingMs=\"100\"",
            "publishingMs=\"1s\""),
        row(
            PLC + "/@publishingMs",
            "0 is outside 1..3600000",
            "publishingMs=\"100\"",
            "publishingMs=\"0\""),
        row(
            PLC + "/@failureWeight",
            "number out of range: '99999999999'",
            "failureWeight=\"50\"",
            "failureWeight=\"99999999999\""),
        row(
            PLC + "/@failureWeight",
            "101 is outside 0..100",
            "failureWeight=\"50\"",
            "failureWeight=\"101\""),
        row(
            PLC + "/@password",
            "a password needs a @user",
            "securityMode=\"None\"",
            "securityMode=\"None\" password=\"x\""),
        row(
            PLC + "/@passwordFile",
            "/nonexistent/plc.password does not exist",
            "securityMode=\"None\"",
            "securityMode=\"None\" user=\"op\" passwordFile=\"/nonexistent/plc.password\""),
        row(
            PLC + "/@passwordFile",
            "give either @password or @passwordFile, not both",
            "securityMode=\"None\"",
            "securityMode=\"None\" user=\"op\" password=\"x\" passwordFile=\"p\""),
        row(
            PLC + "/@passwordFile",
            "a password needs a @user",
            "securityMode=\"None\"",
            "securityMode=\"None\" passwordFile=\"p\""),
        row(
            PLC + "/@certificate",
            "'ab12' is not a SHA-256 fingerprint (64 hex digits, colons allowed)",
            "securityMode=\"None\"",
            "securityMode=\"Sign\" certificate=\"AB:12\""),
        row(
            PLC + "/@certificate",
            "a pinned certificate needs securityMode Sign or SignAndEncrypt (None uses none)",
            "securityMode=\"None\"",
            "securityMode=\"None\" certificate=\"" + "0a".repeat(32) + "\""),
        // tags
        row(
            LEVEL + "/@type",
            "unknown type 'Float' (allowed: Boolean, Int32, Int64, Double, String)",
            "type=\"Double\" unit=\"m\"",
            "type=\"Float\" unit=\"m\""),
        row(
            LEVEL + "/@type",
            "required attribute missing",
            " type=\"Double\" unit=\"m\"",
            " unit=\"m\""),
        row(
            LEVEL + "/@adress",
            "unknown attribute (allowed: address, deadband, driver, initial, name, retentive,"
                + " samplingMs, type, unit, writable)",
            "address=\"ns=2;s=Tank1.Level\"",
            "adress=\"ns=2;s=Tank1.Level\""),
        row(
            "tags/folder[@name='Tank1']/tag[@name='Le vel']/@name",
            "'Le vel' is not a valid name (1-64 letters, digits, '_' or '-'; no dots or spaces)",
            "name=\"Level\"",
            "name=\"Le vel\"",
            "tag=\"Tank1.Level\"",
            "tag=\"Tank1.Le vel\""),
        row(
            "tags/folder[@name='Tank.1']/@name",
            "'Tank.1' is not a valid name (1-64 letters, digits, '_' or '-'; no dots or spaces)",
            "<folder name=\"Tank1\">",
            "<folder name=\"Tank.1\">"),
        row(
            "tags/folder[@name='Tank1']/tag[2]/@name",
            "'Level' is already used by tags/folder[@name='Tank1']/tag[1]",
            "name=\"Setpoint\"",
            "name=\"Level\""),
        row(
            "tags/folder[@name='Tank1']/folder[1]/@name",
            "'Level' is already used by tags/folder[@name='Tank1']/tag[1]",
            "<folder name=\"Inlet\">",
            "<folder name=\"Level\">"),
        row(
            "tags/folder[2]/@name",
            "required attribute missing",
            "<folder name=\"Pump1\">",
            "<folder>"),
        row(
            "tags/folder[@name='Tank1']/group",
            "unknown element (allowed: folder, tag)",
            "<folder name=\"Inlet\">",
            "<group/><folder name=\"Inlet\">"),
        row(
            LEVEL + "/@driver",
            "unknown driver 'plcc'",
            "driver=\"plc\" address=\"ns=2;s=Tank1.Level\"",
            "driver=\"plcc\" address=\"ns=2;s=Tank1.Level\""),
        row(
            LEVEL + "/@address",
            "required attribute missing: a tag of driver 'plc' needs an address",
            " address=\"ns=2;s=Tank1.Level\"",
            ""),
        row(
            LEVEL + "/@address",
            "not a NodeId: 'Tank1.Level' (e.g. ns=2;s=Tank1.Level, nsu=urn:plant;i=1001)",
            "address=\"ns=2;s=Tank1.Level\"",
            "address=\"Tank1.Level\""),
        row(
            WAVE + "/@address",
            "unknown signal 'sin' (allowed: counter, ramp, random, sine, square)",
            "address=\"sine:",
            "address=\"sin:"),
        row(
            WAVE + "/@address",
            "period: '10' needs a unit (ms, s, min, h)",
            "period=10s",
            "period=10"),
        row(
            WAVE + "/@address",
            "sine takes no 'max' (allowed: amplitude, offset, period)",
            "offset=0\"",
            "offset=0,max=3\""),
        row(
            SETPOINT + "/@initial",
            "not a Double value: not a number: 'high'",
            "initial=\"2.5\"",
            "initial=\"high\""),
        row(
            "tags/folder[@name='Pump1']/tag[@name='Starts']/@initial",
            "not a Int32 value: out of range for Int32: '3000000000'",
            "initial=\"0\"",
            "initial=\"3000000000\""),
        row(
            SETPOINT + "/@address",
            "a memory tag (one without @driver) has no address",
            "initial=\"2.5\"",
            "initial=\"2.5\" address=\"ns=2;s=X\""),
        row(
            LEVEL + "/@initial",
            "only a memory tag (one without @driver) has an initial value",
            "unit=\"m\"",
            "unit=\"m\" initial=\"1\""),
        row(
            LEVEL + "/@deadband",
            "must be a number >= 0, not -0.01",
            "deadband=\"0.01\"",
            "deadband=\"-0.01\""),
        row(LEVEL + "/@deadband", "not a number: 'NaN'", "deadband=\"0.01\"", "deadband=\"NaN\""),
        row(
            "tags/folder[@name='Pump1']/tag[@name='Mode']/@deadband",
            "applies only to numeric tags (Int32, Int64, Double); this tag is String",
            "initial=\"AUTO\"",
            "initial=\"AUTO\" deadband=\"1\""),
        row(
            LEVEL + "/@writable",
            "not true or false: 'no'",
            "writable=\"false\"",
            "writable=\"no\""),
        row(
            LEVEL + "/@samplingMs",
            "-1 is outside 0..3600000",
            "samplingMs=\"100\" deadband",
            "samplingMs=\"-1\" deadband"),
        // alarms
        row(
            "alarms/event",
            "unknown element (allowed: analog, digital)",
            "</alarms>",
            "<event name=\"E\"/></alarms>"),
        row(
            "alarms/digital[2]/@name",
            "duplicate alarm name 'Pump1.Fault'",
            "</alarms>",
            "<digital name=\"Pump1.Fault\" tag=\"Tank1.Inlet.Open\" severity=\"1\" message=\"m\"/>"
                + "</alarms>"),
        row(
            "alarms/digital[@name='Pump 1.Fault']/@name",
            "'Pump 1.Fault' is not a valid alarm name (names of 1-64 letters, digits, '_' or '-',"
                + " joined by '.'; no spaces)",
            "name=\"Pump1.Fault\"",
            "name=\"Pump 1.Fault\""),
        row(
            LIMITS + "/@tag",
            "an analog alarm needs a numeric tag (Int32, Int64, Double); 'Pump1.Fault' is Boolean",
            "tag=\"Tank1.Level\"",
            "tag=\"Pump1.Fault\""),
        row(
            FAULT + "/@tag",
            "a digital alarm needs a Boolean tag; 'Tank1.Level' is Double",
            "tag=\"Pump1.Fault\"",
            "tag=\"Tank1.Level\""),
        row(
            LIMITS,
            "an analog alarm needs at least one of @loLo, @lo, @hi, @hiHi",
            "loLo=\"0.2\" lo=\"0.5\" hi=\"4.0\" hiHi=\"4.5\"",
            ""),
        row(
            LIMITS + "/@hi",
            "0.4 is below lo 0.5 (limits must rise: loLo <= lo <= hi <= hiHi)",
            "hi=\"4.0\"",
            "hi=\"0.4\""),
        row(
            LIMITS + "/@hiHi",
            "0.1 is below loLo 0.2 (limits must rise: loLo <= lo <= hi <= hiHi)",
            " lo=\"0.5\" hi=\"4.0\" hiHi=\"4.5\"",
            " hiHi=\"0.1\""),
        row(LIMITS + "/@hi", "not a number: '4,0'", "hi=\"4.0\"", "hi=\"4,0\""),
        row(
            LIMITS + "/@severity",
            "1001 is outside 1..1000",
            "severity=\"700\"",
            "severity=\"1001\""),
        row(FAULT + "/@severity", "required attribute missing", " severity=\"800\"", ""),
        row(FAULT + "/@message", "must not be empty", "message=\"Pump 1 fault\"", "message=\" \""),
        row(
            FAULT + "/@hi",
            "unknown attribute (allowed: activeWhen, message, name, severity, tag)",
            "activeWhen=\"true\"",
            "activeWhen=\"true\" hi=\"1\""),
        row(
            FAULT + "/@activeWhen",
            "not true or false: 'on'",
            "activeWhen=\"true\"",
            "activeWhen=\"on\""));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("malformed")
  void reportsFieldAndProblemOnOneLine(String field, String problem, String content)
      throws Exception {
    Files.writeString(file, content);

    assertThatThrownBy(() -> ProjectFileReader.read(file))
        .isInstanceOfSatisfying(
            ProjectFileException.class,
            e -> {
              assertThat(e.file()).isEqualTo(file);
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.problem()).isEqualTo(problem);
              assertThat(e.getMessage())
                  .isEqualTo(file + ": " + field + ": " + problem)
                  .doesNotContain("\n")
                  .doesNotContain("\r");
            });
  }

  @Test
  void validFileOfTheTableParses() throws Exception {
    Files.writeString(file, VALID);
    Project p = ProjectFileReader.read(file);
    assertThat(p.tags()).hasSize(7);
    assertThat(p.alarms()).hasSize(2);
  }

  @Test
  void lineBreaksInValuesDoNotBreakTheMessage() throws Exception {
    Files.writeString(file, VALID.replace("type=\"Double\" unit", "type=\"Dou&#10;ble\" unit"));

    assertThatThrownBy(() -> ProjectFileReader.read(file))
        .hasMessage(
            file
                + ": "
                + LEVEL
                + "/@type: unknown type 'Dou ble' (allowed: Boolean, Int32, Int64, Double, String)");
  }

  /** A row: expected field and problem, then pairs of text to find once and replace. */
  static Arguments row(String field, String problem, String... edits) {
    String content = VALID;
    for (int i = 0; i < edits.length; i += 2) {
      int at = content.indexOf(edits[i]);
      if (at < 0 || content.indexOf(edits[i], at + 1) >= 0) {
        throw new IllegalArgumentException("not exactly once in VALID: " + edits[i]);
      }
      content = content.replace(edits[i], edits[i + 1]);
    }
    return Arguments.of(field, problem, content);
  }
}
