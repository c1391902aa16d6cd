package io.hotstandby.server.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The term file is made once at full size and afterwards only overwritten in place. */
class FileTermStoreTest {
  @TempDir Path dir;

  @Test
  void aNewStoreIsMadeAtFullSizeAndKeepsTheTermAcrossRestarts() throws Exception {
    Path file = dir.resolve("term");
    FileTermStore store = new FileTermStore(file);

    assertThat(store.load()).isZero();
    assertThat(Files.size(file)).isEqualTo(FileTermStore.FILE_SIZE);
    for (long t = 1; t <= 5; t++) {
      store.store(t);
    }

    assertThat(Files.size(file)).isEqualTo(FileTermStore.FILE_SIZE);
    assertThat(new FileTermStore(file).load()).isEqualTo(5);
  }

  @Test
  void storingOverwritesTheSameFileInPlace() throws Exception {
    Path file = dir.resolve("term");
    FileTermStore store = new FileTermStore(file);
    store.load();
    Object inode = Files.readAttributes(file, "unix:ino").get("ino");

    store.store(7);
    store.store(8);

    // No temporary file, no rename: nothing a full file system would refuse.
    assertThat(Files.readAttributes(file, "unix:ino").get("ino")).isEqualTo(inode);
    try (var list = Files.list(dir)) {
      assertThat(list).containsExactly(file);
    }
  }

  @Test
  void aWriteTornByACrashLeavesTheTermBefore() throws Exception {
    Path file = dir.resolve("term");
    FileTermStore store = new FileTermStore(file);
    store.load();
    store.store(41);
    store.store(42);
    // The next store goes to the slot holding 41; a crash spoils it half written.
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      long slotOf41 = slotHolding(file, 41);
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 43}), slotOf41);
    }

    assertThat(new FileTermStore(file).load()).isEqualTo(42);
  }

  @Test
  void aTermFileOfTheEarlierTextFormIsReadAndRewritten() throws Exception {
    Path file = dir.resolve("term");
    Files.writeString(file, "17\n");
    FileTermStore store = new FileTermStore(file);

    assertThat(store.load()).isEqualTo(17);
    assertThat(Files.size(file)).isEqualTo(FileTermStore.FILE_SIZE);
    store.store(18);
    assertThat(new FileTermStore(file).load()).isEqualTo(18);
  }

  private static long slotHolding(Path file, long term) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    return b.getLong(0) == term ? 0 : 512;
  }
}
