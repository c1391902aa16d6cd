package io.hotstandby.rec;

import static io.hotstandby.rec.PeerView.Liveness.ALIVE;
import static io.hotstandby.rec.PeerView.Liveness.LOST;
import static io.hotstandby.rec.PeerView.Liveness.SUSPECT;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The failure detector on an injected clock: loss timeouts, local pauses and late ticks. */
class PeerTableTest {
  static final long MS = 1_000_000;
  static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7111);

  /** Past the warm-up of a link started at 0, so only gaps set the timeout. */
  static final long WARM = LossTimeout.WARMUP_NANOS + 1000 * MS;

  long seq;

  PeerTable table(long maxTimeoutMs) {
    return new PeerTable(
        Map.of("b", Map.of("lan", B)),
        100 * MS,
        500 * MS,
        maxTimeoutMs * MS,
        -LossTimeout.WARMUP_NANOS,
        new PeerTable.BootSink() {
          @Override
          public long floor(String peer) {
            return 0;
          }

          @Override
          public void booted(String peer, long boot) {}
        });
  }

  /** Heartbeat of boot 1 at {@code now}; boot 1 was first heard long before, at -60 s. */
  void hear(PeerTable t, long now) {
    Heartbeat hb =
        LinkFixture.status(ServerState.ACTIVE, 1)
            .toHeartbeat(LinkFixture.DOMAIN, "b", 1, ++seq, now, 0, 0);
    assertThat(t.accept(hb, "lan", B, now, Instant.EPOCH, new ArrayList<>())).isNull();
  }

  PeerTable heardSinceLongAgo(long maxTimeoutMs) {
    PeerTable t = table(maxTimeoutMs);
    hear(t, -LossTimeout.WARMUP_NANOS); // boot 1 first heard: its warm-up ends at 0
    for (long now = -LossTimeout.WARMUP_NANOS + 100 * MS; now <= WARM; now += 100 * MS) {
      hear(t, now);
    }
    return t;
  }

  PeerView.Liveness at(PeerTable t, long now) {
    t.evaluate(now);
    return t.view("b", now).liveness();
  }

  @Test
  void aPunctualPeerIsLostAfterTheFailoverTimeout() {
    PeerTable t = heardSinceLongAgo(2000);
    assertThat(t.view("b", WARM).lossTimeoutMs()).isEqualTo(500);
    assertThat(at(t, WARM + 500 * MS)).isEqualTo(SUSPECT);
    assertThat(at(t, WARM + 501 * MS)).isEqualTo(LOST);
  }

  @Test
  void aLateHeartbeatGivesThePeerTwiceThatGapForAMinute() {
    PeerTable t = heardSinceLongAgo(2000);
    hear(t, WARM + 450 * MS);
    assertThat(t.view("b", WARM + 450 * MS).lossTimeoutMs()).isEqualTo(900);
    assertThat(at(t, WARM + 1300 * MS)).isEqualTo(SUSPECT);
    assertThat(at(t, WARM + 1351 * MS)).isEqualTo(LOST);
  }

  @Test
  void aPeerThatStartsANewBootGetsTheCeilingForAMinute() {
    PeerTable t = heardSinceLongAgo(2000);
    Heartbeat hb =
        LinkFixture.status(ServerState.STANDBY, 1)
            .toHeartbeat(LinkFixture.DOMAIN, "b", 2, 1, WARM + 100 * MS, 0, 0);
    assertThat(t.accept(hb, "lan", B, WARM + 100 * MS, Instant.EPOCH, new ArrayList<>())).isNull();
    assertThat(t.view("b", WARM + 100 * MS).lossTimeoutMs()).isEqualTo(2000);
    assertThat(at(t, WARM + 2100 * MS)).isEqualTo(SUSPECT);
    assertThat(at(t, WARM + 2101 * MS)).isEqualTo(LOST);
  }

  @Test
  void aLateTickHoldsTheTimeoutForAsLongAsItWasLate() {
    PeerTable t = heardSinceLongAgo(500);
    // Our scheduler ran 200 ms late at +300: heartbeats may have waited here unread.
    t.delayed(200 * MS, WARM + 300 * MS);
    assertThat(at(t, WARM + 650 * MS)).isEqualTo(SUSPECT);
    assertThat(at(t, WARM + 701 * MS)).isEqualTo(LOST);
  }

  @Test
  void ourOwnPauseNeitherLosesThePeerNorLengthensItsTimeout() {
    PeerTable t = heardSinceLongAgo(2000);
    long resumed = WARM + 3000 * MS;
    t.resume(resumed, WARM);
    assertThat(at(t, resumed)).isEqualTo(SUSPECT);
    hear(t, resumed + 10 * MS);
    assertThat(t.view("b", resumed + 10 * MS).liveness()).isEqualTo(ALIVE);
    assertThat(t.view("b", resumed + 10 * MS).lossTimeoutMs())
        .as("the 3 s gap was our pause, not the peer's")
        .isEqualTo(500);
  }

  @Test
  void withTheCeilingAtTheFloorNothingMovesTheTimeout() {
    PeerTable t = heardSinceLongAgo(500);
    hear(t, WARM + 450 * MS);
    assertThat(t.view("b", WARM + 450 * MS).lossTimeoutMs()).isEqualTo(500);
    assertThat(at(t, WARM + 951 * MS)).isEqualTo(LOST);
  }
}
