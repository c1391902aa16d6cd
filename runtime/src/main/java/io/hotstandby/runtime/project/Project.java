package io.hotstandby.runtime.project;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One parsed and validated project file ({@code .prj}): the drivers that reach the devices, the
 * tags of the application and the alarms on them. Immutable.
 *
 * @param file the absolute path the project was read from
 * @param name the project's name
 * @param drivers every driver, in file order
 * @param tags every tag, in file order, with its full dotted path
 * @param alarms every alarm, in file order
 */
public record Project(
    Path file, String name, List<DriverSpec> drivers, List<TagSpec> tags, List<AlarmSpec> alarms) {

  public Project {
    drivers = List.copyOf(drivers);
    tags = List.copyOf(tags);
    alarms = List.copyOf(alarms);
  }

  public Optional<TagSpec> tag(String path) {
    return tags.stream().filter(t -> t.path().equals(path)).findFirst();
  }

  public Optional<DriverSpec> driver(String name) {
    return drivers.stream().filter(d -> d.name().equals(name)).findFirst();
  }
}
