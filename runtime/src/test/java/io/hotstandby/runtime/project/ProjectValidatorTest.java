package io.hotstandby.runtime.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rules checked on records, including projects built in code rather than read from a file. */
class ProjectValidatorTest {
  static final Path FILE = Path.of("/etc/hotstandby/plant.prj");

  static TagSpec memory(String path, DataType type) {
    return new TagSpec(path, type, null, null, "", 0, 0, false, null, false);
  }

  static TagSpec sim(String path, DataType type, String address) {
    return new TagSpec(path, type, "sim", address, "", 0, 0, false, null, false);
  }

  static Project project(List<DriverSpec> drivers, List<TagSpec> tags, List<AlarmSpec> alarms) {
    return new Project(FILE, "plant", drivers, tags, alarms);
  }

  @Test
  void usableProjectHasNoProblems() {
    Project p =
        project(
            List.of(new DriverSpec.Simulation("sim")),
            List.of(sim("A.B", DataType.DOUBLE, "ramp:period=1min,min=0,max=100")),
            List.of(new AlarmSpec.Analog("A.B.High", "A.B", null, null, 90.0, null, 1, 500, "hi")));

    assertThat(ProjectValidator.validate(p)).isEmpty();
  }

  @Test
  void reportsEveryProblemInFileOrder() {
    Project p =
        new Project(
            FILE,
            "",
            List.of(
                new DriverSpec.OpcUa(
                    "plc", "http://plc", 100, 50, "none", "", "", "", 500, 10_000, 50)),
            List.of(
                new TagSpec(
                    "A", DataType.DOUBLE, "nope", "ns=2;s=A", "", 0, 0, false, null, false)),
            List.of(new AlarmSpec.Digital("A.On", "A", true, 0, "A on")));

    List<ProjectFileException> problems = ProjectValidator.validate(p);

    assertThat(problems)
        .extracting(ProjectFileException::field, ProjectFileException::problem)
        .containsExactly(
            tuple("@name", "must not be empty"),
            tuple(
                "drivers/driver[@name='plc']/@endpoint",
                "must start with opc.tcp://, not 'http://plc'"),
            tuple(
                "drivers/driver[@name='plc']/@securityMode",
                "must be None, Sign or SignAndEncrypt, not 'none'"),
            tuple("tags/tag[@name='A']/@driver", "unknown driver 'nope'"),
            tuple(
                "alarms/digital[@name='A.On']/@tag",
                "a digital alarm needs a Boolean tag; 'A' is Double"),
            tuple("alarms/digital[@name='A.On']/@severity", "0 is outside 1..1000"));
    assertThat(problems.get(1).getMessage())
        .isEqualTo(
            FILE
                + ": drivers/driver[@name='plc']/@endpoint: must start with opc.tcp://, not"
                + " 'http://plc'");
    assertThat(problems).allSatisfy(e -> assertThat(e.file()).isEqualTo(FILE));
  }

  @Test
  void duplicateTagPathsBuiltInCode() {
    Project p =
        project(
            List.of(),
            List.of(memory("T.Level", DataType.DOUBLE), memory("T.Level", DataType.INT32)),
            List.of());

    assertThat(ProjectValidator.validate(p))
        .extracting(ProjectFileException::field, ProjectFileException::problem)
        .containsExactly(
            tuple(
                "tags/folder[@name='T']/tag[@name='Level']/@name", "duplicate tag path 'T.Level'"));
  }

  @Test
  void tagThatIsAlsoAFolder() {
    Project p =
        project(
            List.of(),
            List.of(memory("T", DataType.DOUBLE), memory("T.Level", DataType.DOUBLE)),
            List.of());

    assertThat(ProjectValidator.validate(p))
        .extracting(ProjectFileException::field, ProjectFileException::problem)
        .containsExactly(tuple("tags/tag[@name='T']/@name", "'T' is both a tag and a folder"));
  }

  @Test
  void pathPartsMustBeNames() {
    Project p =
        project(
            List.of(),
            List.of(memory("T..Level", DataType.DOUBLE), memory("Tank 1.Level", DataType.DOUBLE)),
            List.of());

    assertThat(ProjectValidator.validate(p))
        .extracting(ProjectFileException::field, ProjectFileException::problem)
        .containsExactly(
            tuple(
                "tags/folder[@name='T']/folder[@name='']/tag[@name='Level']/@name",
                "'' is not a valid name (1-64 letters, digits, '_' or '-'; no dots or spaces)"),
            tuple(
                "tags/folder[@name='Tank 1']/tag[@name='Level']/@name",
                "'Tank 1' is not a valid name (1-64 letters, digits, '_' or '-'; no dots or"
                    + " spaces)"));
  }

