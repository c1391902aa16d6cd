package io.hotstandby.rec;

import io.hotstandby.domain.DomainFileWriter;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the REC link keeps on disk so that heartbeats cannot be replayed across a restart: this
 * server's boot number ({@value #BOOT_FILE}), higher at every start, which every heartbeat carries;
 * and the highest boot number heard from each peer ({@value #PEERS_FILE}), below which a heartbeat
 * is refused. Files are replaced atomically (temp, fsync, rename). Thread-safe.
 */
public final class RecState {
  private static final Logger log = LoggerFactory.getLogger(RecState.class);
  static final String BOOT_FILE = "rec-boot";
  static final String PEERS_FILE = "rec-peer-boots.properties";

  private final Path dir;
  private final LongSupplier wallClock;
  private final Map<String, Long> peerBoots;

  private RecState(Path dir, LongSupplier wallClock, Map<String, Long> peerBoots) {
    this.dir = dir;
    this.wallClock = wallClock;
    this.peerBoots = peerBoots;
  }

  /**
   * Reads the state kept in {@code dir}.
   *
   * @throws IOException naming the file when one exists and cannot be read or parsed
   */
  public static RecState in(Path dir) throws IOException {
    return in(dir, System::currentTimeMillis);
  }

  static RecState in(Path dir, LongSupplier wallClock) throws IOException {
    Map<String, Long> boots = new TreeMap<>();
    Path file = dir.resolve(PEERS_FILE);
    String text = readOrEmpty(file);
    Properties p = new Properties();
    p.load(new StringReader(text));
    for (String name : p.stringPropertyNames()) {
      boots.put(name, parse(file, p.getProperty(name)));
    }
    return new RecState(dir, wallClock, boots);
  }

  /**
   * The boot number of a new start: above the last one written. The wall clock in milliseconds is
   * taken when it is higher, so that a server whose data folder was lost still starts above what
   * its peers remember of it. A file that cannot be read or written does not stop the link (the
   * failover must still work on a full disk): the wall clock then carries the order alone, and the
   * problem is logged.
   */
  synchronized long nextBoot() {
    Path file = dir.resolve(BOOT_FILE);
    long last = 0;
    try {
      String text = readOrEmpty(file).trim();
      last = text.isEmpty() ? 0 : parse(file, text);
    } catch (IOException e) {
      log.error("REC boot number: {}; counting from the clock", e.getMessage());
    }
    long next = Math.max(last + 1, wallClock.getAsLong());
    try {
      DomainFileWriter.writeString(file, next + "\n");
    } catch (IOException e) {
      log.error("REC boot number {} not written to {}: {}", next, file, e.toString());
    }
    return next;
  }

  /** The highest boot number heard from {@code peer}, 0 if none. */
  synchronized long peerBoot(String peer) {
    return peerBoots.getOrDefault(peer, 0L);
  }

  /** Records that {@code peer} was heard with {@code boot}, if higher than known. */
  synchronized void peerBooted(String peer, long boot) throws IOException {
    if (boot <= peerBoot(peer)) {
      return;
    }
    peerBoots.put(peer, boot);
    StringBuilder sb = new StringBuilder("# highest REC boot number heard from each peer\n");
    peerBoots.forEach((name, b) -> sb.append(escape(name)).append('=').append(b).append('\n'));
    DomainFileWriter.writeString(dir.resolve(PEERS_FILE), sb.toString());
  }

  private static String escape(String name) {
    StringBuilder sb = new StringBuilder();
    for (char c : name.toCharArray()) {
      if ("=: #!\\".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static String readOrEmpty(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    }
  }

  private static long parse(Path file, String value) throws IOException {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IOException(file + ": '" + value.trim() + "' is not a boot number");
    }
  }
}
