package io.hotstandby.domain.sync;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the domain file for local edits. Editors save in many ways (in place, or a new file
 * renamed over the old one), so every create or modify of the file's name counts, and the content
 * is read once the file has been quiet for a short while. The consumer gets the bytes after each
 * edit and decides whether they are a change: the server's own writes land here too.
 */
public final class DomainFileWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DomainFileWatcher.class);

  private final Path file;
  private final long quietMillis;
  private final Consumer<byte[]> onContent;
  private final WatchService watcher;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * Registers the folder with the file system's watch service; {@link #start} starts watching.
   *
   * @param file the domain file
   * @param quietMillis how long the file must be unchanged before it is read
   * @param onContent called on the watcher's thread with the file's bytes after each edit
   * @throws IOException when the folder cannot be watched
   */
  public DomainFileWatcher(Path file, long quietMillis, Consumer<byte[]> onContent)
      throws IOException {
    this.file = file.toAbsolutePath().normalize();
    this.quietMillis = quietMillis;
    this.onContent = onContent;
    this.watcher = FileSystems.getDefault().newWatchService();
    this.file
        .getParent()
        .register(
            watcher,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.OVERFLOW);
    this.thread = new Thread(this::run, "domain-file-watcher");
    thread.setDaemon(true);
  }

  /** Starts the watcher's thread; returns this watcher. */
  public DomainFileWatcher start() {
    thread.start();
    return this;
  }

  private void run() {
    // Monotonic: a step of the wall clock must neither deliver an edit early nor hold it back.
    boolean pending = false;
    long dueAt = 0;
    while (!closed) {
      try {
        long wait =
            pending ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(dueAt - System.nanoTime())) : 1000;
        WatchKey key = watcher.poll(wait, TimeUnit.MILLISECONDS);
        if (key != null) {
          boolean ours = false;
          for (WatchEvent<?> e : key.pollEvents()) {
            ours |=
                e.kind() == StandardWatchEventKinds.OVERFLOW
                    || file.getFileName().equals(e.context());
          }
          // Only events on the domain file itself restart the quiet period: a busy folder (project
          // copies, say) must not hold an edit back.
          if (ours) {
            pending = true;
            dueAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(quietMillis);
          }
          if (!key.reset()) {
            log.error("{} can no longer be watched; local edits are not noticed", file.getParent());
            return;
          }
        }
        if (pending && System.nanoTime() - dueAt >= 0) {
          pending = false;
          deliver();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("watching {}: {}", file, e.toString());
      }
    }
  }

  private void deliver() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return; // between an editor's delete and its create; the create comes next
    } catch (IOException e) {
      log.warn("cannot read {}: {}", file, e.toString());
      return;
    }
    onContent.accept(bytes);
  }

  @Override
  public void close() {
    closed = true;
    try {
      watcher.close();
    } catch (IOException e) {
      log.debug("closing the watcher: {}", e.toString());
    }
    thread.interrupt();
  }
}
