package io.hotstandby.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.cluster.ReplayGuard.Verdict;
import io.hotstandby.cluster.TopicEnvelope.Opened;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final ReplayGuard guard = new ReplayGuard(60_000, now::get);

  Opened m(String sender, long boot, long bootStart, long seq) {
    return new Opened(sender, boot, bootStart, seq, now.get(), new byte[0]);
  }

  @Test
  void eachNumberOnceInOrderOrSlightlyLate() {
    assertThat(guard.admit("t", m("alpha", 1, 10, 1))).isNull();
    assertThat(guard.admit("t", m("alpha", 1, 10, 3))).isNull();
    assertThat(guard.admit("t", m("alpha", 1, 10, 2))).isNull(); // late, first time
    assertThat(guard.admit("t", m("alpha", 1, 10, 2))).isEqualTo(Verdict.REPLAY);
    assertThat(guard.admit("t", m("alpha", 1, 10, 3))).isEqualTo(Verdict.REPLAY);
    assertThat(guard.admit("t", m("alpha", 1, 10, 1))).isEqualTo(Verdict.REPLAY);
    assertThat(guard.admit("t", m("alpha", 1, 10, 200))).isNull();
    assertThat(guard.admit("t", m("alpha", 1, 10, 200 - ReplayGuard.WINDOW)))
        .isEqualTo(Verdict.REPLAY);
    assertThat(guard.admit("t", m("alpha", 1, 10, 199))).isNull();
  }

  @Test
  void sendersAndTopicsCountApart() {
    assertThat(guard.admit("t", m("alpha", 1, 10, 5))).isNull();
    assertThat(guard.admit("t", m("beta", 2, 10, 5))).isNull();
    assertThat(guard.admit("u", m("alpha", 1, 10, 5))).isNull();
    assertThat(guard.admit("u", m("alpha", 1, 10, 5))).isEqualTo(Verdict.REPLAY);
  }

  @Test
  void aNewerBootReplacesAndTheOlderIsRefusedForGood() {
    assertThat(guard.admit("t", m("alpha", 1, 10, 50))).isNull();
    assertThat(guard.admit("t", m("alpha", 2, 20, 1))).isNull(); // restarted: numbers start over
    assertThat(guard.admit("t", m("alpha", 1, 10, 51))).isEqualTo(Verdict.OLD_BOOT);
    assertThat(guard.admit("t", m("alpha", 3, 5, 1))).isEqualTo(Verdict.OLD_BOOT); // started before
    assertThat(guard.admit("t", m("alpha", 2, 20, 2))).isNull();
  }

  @Test
  void messagesOutsideTheAgeLimitAreStale() {
    Opened old = new Opened("alpha", 1, 10, 1, now.get() - 60_001, new byte[0]);
    Opened future = new Opened("alpha", 1, 10, 2, now.get() + 60_001, new byte[0]);
    assertThat(guard.admit("t", old)).isEqualTo(Verdict.STALE);
    assertThat(guard.admit("t", future)).isEqualTo(Verdict.STALE);
  }
}
