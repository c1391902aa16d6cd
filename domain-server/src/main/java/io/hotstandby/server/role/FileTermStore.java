package io.hotstandby.server.role;

import io.hotstandby.domain.DomainFileWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The term in a small file of the data directory that is made once, at its full size, and then only
 * overwritten in place: storing a term allocates nothing, so it still succeeds when logs (or
 * anything else) have filled the file system, and a full disk never stops a takeover.
 *
 * <p>The file holds two slots in separate 512-byte sectors, each a term and its CRC-32. A term is
 * written, with an fsync, into the slot that holds the lower term, so a write torn by a crash or
 * power loss spoils at most that slot and the other still holds the term before; loading takes the
 * highest slot whose CRC holds. A file of the earlier one-line text form is read and then replaced
 * by the two-slot form (atomically: temp file, fsync, rename) while the disk has room; on a
 * copy-on-write file system (btrfs, ZFS) an in-place write allocates too, so keep the data
 * directory on ext4/xfs or give it a reserve.
 */
public final class FileTermStore implements TermStore {
  /** The file's size: one file-system block, allocated when the file is made. */
  static final int FILE_SIZE = 4096;

  private static final int SLOT_SIZE = 512;
  private static final int SLOTS = 2;

  private final Path file;

  // The terms in the slots as last read or written; meaningful once the file has the slot form.
  private final long[] slots = new long[SLOTS];
  private boolean slotted;

  public FileTermStore(Path file) {
    this.file = file;
  }

  @Override
  public synchronized long load() throws IOException {
    if (!Files.exists(file)) {
      // Made now, while the disk has room, so that the first takeover only overwrites.
      tryCreate(0);
      return 0;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length != FILE_SIZE) {
      long term = parseText(bytes);
      tryCreate(term);
      return term;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long best = -1;
    for (int i = 0; i < SLOTS; i++) {
      long term = buf.getLong(i * SLOT_SIZE);
      long crc = buf.getLong(i * SLOT_SIZE + Long.BYTES);
      slots[i] = crc == crc(term) && term >= 0 ? term : -1;
      best = Math.max(best, slots[i]);
    }
    if (best < 0) {
      throw new IOException(file + ": term: neither slot holds a valid term");
    }
    slotted = true;
    return best;
  }

  @Override
  public synchronized void store(long term) throws IOException {
    if (!slotted) {
      create(term);
      return;
    }
    int slot = slots[0] <= slots[1] ? 0 : 1;
    if (!Files.exists(file)) {
      create(term); // removed behind the server's back
      return;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer buf = slot(term);
      long at = (long) slot * SLOT_SIZE;
      while (buf.hasRemaining()) {
        at += ch.write(buf, at);
      }
      ch.force(false);
    }
    slots[slot] = term;
  }

  // A server whose disk is full at start still starts; its first takeover tries again.
  private void tryCreate(long term) {
    try {
      create(term);
    } catch (IOException e) {
      slotted = false;
    }
  }

  // Both slots hold the term; the rest of the block is zeros, written so it is allocated.
  private void create(long term) throws IOException {
    ByteBuffer image = ByteBuffer.allocate(FILE_SIZE);
    for (int i = 0; i < SLOTS; i++) {
      image.putLong(i * SLOT_SIZE, term).putLong(i * SLOT_SIZE + Long.BYTES, crc(term));
    }
    DomainFileWriter.write(file, image.array());
    slots[0] = term;
    slots[1] = term;
    slotted = true;
  }

  private static ByteBuffer slot(long term) {
    return ByteBuffer.allocate(Long.BYTES * 2).putLong(term).putLong(crc(term)).flip();
  }

  private static long crc(long term) {
    CRC32 crc = new CRC32();
    crc.update(ByteBuffer.allocate(Long.BYTES).putLong(term).array());
    return crc.getValue();
  }

  private long parseText(byte[] bytes) throws IOException {
    String text = new String(bytes, StandardCharsets.UTF_8).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException(file + ": term: not a number: '" + text + "'", e);
    }
  }
}
