package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The standby's data directory (term, logs, certificates) is a small tmpfs in a mount namespace of
 * its own, filled to the last byte as logs would fill it. The active crashes: the standby still
 * stores its next term and takes over.
 */
class TermOnFullDiskIT {
  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("termdisk")
            .servers("alpha", "beta")
            .smallDataDisk("beta", "8m")
            .startFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY"));
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  @Test
  void aStandbyWhoseDiskIsFullStillTakesOverWithTheNextTerm() throws Exception {
    long term = domain.server("alpha").status().path("term").asLong();
    Path data = domain.dataFolderOf("beta");
    fill(data.resolve("filler"));
    assertThatThrownBy(() -> Files.writeString(data.resolve("one-more"), "x".repeat(8192)))
        .hasMessageContaining("No space left");

    domain.server("alpha").kill();

    domain.awaitState("beta", "ACTIVE");
    // The status is published once the change's effects are carried out, just after it is logged.
    await()
        .atMost(Timing.seconds(10))
        .until(() -> domain.server("beta").status().path("term").asLong() == term + 1);
  }

  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
    // The last partial blocks too: a small write may still fit after a large one failed.
    try (OutputStream out =
        Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(new byte[512]);
        out.flush();
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
  }
}
