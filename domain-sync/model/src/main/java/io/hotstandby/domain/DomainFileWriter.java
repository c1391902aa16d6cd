package io.hotstandby.domain;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Replaces a file so that a crash at any moment leaves either the old or the new content, never a
 * mix: the bytes go to a temporary file in the same folder, are forced to disk, and the temporary
 * file is atomically renamed over the target.
 */
public final class DomainFileWriter {
  private DomainFileWriter() {}

  /** Atomically replaces (or creates) {@code target} with {@code content}. */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, content, temp -> {});
  }

  /** Atomically replaces (or creates) {@code target} with {@code text} encoded as UTF-8. */
  public static void writeString(Path target, String text) throws IOException {
    write(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A step the tests run between writing the temporary file and renaming it. */
  interface BeforeMove {
    void run(Path temp) throws IOException;
  }

  static void write(Path target, byte[] content, BeforeMove beforeMove) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    Path temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      copyPermissions(abs, temp);
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      beforeMove.run(temp);
      Files.move(temp, abs, ATOMIC_MOVE, REPLACE_EXISTING);
    } catch (Throwable e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    fsyncDirectory(dir);
  }

  // A temporary file is created owner-only; an existing target keeps the access it had.
  private static void copyPermissions(Path from, Path to) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    if (view != null && Files.exists(from)) {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      Files.setPosixFilePermissions(to, perms);
    }
  }

  // Without this the rename itself may be lost on power failure. Some platforms cannot open a
  // directory for sync; the rename is then as durable as that platform makes it.
  private static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort, see above
    }
  }
}
