package io.hotstandby.runtime;

import io.hotstandby.runtime.project.AlarmSpec;
import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.project.Project;
import io.hotstandby.runtime.project.ProjectFileException;
import io.hotstandby.runtime.project.ProjectValidator;
import io.hotstandby.runtime.project.TagSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The projects of a domain as one application: every tag and alarm in one name space, every driver
 * with the tags it serves. Checks what no single project file can: a tag path or alarm name
 * declared by two projects, an alarm on a tag no project declares; and, defensively, what each
 * file's reader should already have refused (a tag on an undeclared driver, an initial value that
 * does not fit its type).
 */
record MergedProjects(List<TagSpec> tags, List<AlarmSpec> alarms, List<DriverPlan> drivers) {

  /**
   * One driver to create.
   *
   * @param label the driver's name, qualified by its project's name when another project declares a
   *     driver of the same name
   * @param file the project file that declares it
   * @param spec its declaration
   * @param tags the tags it serves
   */
  record DriverPlan(String label, Path file, DriverSpec spec, List<TagSpec> tags) {}

  static MergedProjects merge(List<Project> projects) throws RuntimeLoadException {
    // The validator names file, element and problem the same way for one project or several.
    List<ProjectFileException> problems = ProjectValidator.validate(projects);
    if (!problems.isEmpty()) {
      throw new RuntimeLoadException(problems.get(0));
    }
    Map<String, Path> tagFiles = new LinkedHashMap<>();
    List<TagSpec> tags = new ArrayList<>();
    for (Project p : projects) {
      for (TagSpec t : p.tags()) {
        Path other = tagFiles.putIfAbsent(t.path(), p.file());
        if (other != null) {
          throw new RuntimeLoadException(
              p.file() + ": tag " + t.path() + ": already declared in " + other);
        }
        checkTag(p, t);
        tags.add(t);
      }
    }
    Map<String, Path> alarmFiles = new HashMap<>();
    List<AlarmSpec> alarms = new ArrayList<>();
    for (Project p : projects) {
      for (AlarmSpec a : p.alarms()) {
        Path other = alarmFiles.putIfAbsent(a.name(), p.file());
        if (other != null) {
          throw new RuntimeLoadException(
              p.file() + ": alarm " + a.name() + ": already declared in " + other);
        }
        if (!tagFiles.containsKey(a.tag())) {
          throw new RuntimeLoadException(
              p.file() + ": alarm " + a.name() + ": no project declares the tag " + a.tag());
        }
        alarms.add(a);
      }
    }
    return new MergedProjects(tags, alarms, plans(projects));
  }

  private static void checkTag(Project p, TagSpec t) throws RuntimeLoadException {
    if (!t.memory() && p.driver(t.driver()).isEmpty()) {
      throw new RuntimeLoadException(
          p.file() + ": tag " + t.path() + ": the project declares no driver " + t.driver());
    }
    if (t.memory() && t.initial() != null) {
      try {
        DataType.parseValue(t.type(), t.initial());
      } catch (IllegalArgumentException e) {
        throw new RuntimeLoadException(
            p.file() + ": tag " + t.path() + ": initial value: " + e.getMessage(), e);
      }
    }
  }

  private static List<DriverPlan> plans(List<Project> projects) {
    Set<String> seen = new HashSet<>();
    Set<String> shared = new HashSet<>();
    for (Project p : projects) {
      for (DriverSpec d : p.drivers()) {
        if (!seen.add(d.name())) {
          shared.add(d.name());
        }
      }
    }
    List<DriverPlan> plans = new ArrayList<>();
    for (Project p : projects) {
      for (DriverSpec d : p.drivers()) {
        List<TagSpec> served = p.tags().stream().filter(t -> d.name().equals(t.driver())).toList();
        String label = shared.contains(d.name()) ? p.name() + "/" + d.name() : d.name();
        plans.add(new DriverPlan(label, p.file(), d, served));
      }
    }
    return plans;
  }
}
