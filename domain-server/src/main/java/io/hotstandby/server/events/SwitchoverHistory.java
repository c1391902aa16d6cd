package io.hotstandby.server.events;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change of the active server this server knows of, its own and those the others sent: a file
 * of one {@link SwitchoverEntry} a line ({@code switchovers.jsonl}, rotated by size) and the newest
 * {@value #KEPT} in memory, oldest first. An entry is kept once however often it arrives (by the
 * new active and its term). A line of the file that cannot be read (cut short by a crash, garbled)
 * is skipped with a warning; the rest is kept. How many entries of each kind it ever took in is
 * kept beside it ({@link SwitchoverTotals}), so {@link #totals} goes on rising once entries are
 * trimmed or rotated away, and across restarts. Thread-safe.
 */
public final class SwitchoverHistory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SwitchoverHistory.class);

  /** Entries kept in memory and answered from. */
  public static final int KEPT = 500;

  /** A file is rotated at this size: the file and its predecessor hold far more than KEPT. */
  static final long MAX_BYTES = 1024 * 1024;

  private static final Comparator<SwitchoverEntry> ORDER =
      Comparator.comparingLong(SwitchoverEntry::atMillis)
          .thenComparingLong(SwitchoverEntry::term)
          .thenComparing(SwitchoverEntry::to);

  private final RotatingFile out;
  private final List<SwitchoverEntry> entries = new ArrayList<>(); // oldest first
  private final Set<String> keys = new HashSet<>();
  private final List<String> skipped = new ArrayList<>();
  private final SwitchoverTotals totals;

  /**
   * Opens (or creates) the history in {@code file} and reads what it holds, with the totals beside
   * it ({@value SwitchoverTotals#FILE}).
   */
  public SwitchoverHistory(Path file) {
    try {
      List<SwitchoverEntry> lines = new ArrayList<>();
      read(file.resolveSibling(file.getFileName() + ".1"), lines);
      read(file, lines);
      lines.forEach(this::remember);
      totals = SwitchoverTotals.load(file.resolveSibling(SwitchoverTotals.FILE), lines, skipped);
      endWithLineBreak(file);
      out = new RotatingFile(file, MAX_BYTES, 2);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the switchover history " + file, e);
    }
  }

  /**
   * One line per line of the file that could not be read (file, line number and why), and one when
   * the totals could not be.
   */
  public synchronized List<String> skipped() {
    return List.copyOf(skipped);
  }

  /**
   * Adds an entry unless it is known, and appends it to the file.
   *
   * @return whether it was new
   */
  public boolean add(SwitchoverEntry e) {
    return addAll(List.of(e)) == 1;
  }

  /**
   * Adds the entries that are not known, appends them to the file and saves the totals, once for
   * them all.
   *
   * @return how many were new
   */
  public synchronized int addAll(List<SwitchoverEntry> list) {
    StringBuilder lines = new StringBuilder();
    int added = 0;
    for (SwitchoverEntry e : list) {
      if (remember(e)) {
        lines.append(e.toJson()).append('\n');
        totals.count(e);
        added++;
      }
    }
    if (added == 0) {
      return 0;
    }
    try {
      out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
      out.force(); // on the disk before the totals that count them: the totals are never ahead
    } catch (IOException x) {
      log.error("cannot write the switchover history: {}", x.toString());
    }
    totals.save();
    return added;
  }

  /**
   * How many entries of each kind ("failover", "switchover", "start") this history has taken in,
   * those no longer kept included, across restarts; a kind never seen is absent. Never lower than
   * an earlier answer of this instance. Any thread; takes no lock.
   */
  public Map<String, Long> totals() {
    return totals.snapshot();
  }

  /** The newest {@code max} entries, oldest first. */
  public synchronized List<SwitchoverEntry> newest(int max) {
    int n = Math.max(0, Math.min(max, entries.size()));
    return List.copyOf(entries.subList(entries.size() - n, entries.size()));
  }

  /** The newest {@code max} entries as a JSON array, oldest first. */
  public String json(int max) {
    StringBuilder b = new StringBuilder("[");
    for (SwitchoverEntry e : newest(max)) {
      b.append(b.length() > 1 ? "," : "").append(e.toJson());
    }
    return b.append(']').toString();
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      log.warn("closing the switchover history: {}", e.toString());
    }
  }

  /** Keeps {@code e} in memory in time order; false when known or older than all KEPT. */
  private boolean remember(SwitchoverEntry e) {
    if (keys.contains(e.key())) {
      return false;
    }
    if (entries.size() >= KEPT && ORDER.compare(e, entries.get(0)) < 0) {
      return false; // older than everything kept: it would come back at every catch-up
    }
    int at = entries.size();
    while (at > 0 && ORDER.compare(entries.get(at - 1), e) > 0) {
      at--;
    }
    entries.add(at, e);
    keys.add(e.key());
    if (entries.size() > KEPT) {
      keys.remove(entries.remove(0).key());
    }
    return true;
  }

  /** Adds the entries of {@code file}'s lines to {@code entries}, in the file's order. */
  private void read(Path file, List<SwitchoverEntry> entries) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    // Decoded leniently: a garbled byte spoils its line, not the whole file.
    String[] lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      try {
        entries.add(SwitchoverEntry.parse(line));
      } catch (IllegalArgumentException e) {
        String why = file + ": line " + (i + 1) + ": skipped: " + e.getMessage();
        log.warn(why);
        skipped.add(why);
      }
    }
  }

  /** A line cut short by a crash must not swallow the next entry written after it. */
  private static void endWithLineBreak(Path file) throws IOException {
    if (!Files.exists(file) || Files.size(file) == 0) {
      return;
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(f.length() - 1);
      if (f.read() != '\n') {
        f.seek(f.length());
        f.write('\n');
      }
    }
  }
}
