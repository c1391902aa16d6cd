package io.hotstandby.domain.sync;

import io.hotstandby.domain.DomainFileWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every version of the domain file a server has seen, in a folder of its own: for each, the file's
 * bytes ({@code <seq>-v<number>-<sha12>.dom}) and what is known about it ({@code .properties}).
 * Both are written atomically (temporary file, fsync, rename); the metadata last, so a version
 * whose metadata is missing was never recorded and is ignored. The newest {@value #MAX_ENTRIES}
 * entries are kept, and no more than {@value #MAX_BYTES} bytes of content (the history is held in
 * memory): with large files fewer entries remain.
 */
public final class DomainHistory {
  private static final Logger log = LoggerFactory.getLogger(DomainHistory.class);

  private final Path dir;
  private final int maxEntries;
  private final long maxBytes;
  private final List<HistoryEntry> entries = new ArrayList<>();

  private DomainHistory(Path dir, int maxEntries, long maxBytes) {
    this.dir = dir;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** Opens (creating if needed) the history kept in {@code dir}. */
  public static DomainHistory open(Path dir) throws IOException {
    return open(dir, MAX_ENTRIES, MAX_BYTES);
  }

  /** Opens the history in {@code dir}, keeping at most these entries and content bytes. */
  static DomainHistory open(Path dir, int maxEntries, long maxBytes) throws IOException {
    DomainHistory h = new DomainHistory(dir, maxEntries, maxBytes);
    Files.createDirectories(dir);
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir, "*.properties")) {
      for (Path meta : list) {
        try {
          h.entries.add(h.load(meta));
        } catch (IOException | RuntimeException e) {
          log.warn("{}: unreadable history entry skipped: {}", meta, e.toString());
        }
      }
    }
    h.entries.sort(Comparator.comparingLong(HistoryEntry::seq));
    h.prune();
    return h;
  }

  /** The folder the history is kept in. */
  public Path dir() {
    return dir;
  }

  /** Every entry, oldest first. */
  public synchronized List<HistoryEntry> entries() {
    return List.copyOf(entries);
  }

  /** Records one version; returns the entry. */
  public synchronized HistoryEntry record(
      DomainVersion v, HistoryEntry.Kind kind, long nowMillis, String note) throws IOException {
    long seq = entries.isEmpty() ? 1 : entries.get(entries.size() - 1).seq() + 1;
    HistoryEntry e = new HistoryEntry(seq, v, kind, nowMillis, note == null ? "" : note);
    String base = String.format("%08d-v%d-%s", seq, v.number(), v.shortSha());
    DomainFileWriter.write(dir.resolve(base + ".dom"), v.content());
    Properties p = new Properties();
    p.setProperty("seq", Long.toString(seq));
    p.setProperty("number", Long.toString(v.number()));
    p.setProperty("sha256", v.sha256());
    p.setProperty("server", v.server());
    p.setProperty("user", v.user());
    p.setProperty("time", Long.toString(v.timeMillis()));
    p.setProperty("source", v.source());
    p.setProperty("lineage", String.join(",", v.lineage()));
    p.setProperty("kind", kind.name());
    p.setProperty("recorded", Long.toString(nowMillis));
    p.setProperty("note", e.note());
    p.setProperty("content", base + ".dom");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.store(out, "domain file history entry");
    DomainFileWriter.write(dir.resolve(base + ".properties"), out.toByteArray());
    entries.add(e);
    prune();
    return e;
  }

  /** The most entries kept; older ones go, the newest version put in force always stays. */
  static final int MAX_ENTRIES = 500;

  /** The most content bytes kept over all entries: 64 MiB. */
  static final long MAX_BYTES = 64L << 20;

  private void prune() {
    HistoryEntry inForce = null;
    for (HistoryEntry e : entries) {
      if (e.kind() == HistoryEntry.Kind.APPLIED) {
        inForce = e;
      }
    }
    long bytes = 0;
    for (HistoryEntry e : entries) {
      bytes += e.version().content().length;
    }
    for (int i = 0; (entries.size() > maxEntries || bytes > maxBytes) && i < entries.size(); ) {
      HistoryEntry old = entries.get(i);
      if (old == inForce) {
        i++;
        continue;
      }
      String base =
          String.format("%08d-v%d-%s", old.seq(), old.version().number(), old.version().shortSha());
      try {
        // The metadata first: without it the content file is ignored when the history is read.
        Files.deleteIfExists(dir.resolve(base + ".properties"));
        Files.deleteIfExists(dir.resolve(base + ".dom"));
      } catch (IOException x) {
        log.warn("cannot prune {} from {}: {}", base, dir, x.toString());
        return;
      }
      entries.remove(i);
      bytes -= old.version().content().length;
    }
  }

  private HistoryEntry load(Path meta) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      p.load(in);
    }
    byte[] content = Files.readAllBytes(dir.resolve(required(p, "content")));
    String lineage = p.getProperty("lineage", "");
    DomainVersion v =
        new DomainVersion(
            Long.parseLong(required(p, "number")),
            required(p, "sha256"),
            required(p, "server"),
            required(p, "user"),
            Long.parseLong(required(p, "time")),
            required(p, "source"),
            lineage.isEmpty() ? List.of() : Arrays.asList(lineage.split(",")),
            content);
    if (!io.hotstandby.domain.Sha256.hex(content).equals(v.sha256())) {
      throw new IOException("content does not match its SHA-256");
    }
    return new HistoryEntry(
        Long.parseLong(required(p, "seq")),
        v,
        HistoryEntry.Kind.valueOf(required(p, "kind")),
        Long.parseLong(required(p, "recorded")),
        p.getProperty("note", ""));
  }

  private static String required(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      throw new UncheckedIOException(new IOException("missing " + key));
    }
    return v;
  }
}