  @Test
  void missingTypeAndNonFiniteNumbers() {
    Project p =
        project(
            List.of(),
            List.of(
                new TagSpec("A", null, null, null, "", 0, 0, false, null, false),
                new TagSpec(
                    "B", DataType.DOUBLE, null, null, "", 0, Double.NaN, false, null, false)),
            List.of(
                new AlarmSpec.Analog(
                    "B.Hi", "B", null, null, Double.POSITIVE_INFINITY, null, 0, 1, "m")));

    assertThat(ProjectValidator.validate(p))
        .extracting(ProjectFileException::field, ProjectFileException::problem)
        .containsExactly(
            tuple("tags/tag[@name='A']/@type", "required attribute missing"),
            tuple("tags/tag[@name='B']/@deadband", "must be a number >= 0, not NaN"),
            tuple("alarms/analog[@name='B.Hi']/@hi", "must be a finite number, not Infinity"));
  }

  @Test
  void duplicateAlarmIsNamedByItsPositionAmongItsKind() {
    Project p =
        project(
            List.of(),
            List.of(memory("On", DataType.BOOLEAN), memory("Level", DataType.DOUBLE)),
            List.of(
                new AlarmSpec.Digital("X", "On", true, 1, "m"),
                new AlarmSpec.Analog("Y", "Level", 1.0, null, null, null, 0, 1, "m"),
                new AlarmSpec.Analog("X", "Level", null, null, 5.0, null, 0, 1, "m")));

    assertThat(ProjectValidator.validate(p))
        .extracting(ProjectFileException::field, ProjectFileException::problem)
        .containsExactly(tuple("alarms/analog[2]/@name", "duplicate alarm name 'X'"));
  }

  @Test
  void anAlarmOnItsOwnMustWatchATagOfItsProject() {
    Project p =
        project(
            List.of(),
            List.of(memory("Level", DataType.DOUBLE)),
            List.of(new AlarmSpec.Analog("L", "Levl", null, null, 5.0, null, 0, 1, "m")));

    assertThat(ProjectValidator.validate(p))
        .extracting(ProjectFileException::field, ProjectFileException::problem)
        .containsExactly(tuple("alarms/analog[@name='L']/@tag", "unknown tag 'Levl'"));
    // the reader's check leaves it to the check of all the domain's projects
    assertThat(ProjectValidator.validateFile(p)).isEmpty();
  }

  @Test
  void projectsOfOneDomainTogether() {
    Path a = Path.of("/p/a.prj");
    Path b = Path.of("/p/b.prj");
    Project plant =
        new Project(
            a,
            "plant",
            List.of(),
            List.of(memory("Level", DataType.DOUBLE), memory("Run", DataType.BOOLEAN)),
            List.of(new AlarmSpec.Digital("Stopped", "Run", false, 1, "m")));
    Project alarms =
        new Project(
            b,
            "alarms",
            List.of(),
            List.of(memory("Run", DataType.BOOLEAN)),
            List.of(
                new AlarmSpec.Analog("High", "Level", null, null, 5.0, null, 0, 1, "m"),
                new AlarmSpec.Digital("Wrong", "Level", true, 1, "m"),
                new AlarmSpec.Digital("Stopped", "Run", false, 1, "m"),
                new AlarmSpec.Digital("Lost", "Nowhere", true, 1, "m")));

    List<ProjectFileException> problems = ProjectValidator.validate(List.of(plant, alarms));

    assertThat(problems)
        .extracting(
            ProjectFileException::file, ProjectFileException::field, ProjectFileException::problem)
        .containsExactly(
            tuple(b, "tags/tag[@name='Run']/@name", "tag path 'Run' is already declared in " + a),
            tuple(
                b,
                "alarms/digital[@name='Wrong']/@tag",
                "a digital alarm needs a Boolean tag; 'Level' is Double"),
            tuple(
                b,
                "alarms/digital[@name='Stopped']/@name",
                "alarm name 'Stopped' is already declared in " + a),
            tuple(b, "alarms/digital[@name='Lost']/@tag", "unknown tag 'Nowhere'"));
    assertThat(ProjectValidator.validate(List.of(plant)))
        .isEqualTo(ProjectValidator.validate(plant));
  }
}
