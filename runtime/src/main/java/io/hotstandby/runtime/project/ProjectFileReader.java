package io.hotstandby.runtime.project;

import io.hotstandby.xml.FieldPath;
import io.hotstandby.xml.XmlElement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a project file (XML, root {@code <project>}, see {@code docs/PROJECT-FILE.md}) into a
 * validated {@link Project}. Anything it does not know is an error, so a misspelt element or
 * attribute is never silently ignored.
 *
 * <p>The file is checked on its own, as {@link ProjectValidator#validate(Project)} does, with one
 * exception: an alarm may watch a tag the file does not declare, since another project of the same
 * domain may declare it. Check the projects of a domain together with {@link
 * ProjectValidator#validate(java.util.List)}.
 */
public final class ProjectFileReader {
  private static final Set<String> NONE = Set.of();
  private static final Set<String> OPC_UA_ATTRIBUTES =
      Set.of(
          "name",
          "type",
          "endpoint",
          "publishingMs",
          "samplingMs",
          "securityMode",
          "user",
          "password",
          "passwordFile",
          "certificate",
          "reconnectMinMs",
          "reconnectMaxMs",
          "failureWeight");
  private static final Set<String> TAG_ATTRIBUTES =
      Set.of(
          "name",
          "driver",
          "address",
          "type",
          "unit",
          "samplingMs",
          "deadband",
          "writable",
          "initial",
          "retentive");

  public static final long DEFAULT_PUBLISHING_MS = 100;
  public static final long DEFAULT_OPC_UA_SAMPLING_MS = 50;
  public static final String DEFAULT_SECURITY_MODE = "None";
  public static final long DEFAULT_RECONNECT_MIN_MS = 500;
  public static final long DEFAULT_RECONNECT_MAX_MS = 10_000;
  public static final int DEFAULT_FAILURE_WEIGHT = 50;

  private ProjectFileReader() {}

  /**
   * Reads and validates the project file at {@code file}.
   *
   * @throws ProjectFileException the first problem found, as one line {@code <file>: <field>:
   *     <problem>}
   */
  public static Project read(Path file) throws ProjectFileException {
    Path abs = file.toAbsolutePath().normalize();
    return parse(abs, XmlElement.readFile(abs, ProjectFileException::new));
  }

  /**
   * Parses and validates {@code content} as if it were the project file at {@code file}, which need
   * not exist.
   *
   * @throws ProjectFileException the first problem found
   */
  public static Project parse(Path file, byte[] content) throws ProjectFileException {
    Path abs = file.toAbsolutePath().normalize();
    Project project = map(abs, XmlElement.parse(abs, content, ProjectFileException::new));
    List<ProjectFileException> problems = ProjectValidator.validateFile(project);
    if (!problems.isEmpty()) {
      throw problems.get(0);
    }
    return project;
  }

  private static Project map(Path file, XmlElement<ProjectFileException> root)
      throws ProjectFileException {
    if (!root.name().equals("project")) {
      throw root.error(root.label(), "root element must be <project>");
    }
    root.expect(Set.of("name"), Set.of("drivers", "tags", "alarms"));
    String name = root.requiredAttr("name");
    List<DriverSpec> drivers = new ArrayList<>();
    Optional<XmlElement<ProjectFileException>> d = root.optional("drivers");
    if (d.isPresent()) {
      drivers(d.get(), drivers, file.getParent());
    }
    List<TagSpec> tags = new ArrayList<>();
    Optional<XmlElement<ProjectFileException>> t = root.optional("tags");
    if (t.isPresent()) {
      folder(t.get(), "", tags);
    }
    List<AlarmSpec> alarms = new ArrayList<>();
    Optional<XmlElement<ProjectFileException>> a = root.optional("alarms");
    if (a.isPresent()) {
      alarms(a.get(), alarms);
    }
    return new Project(file, name, drivers, tags, alarms);
  }

  private static void drivers(
      XmlElement<ProjectFileException> e, List<DriverSpec> drivers, Path folder)
      throws ProjectFileException {
    e.expect(NONE, Set.of("driver"));
    for (XmlElement<ProjectFileException> d : e.children()) {
      String type = d.requiredAttr("type").strip();
      switch (type) {
        case "simulation" -> {
          d.expect(Set.of("name", "type"), NONE);
          drivers.add(new DriverSpec.Simulation(d.requiredAttr("name")));
        }
        case "opcua" -> {
          d.expect(OPC_UA_ATTRIBUTES, NONE);
          drivers.add(
              new DriverSpec.OpcUa(
                  d.requiredAttr("name"),
                  d.requiredAttr("endpoint").strip(),
                  d.longAttr("publishingMs", DEFAULT_PUBLISHING_MS),
                  d.longAttr("samplingMs", DEFAULT_OPC_UA_SAMPLING_MS),
                  d.attr("securityMode").map(String::strip).orElse(DEFAULT_SECURITY_MODE),
                  d.attr("user").orElse(""),
                  password(d, folder),
                  d.attr("certificate")
                      .map(c -> c.strip().replace(":", ""))
                      .orElse("")
                      .toLowerCase(Locale.ROOT),
                  d.longAttr("reconnectMinMs", DEFAULT_RECONNECT_MIN_MS),
                  d.longAttr("reconnectMaxMs", DEFAULT_RECONNECT_MAX_MS),
                  d.intAttr("failureWeight", DEFAULT_FAILURE_WEIGHT)));
        }
        default ->
            throw d.error(
                d.field("type"), "unknown driver type '" + type + "' (allowed: opcua, simulation)");
      }
    }
  }

  /**
   * The driver's password: its {@code password} attribute, or the first line of the file its {@code
   * passwordFile} names (relative to the project file's folder, or absolute), so the project can be
   * shared and kept in version control without it.
   */
  private static String password(XmlElement<ProjectFileException> d, Path folder)
      throws ProjectFileException {
    String name = d.optionalAttr("passwordFile");
    if (name == null) {
      return d.attr("password").orElse("");
    }
    if (d.attr("password").isPresent()) {
      throw d.error(d.field("passwordFile"), "give either @password or @passwordFile, not both");
    }
    if (d.attr("user").orElse("").isEmpty()) {
      throw d.error(d.field("passwordFile"), "a password needs a @user");
    }
    Path file = folder.resolve(name.strip()).normalize();
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isEmpty()) {
        throw d.error(d.field("passwordFile"), file + " is empty (the password is its first line)");
      }
      return lines.get(0);
    } catch (NoSuchFileException e) {
      throw d.error(d.field("passwordFile"), file + " does not exist");
    } catch (IOException | UncheckedIOException e) {
      throw d.error(d.field("passwordFile"), "cannot read " + file + ": " + e.getMessage());
    }
  }

  /**
   * The tags of {@code e} ({@code <tags>} or a {@code <folder>}) and of its folders, depth first in
   * file order; {@code prefix} is the folder's dotted path with a final dot, "" at the top.
   */
  private static void folder(XmlElement<ProjectFileException> e, String prefix, List<TagSpec> tags)
      throws ProjectFileException {
    e.expect(e.path().equals(ProjectFields.TAGS) ? NONE : Set.of("name"), Set.of("folder", "tag"));
    // Two siblings of one name would have the same path; the second is named by its position.
    Map<String, String> siblings = new HashMap<>();
    for (XmlElement<ProjectFileException> c : e.children()) {
      String name = c.requiredAttr("name");
      if (!ProjectValidator.NAME.matcher(name).matches()) {
        throw c.error(c.field("name"), ProjectValidator.badName(name));
      }
      String first = siblings.putIfAbsent(name, c.positional());
      if (first != null) {
        throw c.error(
            FieldPath.attr(c.positional(), "name"), "'" + name + "' is already used by " + first);
      }
      if (c.name().equals("folder")) {
        folder(c, prefix + name + ".", tags);
      } else {
        tags.add(tag(c, prefix + name));
      }
    }
  }

  private static TagSpec tag(XmlElement<ProjectFileException> e, String path)
      throws ProjectFileException {
    e.expect(TAG_ATTRIBUTES, NONE);
    DataType type;
    String rawType = e.requiredAttr("type");
    try {
      type = DataType.parse(rawType);
    } catch (IllegalArgumentException x) {
      throw e.error(e.field("type"), x.getMessage());
    }
    return new TagSpec(
        path,
        type,
        e.optionalAttr("driver"),
        e.optionalAttr("address") == null ? null : e.optionalAttr("address").strip(),
        e.attr("unit").orElse(""),
        e.longAttr("samplingMs", 0),
        decimal(e, "deadband", 0),
        e.boolAttr("writable", false),
        e.attr("initial").orElse(null),
        e.boolAttr("retentive", false));
  }

  private static void alarms(XmlElement<ProjectFileException> e, List<AlarmSpec> alarms)
      throws ProjectFileException {
    e.expect(NONE, Set.of("analog", "digital"));
    for (XmlElement<ProjectFileException> a : e.children()) {
      if (a.name().equals("analog")) {
        a.expect(
            Set.of("name", "tag", "loLo", "lo", "hi", "hiHi", "deadband", "severity", "message"),
            NONE);
        alarms.add(
            new AlarmSpec.Analog(
                a.requiredAttr("name"),
                a.requiredAttr("tag"),
                decimal(a, "loLo"),
                decimal(a, "lo"),
                decimal(a, "hi"),
                decimal(a, "hiHi"),
                decimal(a, "deadband", 0),
                a.requiredInt("severity"),
                a.requiredAttr("message")));
      } else {
        a.expect(Set.of("name", "tag", "activeWhen", "severity", "message"), NONE);
        alarms.add(
            new AlarmSpec.Digital(
                a.requiredAttr("name"),
                a.requiredAttr("tag"),
                a.boolAttr("activeWhen", true),
                a.requiredInt("severity"),
                a.requiredAttr("message")));
      }
    }
  }

  /** A decimal number ({@code 12}, {@code -0.5}, {@code 1e3}); null when absent. */
  private static Double decimal(XmlElement<ProjectFileException> e, String name)
      throws ProjectFileException {
    if (e.attr(name).isEmpty()) {
      return null;
    }
    String raw = e.requiredAttr(name).strip();
    try {
      return DataType.parseDouble(raw);
    } catch (IllegalArgumentException x) {
      throw e.error(e.field(name), x.getMessage());
    }
  }

  private static double decimal(XmlElement<ProjectFileException> e, String name, double dflt)
      throws ProjectFileException {
    Double v = decimal(e, name);
    return v == null ? dflt : v;
  }
}
