package io.hotstandby.domain.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SyncMessageTest {
  @Test
  void everyKindRoundTrips() throws Exception {
    DomainVersion v =
        new DomainVersion(
            7,
            "ab".repeat(32),
            "alpha",
            "operator",
            123,
            "apply",
            List.of("cd".repeat(32)),
            new byte[] {1, 2, 3});
    SyncMessage.Full f =
        (SyncMessage.Full) SyncMessage.decode(SyncMessage.encode(new SyncMessage.Full("alpha", v)));
    assertThat(f.sender()).isEqualTo("alpha");
    assertThat(f.version()).usingRecursiveComparison().isEqualTo(v);
    assertThat(SyncMessage.decode(SyncMessage.encode(new SyncMessage.Digest("b", 7, "x"))))
        .isEqualTo(new SyncMessage.Digest("b", 7, "x"));
    assertThat(SyncMessage.decode(SyncMessage.encode(new SyncMessage.Want("c", "y"))))
        .isEqualTo(new SyncMessage.Want("c", "y"));
  }

  @Test
  void garbageIsRejectedWithAnIoException() {
    Random random = new Random(7);
    byte[] good = SyncMessage.encode(new SyncMessage.Digest("b", 7, "x"));
    for (int i = 0; i < 2000; i++) {
      byte[] junk = new byte[random.nextInt(200)];
      random.nextBytes(junk);
      if (i % 2 == 0 && junk.length > 5) {
        System.arraycopy(good, 0, junk, 0, 5);
      }
      assertThatThrownBy(() -> SyncMessage.decode(junk)).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> SyncMessage.decode(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("truncated");
  }
}
