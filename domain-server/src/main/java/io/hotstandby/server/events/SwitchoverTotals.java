package io.hotstandby.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.domain.DomainFileWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many entries of each kind a {@link SwitchoverHistory} has taken in since its data directory
 * was made, those trimmed from memory and rotated out of its file included: what the failover and
 * switchover counters report, so they never go down. Kept in {@value #FILE} beside the history,
 * replaced atomically after each batch of new entries is on the disk, with the key of the last
 * entry counted: a crash after the entries were appended and before the totals were saved is made
 * good at the next start by counting the history's lines after that key. Without the file (a
 * history older than the totals) every line is counted.
 *
 * <p>Not thread-safe: the history calls it under its lock; {@link #snapshot} may be read from any
 * thread.
 */
final class SwitchoverTotals {
  private static final Logger log = LoggerFactory.getLogger(SwitchoverTotals.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The file's name, in the history's folder. */
  static final String FILE = "switchover-totals.json";

  private final Path file;
  private final Map<String, Long> counts = new TreeMap<>();
  private String lastKey = ""; // the newest entry counted: the history's lines after it are not
  private volatile Map<String, Long> snapshot = Map.of();

  private SwitchoverTotals(Path file) {
    this.file = file;
  }

  /**
   * Reads the totals in {@code file} and counts the entries of {@code lines} after the last one
   * they counted.
   *
   * @param lines the history's entries in the order they were appended, oldest file first
   * @param problems where a line is added when the file cannot be read (every line is then counted)
   */
  static SwitchoverTotals load(Path file, List<SwitchoverEntry> lines, List<String> problems) {
    SwitchoverTotals t = new SwitchoverTotals(file);
    int from = 0;
    if (Files.exists(file)) {
      try {
        t.read(JSON.readTree(Files.readString(file)));
        from = lastIndexOf(lines, t.lastKey) + 1;
        // Not found: the line of the last entry counted is gone (it could not be written, or was
        // rotated away while the totals could not be saved); what the file says is the best known.
        from = from == 0 ? lines.size() : from;
      } catch (IOException | IllegalArgumentException e) {
        t.counts.clear();
        String why =
            file
                + ": unreadable, the failovers and switchovers are counted again from"
                + " the history's lines: "
                + e.getMessage();
        log.warn(why);
        problems.add(why);
      }
    }
    Set<String> seen = new HashSet<>();
    for (SwitchoverEntry e : lines.subList(from, lines.size())) {
      if (seen.add(e.key())) {
        t.count(e);
      }
    }
    t.publish();
    return t;
  }

  /** Counts a new entry; {@link #save} makes it last. */
  void count(SwitchoverEntry e) {
    counts.merge(e.kind(), 1L, Long::sum);
    lastKey = e.key();
  }

  /** Writes the totals (temp file, fsync, rename) and publishes them; a failure is logged. */
  void save() {
    ObjectNode o = JSON.createObjectNode();
    counts.forEach(o.putObject("kinds")::put);
    o.put("lastKey", lastKey);
    try {
      DomainFileWriter.writeString(file, o.toString() + "\n");
    } catch (IOException e) {
      log.error("cannot write the switchover totals {}: {}", file, e.toString());
    }
    publish();
  }

  /** The totals by kind ("failover", "switchover", "start"); a kind never seen is absent. */
  Map<String, Long> snapshot() {
    return snapshot;
  }

  private void publish() {
    snapshot = Map.copyOf(counts);
  }

  private void read(JsonNode o) {
    JsonNode kinds = o == null ? null : o.get("kinds");
    JsonNode last = o == null ? null : o.get("lastKey");
    if (kinds == null || !kinds.isObject() || last == null || !last.isTextual()) {
      throw new IllegalArgumentException("kinds or lastKey missing");
    }
    kinds
        .fields()
        .forEachRemaining(
            k -> {
              JsonNode n = k.getValue();
              if (!SwitchoverEntry.KINDS.contains(k.getKey())
                  || !n.isIntegralNumber()
                  || !n.canConvertToLong()
                  || n.asLong() < 0) {
                throw new IllegalArgumentException("bad count " + k.getKey() + ": " + n);
              }
              counts.put(k.getKey(), n.asLong());
            });
    lastKey = last.asText();
  }

  private static int lastIndexOf(List<SwitchoverEntry> lines, String key) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).key().equals(key)) {
        return i;
      }
    }
    return -1;
  }
}
