package io.hotstandby.server;

import io.hotstandby.domain.DomainFileWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Whether an operator stopped the domain on this server: a small file {@value #FILE} in the data
 * directory (who and when, one line), so a server restarted by its service manager stays out of the
 * domain's roles until someone starts the domain again. Written atomically.
 */
final class DomainStopMark {
  static final String FILE = "domain-stopped";

  private final Path file;
  private volatile String stoppedBy;

  private DomainStopMark(Path file, String stoppedBy) {
    this.file = file;
    this.stoppedBy = stoppedBy;
  }

  /** The mark in {@code dataDir}; an unreadable mark counts as stopped (the safe side). */
  static DomainStopMark in(Path dataDir) {
    Path f = dataDir.resolve(FILE);
    if (!Files.exists(f)) {
      return new DomainStopMark(f, null);
    }
    try {
      return new DomainStopMark(f, Files.readString(f, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      return new DomainStopMark(f, "unknown (" + f + " unreadable: " + e.getMessage() + ")");
    }
  }

  boolean stopped() {
    return stoppedBy != null;
  }

  /** Who stopped it and when, or "" when it is not stopped. */
  String stoppedBy() {
    String by = stoppedBy;
    return by == null ? "" : by;
  }

  /** Records the stop; on failure nothing changed. */
  void stop(String user) throws IOException {
    String line = user + " at " + Instant.now();
    DomainFileWriter.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8));
    stoppedBy = line;
  }

  /** Removes the mark; on failure it stays stopped. */
  void start() throws IOException {
    Files.deleteIfExists(file);
    stoppedBy = null;
  }

  Path file() {
    return file;
  }
}
