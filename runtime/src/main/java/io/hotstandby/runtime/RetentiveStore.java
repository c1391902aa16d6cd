package io.hotstandby.runtime;

import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagDatabase;
import io.hotstandby.runtime.tags.TagListener;
import io.hotstandby.runtime.tags.TagValue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the values of retentive memory tags in a small file, so they survive a restart of the
 * server: every change is written through (temp file, fsync, atomic rename) and restored on load,
 * with the time it was made ({@code time:PATH} beside {@code PATH}), so that of two servers' copies
 * the newer can win.
 */
final class RetentiveStore implements TagListener {
  private static final Logger log = LoggerFactory.getLogger(RetentiveStore.class);

  /** The key prefix of a value's time. */
  private static final String TIME = "time:";

  private final Path file;
  private final Map<String, TagSpec> retentive = new LinkedHashMap<>();
  private final Properties values = new Properties();
  private Instant fileTime = Instant.EPOCH;

  RetentiveStore(Path file, List<TagSpec> tags) {
    this.file = file;
    for (TagSpec t : tags) {
      if (t.retentive() && t.memory()) {
        retentive.put(t.path(), t);
      }
    }
    if (Files.exists(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        values.load(in);
        fileTime = Files.getLastModifiedTime(file).toInstant();
      } catch (IOException e) {
        log.warn("{}: cannot read retentive values, starting from initial values: {}", file, e);
      }
    }
  }

  /** Puts every stored value of a retentive tag back into the database, with its time. */
  void restore(TagDatabase db) {
    stored().forEach(db::mirror);
  }

  /** Every stored value of a retentive tag, GOOD, stamped with the time it was stored. */
  synchronized Map<String, TagValue> stored() {
    Map<String, TagValue> out = new LinkedHashMap<>();
    retentive.forEach(
        (path, spec) -> {
          String text = values.getProperty(path);
          if (text == null) {
            return;
          }
          try {
            Object v = DataType.parseValue(spec.type(), text);
            Instant t = time(path);
            Instant at = t == null ? fileTime : t;
            out.put(path, new TagValue(v, Quality.GOOD, at, at));
          } catch (IllegalArgumentException | DateTimeParseException e) {
            log.warn("{}: retentive value of {} ignored: {}", file, path, e.getMessage());
          }
        });
    return out;
  }

  /** When the stored value of {@code path} was made; null when none is stored or no time. */
  synchronized Instant time(String path) {
    String t = values.getProperty(TIME + path);
    if (t == null || values.getProperty(path) == null) {
      return null;
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Whether {@code path} is a retentive memory tag. */
  boolean keeps(String path) {
    return retentive.containsKey(path);
  }

  @Override
  public synchronized void changed(String path, TagValue value) {
    if (!retentive.containsKey(path) || value.value() == null) {
      return;
    }
    String text = String.valueOf(value.value());
    String time = value.serverTime().toString();
    if (text.equals(values.getProperty(path)) && time.equals(values.getProperty(TIME + path))) {
      return;
    }
    values.setProperty(path, text);
    values.setProperty(TIME + path, time);
    try {
      write();
    } catch (IOException e) {
      log.error("{}: cannot store the retentive value of {}: {}", file, path, e.toString());
    }
  }

  private void write() throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".retentive-", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        values.store(out, "retentive tag values");
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
