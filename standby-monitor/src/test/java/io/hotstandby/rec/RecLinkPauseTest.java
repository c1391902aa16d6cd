package io.hotstandby.rec;

import static io.hotstandby.rec.LinkFixture.DOMAIN;
import static io.hotstandby.rec.LinkFixture.SECRET;
import static io.hotstandby.rec.LinkFixture.builder;
import static io.hotstandby.rec.PeerView.Liveness.ALIVE;
import static io.hotstandby.rec.PeerView.Liveness.LOST;
import static io.hotstandby.rec.PeerView.Liveness.SUSPECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A frozen process (SIGSTOP, long GC) is simulated by moving the link's clock forward: to the link,
 * its scheduler ran seconds late.
 */
class RecLinkPauseTest {
  private final LinkFixture fx = new LinkFixture();

  @AfterEach
  void closeAll() throws Exception {
    fx.close();
  }

  /**
   * A loaded machine can make the link's scheduler late by more than half a timeout for real, which
   * the link rightly reports as a short pause; the simulated one is told apart by its length.
   */
  private static final long SIMULATED_PAUSE_MIN_MS = 2_000;

  private static int simulatedPause(RecordingListener events) {
    for (int i = 0; i < events.pauses.size(); i++) {
      if (events.pauses.get(i) >= SIMULATED_PAUSE_MIN_MS) {
        return i;
      }
    }
    return -1;
  }

  /** Link "a" with peer "b", on a clock the test moves forward by {@code offset}. */
  private RecLink startA(InetSocketAddress aLan, AtomicLong offset, RecordingListener events)
      throws IOException {
    Map<String, Map<String, InetSocketAddress>> peers =
        Map.of("b", Map.of("lan", FreePorts.nextAddress()));
    return fx.start(
        builder("a", Map.of("lan", aLan), peers, events)
            .nanoClock(() -> System.nanoTime() + offset.get()));
  }

  @Test
  void afterAPauseAPeerGetsAFullTimeoutBeforeItIsLost() throws Exception {
    InetSocketAddress aLan = FreePorts.nextAddress();
    AtomicLong offset = new AtomicLong();
    AtomicReference<RecLink> link = new AtomicReference<>();
    AtomicReference<PeerView> seenAtPause = new AtomicReference<>();
    RecordingListener events =
        new RecordingListener() {
          @Override
          public void onPause(long lateMillis) {
            if (lateMillis >= SIMULATED_PAUSE_MIN_MS) {
              seenAtPause.set(link.get().peer("b"));
            }
            super.onPause(lateMillis);
          }
        };
    RecLink a = startA(aLan, offset, events);
    link.set(a);
    FakePeer b = fx.track(new FakePeer(DOMAIN, SECRET));
    // A live peer: it keeps sending until the pause, so it cannot be lost before it.
    b.keepSending("b", aLan);
    await().atMost(Timing.seconds(5)).until(() -> a.peer("b").liveness() == ALIVE);

    b.stopSending();
    offset.addAndGet(TimeUnit.SECONDS.toNanos(3)); // the freeze: three seconds gone at once

    await().atMost(Timing.seconds(5)).until(() -> simulatedPause(events) >= 0);
    int pause = simulatedPause(events);
    assertThat(events.pauses.get(pause)).isBetween(2_500L, 3_500L);
    assertThat(seenAtPause.get().paths().get("lan").up()).isTrue();

    // Nothing more arrives, so the peer is lost: one full timeout after the pause, not at once.
    // Listeners are called on the link's dispatcher, after the state changed: wait for the call.
    await().atMost(Timing.seconds(5)).until(() -> events.transitionsOf("b").contains(LOST));
    assertThat(a.peer("b").liveness()).isEqualTo(LOST);
    long lostAfterPauseMs =
        TimeUnit.NANOSECONDS.toMillis(
            events.firstChangeTo("b", LOST) - events.pausesAtNanos.get(pause));
    // Both times are stamped when the listener is called, which a loaded machine delays by a
    // hundred milliseconds or more: the bound tells "a timeout later" from "at once", no finer.
    assertThat(lostAfterPauseMs).isGreaterThanOrEqualTo(LinkFixture.TIMEOUT_MS / 2);
    // Lost once, at the end; a slow machine may let it look SUSPECT for a moment before the pause.
    assertThat(events.transitionsOf("b")).startsWith(ALIVE).endsWith(SUSPECT, LOST);
    assertThat(events.transitionsOf("b")).containsOnlyOnce(LOST);
    // The dispatcher calls listeners in order: the loss was reported after the pause, not before.
    assertThat(events.firstChangeTo("b", LOST)).isGreaterThan(events.pausesAtNanos.get(pause));
    assertThat(a.peer("b").paths().get("lan").up()).isFalse();
  }

  @Test
  void inTheLinksFirstMinuteASilentPeerIsLostOnlyAfterTheCeiling() throws Exception {
    InetSocketAddress aLan = FreePorts.nextAddress();
    RecordingListener events = new RecordingListener();
    RecLink a =
        fx.start(
            builder("a", Map.of("lan", aLan), Map.of("b", Map.of("lan", aLan)), events)
                .failoverTimeoutMaxMs(1500));
    FakePeer b = fx.track(new FakePeer(DOMAIN, SECRET));
    b.keepSending("b", aLan);
    await().atMost(Timing.seconds(5)).until(() -> a.peer("b").liveness() == ALIVE);
    assertThat(a.peer("b").lossTimeoutMs()).isEqualTo(1500);

    b.stopSending();
    await().atMost(Timing.seconds(10)).until(() -> events.transitionsOf("b").contains(LOST));
    long silentMs =
        TimeUnit.NANOSECONDS.toMillis(
            events.firstChangeTo("b", LOST) - a.peer("b").lastSeenNanos());
    assertThat(silentMs).isGreaterThanOrEqualTo(1500);
  }

  @Test
  void aPeerLostBeforeThePauseStaysLost() throws Exception {
    InetSocketAddress aLan = FreePorts.nextAddress();
    AtomicLong offset = new AtomicLong();
    RecordingListener events = new RecordingListener();
    RecLink a = startA(aLan, offset, events);
    FakePeer b = fx.track(new FakePeer(DOMAIN, SECRET));
    b.send(b.heartbeat("b", 1, 1, 1), aLan);
    await().atMost(Timing.seconds(5)).until(() -> a.peer("b").liveness() == LOST);

    offset.addAndGet(TimeUnit.SECONDS.toNanos(3));

    await().atMost(Timing.seconds(5)).until(() -> !events.pauses.isEmpty());
    assertThat(a.peer("b").liveness()).isEqualTo(LOST);
    assertThat(events.transitionsOf("b")).containsExactly(ALIVE, SUSPECT, LOST);
  }
}
