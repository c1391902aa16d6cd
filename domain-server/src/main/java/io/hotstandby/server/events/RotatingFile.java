package io.hotstandby.server.events;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An append-only file that is rotated by size, as logrotate would: when a write would take {@code
 * file} beyond {@code maxBytes}, it becomes {@code file.1}, the older ones shift up to {@code
 * file.<keep-1>} and the oldest is dropped. The disk a busy or flooded server fills is so bounded
 * by {@code maxBytes × keep}; the term beside it must stay writable (see {@code FileTermStore}).
 *
 * <p>Not thread-safe: the logs that use it write under their own lock.
 */
final class RotatingFile implements AutoCloseable {
  /** Size at which a log is rotated. */
  static final long MAX_BYTES = 10L * 1024 * 1024;

  /** Files kept per log, the current one included. */
  static final int KEEP = 5;

  private final Path file;
  private final long maxBytes;
  private final int keep;
  private FileChannel channel;
  private OutputStream out;
  private long size;

  RotatingFile(Path file, long maxBytes, int keep) throws IOException {
    if (keep < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("keep and maxBytes must be positive");
    }
    this.file = file;
    this.maxBytes = maxBytes;
    this.keep = keep;
    Files.createDirectories(file.toAbsolutePath().getParent());
    open();
  }

  /** Appends {@code bytes} (one or more whole lines) and flushes them. */
  void write(byte[] bytes) throws IOException {
    if (size > 0 && size + bytes.length > maxBytes) {
      rotate();
    }
    out.write(bytes);
    out.flush();
    size += bytes.length;
  }

  /** Forces what was written to the disk, for a file that must be there before what follows. */
  void force() throws IOException {
    channel.force(false);
  }

  private void open() throws IOException {
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    out = Channels.newOutputStream(channel);
    size = channel.size();
  }

  private void rotate() throws IOException {
    out.close();
    try {
      Files.deleteIfExists(numbered(keep - 1));
      for (int i = keep - 2; i >= 1; i--) {
        if (Files.exists(numbered(i))) {
          Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      if (keep > 1) {
        Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.delete(file);
      }
    } finally {
      // Even when a rename failed, the log goes on (in the file it was in).
      open();
    }
  }

  private Path numbered(int i) {
    return file.resolveSibling(file.getFileName() + "." + i);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
