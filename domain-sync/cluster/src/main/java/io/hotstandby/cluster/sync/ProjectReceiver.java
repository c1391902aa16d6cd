package io.hotstandby.cluster.sync;

import io.hotstandby.domain.DomainFileWriter;
import io.hotstandby.domain.Sha256;
import io.hotstandby.events.Weight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's side of a copy from the active, on the "project-sync" thread: it asks the active for
 * the first file whose copy on this server's disk differs, one at a time, assembles the file's
 * chunks (at most {@value ProjectSyncMessage#MAX_FILE} bytes), verifies its SHA-256 against the
 * manifest, keeps the file it replaces in the {@link ProjectHistory} and writes the new one
 * atomically. Whether this server may copy at all is its caller's decision.
 */
final class ProjectReceiver {
  // Project sync logs under one name, whichever part of it speaks.
  private static final Logger log = LoggerFactory.getLogger(ProjectSync.class);

  /** A transfer that gets no chunk for this long is abandoned and asked again. */
  static final long STALL_MS = 10_000;

  /** How long a file whose copy failed (hash, write) is left alone before it is asked again. */
  static final long RETRY_MS = 5_000;

  /** A transfer being received. */
  private static final class Incoming {
    final String path;
    final String from;
    final String sha256;
    final byte[] content;
    final long startedNanos;
    int received;
    long lastChunkNanos;

    Incoming(String path, String from, String sha256, int size, long startedNanos) {
      this.path = path;
      this.from = from;
      this.sha256 = sha256;
      this.content = new byte[size];
      this.startedNanos = startedNanos;
      this.lastChunkNanos = startedNanos;
    }
  }

  private final String self;
  private final ProjectFiles files;
  private final ProjectHistory history;
  private final ProjectSync.Listener listener;
  private final LongSupplier nanoTime;
  private final Consumer<ProjectSyncMessage> send;
  private final AtomicLong copied = new AtomicLong();
  private volatile String copying = "";

  // "project-sync" thread only.
  private Incoming incoming;
  private String wanted;
  private long wantedAtNanos;
  private final Map<String, Long> retryAfter = new HashMap<>();
  private final Map<String, String> reported = new HashMap<>();

  /**
   * @param self this server's name
   * @param files this server's project files
   * @param history where the files a copy replaces are kept
   * @param listener told of copies and of failures
   * @param nanoTime the monotonic clock of stalls, retries and the time a copy took
   * @param send publishes a message on the topic
   */
  ProjectReceiver(
      String self,
      ProjectFiles files,
      ProjectHistory history,
      ProjectSync.Listener listener,
      LongSupplier nanoTime,
      Consumer<ProjectSyncMessage> send) {
    this.self = self;
    this.files = files;
    this.history = history;
    this.listener = listener;
    this.nanoTime = nanoTime;
    this.send = send;
  }

  /** The file being copied from the active, or "". */
  String copying() {
    return copying;
  }

  /** How many files were copied from the active since the start. */
  long filesCopied() {
    return copied.get();
  }

  /**
   * Asks {@code active} for the next file that differs on this server's disk, unless a transfer is
   * under way or was asked for less than {@value #STALL_MS} ms ago.
   *
   * @param readDisk the manifest of this server's files on disk now, read only when needed
   */
  void askForNext(ProjectSyncMessage.Announce active, Supplier<ProjectManifest> readDisk) {
    long now = nanoTime.getAsLong();
    if (incoming != null) {
      return;
    }
    if (wanted != null && now - wantedAtNanos < STALL_MS * 1_000_000) {
      return; // asked, no chunk yet
    }
    wanted = null;
    ProjectManifest mine = readDisk.get();
    for (ProjectManifest.Entry theirs : active.onDisk().entries()) {
      if (!theirs.copyable()) {
        continue;
      }
      Optional<ProjectManifest.Entry> here = mine.entry(theirs.path());
      if (here.isPresent() && here.get().sha256().equals(theirs.sha256())) {
        continue;
      }
      if (files.resolve(theirs.path()).isEmpty()) {
        continue; // the domain versions differ for a moment
      }
      String key = key(theirs.path(), theirs.sha256());
      if (theirs.size() > ProjectSyncMessage.MAX_FILE) {
        reportOnce(
            theirs.path(),
            key,
            Weight.WARNING,
            "project file "
                + theirs.path()
                + " of "
                + active.sender()
                + " has "
                + theirs.size()
                + " bytes, more than the "
                + ProjectSyncMessage.MAX_FILE
                + " copied; copy it by hand");
        continue;
      }
      Long after = retryAfter.get(key);
      if (after != null && now - after < 0) {
        continue;
      }
      wanted = theirs.path();
      wantedAtNanos = now;
      send.accept(
          new ProjectSyncMessage.Want(self, active.sender(), theirs.path(), theirs.sha256()));
      return;
    }
  }

  /**
   * Takes a chunk from the active addressed to this server: the first chunk of the file asked for
   * starts its transfer (again, if it was under way), the next in order adds to it, and a gap
   * abandons it so that it is asked again.
   *
   * @return whether the chunk completed a file, written or discarded
   */
  boolean chunk(ProjectSyncMessage.Chunk c) {
    long now = nanoTime.getAsLong();
    if (c.offset() == 0) {
      boolean asked =
          c.path().equals(wanted) || (incoming != null && incoming.path.equals(c.path()));
      if (!asked || files.resolve(c.path()).isEmpty()) {
        return false;
      }
      if (incoming != null) {
        log.info("copy of {} from {} starts again", incoming.path, incoming.from);
      }
      long started = c.path().equals(wanted) ? wantedAtNanos : now;
      incoming = new Incoming(c.path(), c.sender(), c.sha256(), (int) c.size(), started);
      copying = c.path();
    }
    Incoming in = incoming;
    if (in == null
        || !in.path.equals(c.path())
        || !in.from.equals(c.sender())
        || !in.sha256.equals(c.sha256())
        || in.content.length != c.size()) {
      return false;
    }
    if (c.offset() != in.received) {
      // Asked again at once; the active sends it after the transfer under way.
      abandon("a chunk was lost (" + c.offset() + " received, " + in.received + " expected)");
      return false;
    }
    System.arraycopy(c.data(), 0, in.content, in.received, c.data().length);
    in.received += c.data().length;
    in.lastChunkNanos = now;
    if (in.received < in.content.length) {
      return false;
    }
    incoming = null;
    wanted = null;
    copying = "";
    complete(in);
    return true;
  }

  /** Abandons a transfer that has had no chunk for {@value #STALL_MS} ms. */
  void abandonStalled() {
    if (incoming != null && nanoTime.getAsLong() - incoming.lastChunkNanos > STALL_MS * 1_000_000) {
      abandon("no data from " + incoming.from + " for " + STALL_MS + " ms");
    }
  }

  /** This server became the active: nothing is copied to it, nothing waits to be asked again. */
  void becameActive() {
    abandon("this server is the active now");
    retryAfter.clear();
  }

  /**
   * Drops the transfer under way and what was asked for, so that the next ask starts afresh.
   *
   * @param why logged when a transfer was under way, unless ""
   */
  void abandon(String why) {
    if (incoming != null && !why.isEmpty()) {
      log.info("copy of {} from {} abandoned: {}", incoming.path, incoming.from, why);
    }
    incoming = null;
    copying = "";
    wanted = null;
  }

  private static String key(String path, String sha256) {
    return path + "@" + sha256;
  }

  private void retryLater(String key, long now) {
    retryAfter.put(key, now + RETRY_MS * 1_000_000);
  }

  private void complete(Incoming in) {
    long now = nanoTime.getAsLong();
    String key = key(in.path, in.sha256);
    String actual = Sha256.hex(in.content);
    if (!actual.equals(in.sha256)) {
      retryLater(key, now);
      listener.event(
          Weight.WARNING,
          "copy of project file "
              + in.path
              + " from "
              + in.from
              + " discarded: its SHA-256 is "
              + actual
              + ", the manifest says "
              + in.sha256
              + "; asking again in "
              + RETRY_MS / 1000
              + " s");
      return;
    }
    Optional<Path> target = files.resolve(in.path);
    if (target.isEmpty()) {
      return;
    }
    Path file = target.get();
    try {
      if (Files.exists(file)) {
        if (ProjectFiles.hash(file).equals(in.sha256)) {
          files.invalidate(file);
          return; // already there
        }
        history.keep(file);
      } else {
        Files.createDirectories(file.getParent());
      }
      DomainFileWriter.write(file, in.content);
    } catch (IOException | RuntimeException e) {
      retryLater(key, now);
      reportOnce(
          in.path,
          key,
          Weight.ERROR,
          "cannot write project file "
              + file
              + " copied from "
              + in.from
              + ": "
              + e.getMessage()
              + "; the file there is unchanged, trying again later");
      return;
    } finally {
      files.invalidate(file);
    }
    reported.remove(in.path);
    retryAfter.remove(key);
    copied.incrementAndGet();
    listener.event(
        Weight.NOTICE,
        "project file "
            + in.path
            + " updated from "
            + in.from
            + " ("
            + in.content.length
            + " bytes in "
            + (now - in.startedNanos) / 1_000_000
            + " ms); the runtime loads it when this server restarts");
  }

  private void reportOnce(String path, String key, Weight weight, String message) {
    if (!key.equals(reported.get(path))) {
      reported.put(path, key);
      listener.event(weight, message);
    }
  }
}
