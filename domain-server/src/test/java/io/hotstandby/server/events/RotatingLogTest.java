package io.hotstandby.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.events.Weight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flood of events or refused logins fills at most the logs' size limit, never the disk. */
class RotatingLogTest {
  @TempDir Path dir;

  @Test
  void theAuditLogKeepsItsNewestLinesWithinTheLimit() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (AuditLog audit = new AuditLog(file, "alpha", 4096, 3)) {
      for (int i = 0; i < 1000; i++) {
        audit.record("mallory", "10.0.0." + i, "login", "", null, "refused: wrong password " + i);
      }
    }

    assertThat(files()).containsExactly("audit.jsonl", "audit.jsonl.1", "audit.jsonl.2");
    assertThat(totalSize()).isLessThanOrEqualTo(3 * 4096);
    List<String> current = Files.readAllLines(file);
    assertThat(current.get(current.size() - 1)).contains("refused: wrong password 999");
    // Whole lines only: every line of every file is a complete JSON object.
    for (String f : files()) {
      assertThat(Files.readAllLines(dir.resolve(f)))
          .allMatch(l -> l.startsWith("{") && l.endsWith("}"));
    }
  }

  @Test
  void theEventLogRotatesTooAndAReopenedLogCountsWhatIsThere() throws Exception {
    Path file = dir.resolve("events.jsonl");
    for (int run = 0; run < 2; run++) {
      try (EventLog events = new EventLog(file, "alpha", 2048, 2)) {
        for (int i = 0; i < 100; i++) {
          events.record(Weight.NOTICE, "test", "event " + run + "/" + i, Map.of("n", i));
        }
      }
    }

    assertThat(files()).containsExactly("events.jsonl", "events.jsonl.1");
    assertThat(Files.size(file)).isLessThanOrEqualTo(2048);
    assertThat(Files.readString(file)).contains("event 1/99");
  }

  private List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private long totalSize() throws Exception {
    long total = 0;
    for (String f : files()) {
      total += Files.size(dir.resolve(f));
    }
    return total;
  }
}
