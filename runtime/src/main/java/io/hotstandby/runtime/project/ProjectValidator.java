package io.hotstandby.runtime.project;

import io.hotstandby.xml.FieldPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a project must follow beyond its XML structure: unique names, drivers that exist and
 * are configured sensibly, addresses each driver understands, initial values of the tag's type and
 * alarms on tags of the right type with limits in order.
 */
public final class ProjectValidator {
  /** Folder, tag and driver names: parts of dotted paths, so no dots, spaces or quotes. */
  static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_-]{1,64}");

  /** Project names, as domain names: they appear in file names and messages. */
  static final Pattern PROJECT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /** A NodeId in the OPC UA string form, with the namespace given by index or by URI. */
  private static final Pattern NODE_ID =
      Pattern.compile(
          "(?:ns=\\d{1,5};|nsu=[^;\\s][^;]*;)?"
              + "(?:i=\\d{1,10}|s=.+|g=\\p{XDigit}{8}(?:-\\p{XDigit}{4}){3}-\\p{XDigit}{12}"
              + "|b=[A-Za-z0-9+/]+={0,2})",
          Pattern.DOTALL);

  static final Set<String> SECURITY_MODES = Set.of("None", "Sign", "SignAndEncrypt");
  static final long MAX_INTERVAL_MS = 3_600_000;
  static final int MAX_FAILURE_WEIGHT = 100;
  static final int MIN_SEVERITY = 1;
  static final int MAX_SEVERITY = 1000;

  private final Project p;
  private final Map<String, TagSpec> alarmTags;
  private final boolean tagsMayBeElsewhere;
  private final Map<String, Path> tagsElsewhere;
  private final Map<String, Path> alarmsElsewhere;
  private final List<ProjectFileException> problems = new ArrayList<>();

  private ProjectValidator(
      Project p,
      Map<String, TagSpec> alarmTags,
      boolean tagsMayBeElsewhere,
      Map<String, Path> tagsElsewhere,
      Map<String, Path> alarmsElsewhere) {
    this.p = p;
    this.alarmTags = alarmTags;
    this.tagsMayBeElsewhere = tagsMayBeElsewhere;
    this.tagsElsewhere = tagsElsewhere;
    this.alarmsElsewhere = alarmsElsewhere;
  }

  /**
   * Every problem of {@code project} on its own, in file order; empty when the project is usable
   * alone. An alarm must watch a tag the project declares.
   */
  public static List<ProjectFileException> validate(Project project) {
    return new ProjectValidator(project, ownTags(project), false, Map.of(), Map.of()).run();
  }

  /**
   * Every problem of the projects of one domain, loaded together, in the order of {@code projects}
   * and then of each file. Each project is checked as by {@link #validate(Project)}, except that an
   * alarm may watch a tag any of the projects declares; a tag path or an alarm name that an earlier
   * project already declares is a problem of the later one.
   */
  public static List<ProjectFileException> validate(List<Project> projects) {
    Map<String, TagSpec> tags = new HashMap<>();
    for (Project p : projects) {
      for (TagSpec t : p.tags()) {
        tags.putIfAbsent(t.path(), t);
      }
    }
    List<ProjectFileException> problems = new ArrayList<>();
    Map<String, Path> tagFiles = new HashMap<>();
    Map<String, Path> alarmFiles = new HashMap<>();
    for (Project p : projects) {
      problems.addAll(new ProjectValidator(p, tags, false, tagFiles, alarmFiles).run());
      p.tags().forEach(t -> tagFiles.putIfAbsent(t.path(), p.file()));
      p.alarms().forEach(a -> alarmFiles.putIfAbsent(a.name(), p.file()));
    }
    return List.copyOf(problems);
  }

  /**
   * What the reader reports for one file: {@link #validate(Project)}, except that an alarm on a tag
   * the file does not declare is accepted, as another project of the domain may declare it ({@link
   * #validate(List)} checks that).
   */
  static List<ProjectFileException> validateFile(Project project) {
    return new ProjectValidator(project, ownTags(project), true, Map.of(), Map.of()).run();
  }

  private static Map<String, TagSpec> ownTags(Project p) {
    Map<String, TagSpec> tags = new HashMap<>();
    p.tags().forEach(t -> tags.putIfAbsent(t.path(), t));
    return tags;
  }

  private List<ProjectFileException> run() {
    checkProject();
    checkDrivers();
    checkTags();
    checkAlarms();
    return List.copyOf(problems);
  }

  static String badName(String name) {
    return "'"
        + name
        + "' is not a valid name (1-64 letters, digits, '_' or '-'; no dots or spaces)";
  }

  private void problem(String field, String text) {
    problems.add(new ProjectFileException(p.file(), field, text));
  }

  private void checkProject() {
    String name = p.name();
    if (name == null || name.isBlank()) {
      problem("@name", "must not be empty");
    } else if (!PROJECT_NAME.matcher(name).matches()) {
      problem(
          "@name",
          "'"
              + name
              + "' is not a simple name (up to 64 letters, digits, '_', '.', '-', starting with"
              + " a letter or digit)");
    }
  }

  private void checkDrivers() {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < p.drivers().size(); i++) {
      DriverSpec d = p.drivers().get(i);
      String at = ProjectFields.driver(d.name());
      if (checkName(FieldPath.attr(at, "name"), d.name()) && !names.add(d.name())) {
        // by name the field would point at the first driver of that name
        problem(
            FieldPath.attr(ProjectFields.DRIVERS + "/" + FieldPath.at("driver", i), "name"),
            "duplicate driver name '" + d.name() + "'");
      }
      if (d instanceof DriverSpec.OpcUa o) {
        checkOpcUa(at, o);
      }
    }
  }

  private void checkOpcUa(String at, DriverSpec.OpcUa o) {
    String endpoint = o.endpoint() == null ? "" : o.endpoint();
    if (!endpoint.startsWith("opc.tcp://")) {
      problem(FieldPath.attr(at, "endpoint"), "must start with opc.tcp://, not '" + endpoint + "'");
    } else if (endpoint.length() == "opc.tcp://".length()
        || endpoint.chars().anyMatch(Character::isWhitespace)) {
      problem(
          FieldPath.attr(at, "endpoint"),
          "'" + endpoint + "' is not an endpoint URL (e.g. opc.tcp://10.0.0.5:4840/plc)");
    }
    checkRange(at, "publishingMs", o.publishingMs(), 1, MAX_INTERVAL_MS);
    checkRange(at, "samplingMs", o.samplingMs(), 0, MAX_INTERVAL_MS);
    if (!SECURITY_MODES.contains(o.securityMode())) {
      problem(
          FieldPath.attr(at, "securityMode"),
          "must be None, Sign or SignAndEncrypt, not '" + o.securityMode() + "'");
    }
    String pin = o.certificate() == null ? "" : o.certificate();
    if (!pin.isEmpty() && !pin.matches("[0-9a-f]{64}")) {
      problem(
          FieldPath.attr(at, "certificate"),
          "'" + pin + "' is not a SHA-256 fingerprint (64 hex digits, colons allowed)");
    } else if (!pin.isEmpty() && "None".equals(o.securityMode())) {
      problem(
          FieldPath.attr(at, "certificate"),
          "a pinned certificate needs securityMode Sign or SignAndEncrypt (None uses none)");
    }
    boolean noUser = o.user() == null || o.user().isEmpty();
    if (noUser && o.password() != null && !o.password().isEmpty()) {
      problem(FieldPath.attr(at, "password"), "a password needs a @user");
    }
    boolean minOk = checkRange(at, "reconnectMinMs", o.reconnectMinMs(), 1, MAX_INTERVAL_MS);
    boolean maxOk = checkRange(at, "reconnectMaxMs", o.reconnectMaxMs(), 1, MAX_INTERVAL_MS);
    if (minOk && maxOk && o.reconnectMinMs() > o.reconnectMaxMs()) {
      problem(
          FieldPath.attr(at, "reconnectMaxMs"),
          o.reconnectMaxMs() + " is below reconnectMinMs " + o.reconnectMinMs());
    }
    checkRange(at, "failureWeight", o.failureWeight(), 0, MAX_FAILURE_WEIGHT);
  }

  private void checkTags() {
    Set<String> paths = new HashSet<>();
    Set<String> folders = new HashSet<>();
    for (TagSpec t : p.tags()) {
      String path = t.path() == null ? "" : t.path();
      for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
        folders.add(path.substring(0, dot));
      }
    }
    for (TagSpec t : p.tags()) {
      String path = t.path() == null ? "" : t.path();
      String at = ProjectFields.tag(path);
      boolean named = true;
      for (String part : path.split("\\.", -1)) {
        if (!NAME.matcher(part).matches()) {
          problem(FieldPath.attr(at, "name"), badName(part));
          named = false;
          break;
        }
      }
      if (named && !paths.add(path)) {
        problem(FieldPath.attr(at, "name"), "duplicate tag path '" + path + "'");
      } else if (named && tagsElsewhere.containsKey(path)) {
        problem(
            FieldPath.attr(at, "name"),
            "tag path '" + path + "' is already declared in " + tagsElsewhere.get(path));
      } else if (named && folders.contains(path)) {
        problem(FieldPath.attr(at, "name"), "'" + path + "' is both a tag and a folder");
      }
      if (t.type() == null) {
        problem(FieldPath.attr(at, "type"), "required attribute missing");
      }
      if (t.memory()) {
        checkMemoryTag(at, t);
      } else {
        checkDriverTag(at, t);
      }
      checkRange(at, "samplingMs", t.samplingMs(), 0, MAX_INTERVAL_MS);
      if (!(t.deadband() >= 0) || Double.isInfinite(t.deadband())) {
        problem(FieldPath.attr(at, "deadband"), "must be a number >= 0, not " + t.deadband());
      } else if (t.deadband() > 0 && t.type() != null && !DataType.isNumeric(t.type())) {
        problem(
            FieldPath.attr(at, "deadband"),
            "applies only to numeric tags (Int32, Int64, Double); this tag is "
                + DataType.fileName(t.type()));
      }
    }
  }

  private void checkMemoryTag(String at, TagSpec t) {
    if (t.address() != null) {
      problem(FieldPath.attr(at, "address"), "a memory tag (one without @driver) has no address");
    }
    if (t.initial() != null && t.type() != null) {
      try {
        DataType.parseValue(t.type(), t.initial());
      } catch (IllegalArgumentException e) {
        problem(
            FieldPath.attr(at, "initial"),
            "not a " + DataType.fileName(t.type()) + " value: " + e.getMessage());
      }
    }
  }

  private void checkDriverTag(String at, TagSpec t) {
    if (t.initial() != null) {
      problem(
          FieldPath.attr(at, "initial"),
          "only a memory tag (one without @driver) has an initial value");
    }
    DriverSpec d = p.driver(t.driver()).orElse(null);
    if (d == null) {
      problem(FieldPath.attr(at, "driver"), "unknown driver '" + t.driver() + "'");
      return;
    }
    if (t.address() == null || t.address().isBlank()) {
      problem(
          FieldPath.attr(at, "address"),
          "required attribute missing: a tag of driver '" + d.name() + "' needs an address");
      return;
    }
    if (d instanceof DriverSpec.Simulation) {
      try {
        SimulationAddress.parse(t.address());
      } catch (IllegalArgumentException e) {
        problem(FieldPath.attr(at, "address"), e.getMessage());
      }
    } else if (!NODE_ID.matcher(t.address()).matches()) {
      problem(
          FieldPath.attr(at, "address"),
          "not a NodeId: '" + t.address() + "' (e.g. ns=2;s=Tank1.Level, nsu=urn:plant;i=1001)");
    }
  }

  private void checkAlarms() {
    Map<String, Integer> counts = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (AlarmSpec a : p.alarms()) {
      String element = ProjectFields.alarmElement(a);
      int index = counts.merge(element, 1, Integer::sum) - 1;
      String at = ProjectFields.alarm(a);
      boolean named = checkAlarmName(FieldPath.attr(at, "name"), a.name());
      if (named && !names.add(a.name())) {
        // by name the field would point at the first alarm of that name
        problem(
            FieldPath.attr(ProjectFields.ALARMS + "/" + FieldPath.at(element, index), "name"),
            "duplicate alarm name '" + a.name() + "'");
      } else if (named && alarmsElsewhere.containsKey(a.name())) {
        problem(
            FieldPath.attr(at, "name"),
            "alarm name '"
                + a.name()
                + "' is already declared in "
                + alarmsElsewhere.get(a.name()));
      }
      TagSpec tag = a.tag() == null ? null : alarmTags.get(a.tag());
      if (tag == null) {
        if (!tagsMayBeElsewhere) {
          problem(FieldPath.attr(at, "tag"), "unknown tag '" + a.tag() + "'");
        }
      } else if (tag.type() != null) {
        String is = "; '" + tag.path() + "' is " + DataType.fileName(tag.type());
        if (a instanceof AlarmSpec.Analog && !DataType.isNumeric(tag.type())) {
          problem(
              FieldPath.attr(at, "tag"),
              "an analog alarm needs a numeric tag (Int32, Int64, Double)" + is);
        } else if (a instanceof AlarmSpec.Digital && tag.type() != DataType.BOOLEAN) {
          problem(FieldPath.attr(at, "tag"), "a digital alarm needs a Boolean tag" + is);
        }
      }
      if (a instanceof AlarmSpec.Analog an) {
        checkLimits(at, an);
      }
      checkRange(at, "severity", a.severity(), MIN_SEVERITY, MAX_SEVERITY);
      if (a.message() == null || a.message().isBlank()) {
        problem(FieldPath.attr(at, "message"), "must not be empty");
      }
    }
  }

  private void checkLimits(String at, AlarmSpec.Analog a) {
    String[] names = {"loLo", "lo", "hi", "hiHi"};
    Double[] values = {a.loLo(), a.lo(), a.hi(), a.hiHi()};
    int previous = -1;
    for (int i = 0; i < names.length; i++) {
      if (values[i] == null) {
        continue;
      }
      if (!Double.isFinite(values[i])) {
        problem(FieldPath.attr(at, names[i]), "must be a finite number, not " + values[i]);
        return;
      }
      if (previous >= 0 && values[i] < values[previous]) {
        problem(
            FieldPath.attr(at, names[i]),
            fmt(values[i])
                + " is below "
                + names[previous]
                + " "
                + fmt(values[previous])
                + " (limits must rise: loLo <= lo <= hi <= hiHi)");
        return;
      }
      previous = i;
    }
    if (previous < 0) {
      problem(at, "an analog alarm needs at least one of @loLo, @lo, @hi, @hiHi");
    }
    if (!(a.deadband() >= 0) || Double.isInfinite(a.deadband())) {
      problem(FieldPath.attr(at, "deadband"), "must be a number >= 0, not " + a.deadband());
    }
  }

  private boolean checkName(String field, String name) {
    if (name == null || name.isEmpty()) {
      problem(field, "must not be empty");
      return false;
    }
    if (!NAME.matcher(name).matches()) {
      problem(field, badName(name));
      return false;
    }
    return true;
  }

  // Alarm names may be dotted like tag paths (Tank1.LevelLimits).
  private boolean checkAlarmName(String field, String name) {
    if (name == null || name.isEmpty()) {
      problem(field, "must not be empty");
      return false;
    }
    for (String part : name.split("\\.", -1)) {
      if (!NAME.matcher(part).matches()) {
        problem(
            field,
            "'"
                + name
                + "' is not a valid alarm name (names of 1-64 letters, digits, '_' or '-',"
                + " joined by '.'; no spaces)");
        return false;
      }
    }
    return true;
  }

  private boolean checkRange(String at, String attribute, long value, long min, long max) {
    if (value < min || value > max) {
      problem(FieldPath.attr(at, attribute), value + " is outside " + min + ".." + max);
      return false;
    }
    return true;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
