package io.hotstandby.domain.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.domain.Sha256;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainHistoryTest {
  @TempDir Path dir;

  static DomainVersion version(int n, int size) {
    byte[] content = new byte[size];
    content[0] = (byte) n;
    content[1] = (byte) (n >> 8);
    return new DomainVersion(n, Sha256.hex(content), "alpha", "u", n, "apply", List.of(), content);
  }

  @Test
  void largeFilesLeaveFewerEntriesWithinTheByteBudgetAndTheVersionInForceStays() throws Exception {
    DomainHistory h = DomainHistory.open(dir, 100, 1000);
    for (int n = 1; n <= 20; n++) {
      h.record(version(n, 300), HistoryEntry.Kind.APPLIED, n, "");
    }

    assertThat(h.entries()).extracting(e -> e.version().number()).containsExactly(18L, 19L, 20L);
    // Reopened with the same budget, nothing more goes; the files on disk match.
    assertThat(DomainHistory.open(dir, 100, 1000).entries()).hasSize(3);
  }

  @Test
  void anOversizedVersionInForceIsKeptAlone() throws Exception {
    DomainHistory h = DomainHistory.open(dir, 100, 1000);
    h.record(version(1, 300), HistoryEntry.Kind.APPLIED, 1, "");
    h.record(version(2, 5000), HistoryEntry.Kind.APPLIED, 2, "");

    assertThat(h.entries()).extracting(e -> e.version().number()).containsExactly(2L);
  }
}
