package io.hotstandby.cluster.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The project files that copies from the active replaced, kept in one folder ({@code
 * DATA_DIR/project-history/}) under the UTC time of the copy and the file's name; the newest
 * {@value #KEEP} stay.
 */
final class ProjectHistory {
  /** How many replaced files the folder keeps. */
  static final int KEEP = 32;

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Path dir;
  private final Clock clock;

  /**
   * @param dir the folder, created when the first file is kept
   * @param clock the time a kept file is named after
   */
  ProjectHistory(Path dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
  }

  /** Copies {@code file} into the folder, keeping the newest {@value #KEEP}. */
  void keep(Path file) throws IOException {
    Files.createDirectories(dir);
    String base = STAMP.format(clock.instant()) + "-" + file.getFileName();
    Path copy = dir.resolve(base);
    for (int i = 2; Files.exists(copy); i++) {
      copy = dir.resolve(base + "." + i);
    }
    Files.copy(file, copy);
    List<Path> all;
    try (Stream<Path> s = Files.list(dir)) {
      all = new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
    }
    while (all.size() > KEEP) {
      Files.deleteIfExists(all.remove(0));
    }
  }
}
