package io.hotstandby.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainFileWriterTest {
  @TempDir Path dir;

  @Test
  void createsAndReplacesContent() throws Exception {
    Path target = dir.resolve("demo.dom");

    DomainFileWriter.writeString(target, "first");
    DomainFileWriter.write(target, "second, longer".getBytes());
    DomainFileWriter.writeString(target, "3rd");

    assertThat(target).hasContent("3rd");
    assertThat(entries()).containsExactly("demo.dom");
  }

  @Test
  void replacementKeepsTheTargetsPermissions() throws Exception {
    Path target = dir.resolve("demo.dom");
    Files.writeString(target, "old");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));

    DomainFileWriter.writeString(target, "new");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-r-----");
  }

  @Test
  void readersSeeOldOrNewContentNeverAMix() throws Exception {
    Path target = dir.resolve("demo.dom");
    String a = "a".repeat(200_000);
    String b = "b".repeat(300_000);
    DomainFileWriter.writeString(target, a);
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 50; i++) {
                  DomainFileWriter.writeString(target, i % 2 == 0 ? b : a);
                }
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    writer.start();
    while (writer.isAlive()) {
      assertThat(Files.readString(target)).isIn(a, b);
    }
    writer.join();
  }

  @Test
  void failureBeforeTheRenameLeavesOldFileAndNoTemporaryFile() throws Exception {
    Path target = dir.resolve("demo.dom");
    Files.writeString(target, "old");
    List<Path> temps = new java.util.ArrayList<>();

    assertThatThrownBy(
            () ->
                DomainFileWriter.write(
                    target,
                    "new".getBytes(),
                    temp -> {
                      temps.add(temp);
                      assertThat(temp).hasContent("new").hasParent(dir);
                      throw new IOException("disk pulled");
                    }))
        .hasMessage("disk pulled");

    assertThat(temps).hasSize(1);
    assertThat(target).hasContent("old");
    assertThat(entries()).containsExactly("demo.dom");
  }

  @Test
  void failedRenameRemovesTheTemporaryFile() throws Exception {
    Path target = dir.resolve("busy");
    Files.createDirectories(target.resolve("child"));

    assertThatThrownBy(() -> DomainFileWriter.writeString(target, "new"))
        .isInstanceOf(IOException.class);

    assertThat(target.resolve("child")).isDirectory();
    assertThat(entries()).containsExactly("busy");
  }

  // We run as root, which writes into read-only folders; a parent that is a regular file fails
  // for everyone.
  @Test
  void parentThatIsAFileFailsAndTouchesNothing() throws Exception {
    Path old = dir.resolve("demo.dom");
    Files.writeString(old, "old");
    Path notAFolder = dir.resolve("notes.txt");
    Files.writeString(notAFolder, "notes");

    assertThatThrownBy(() -> DomainFileWriter.writeString(notAFolder.resolve("demo.dom"), "new"))
        .isInstanceOf(IOException.class);

    assertThat(old).hasContent("old");
    assertThat(notAFolder).hasContent("notes");
    assertThat(entries()).containsExactly("demo.dom", "notes.txt");
  }

  private List<String> entries() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
