package io.hotstandby.rec;

import static io.hotstandby.rec.LinkFixture.builder;
import static io.hotstandby.rec.LinkFixture.paths;
import static io.hotstandby.rec.LinkFixture.status;
import static io.hotstandby.rec.PeerView.Liveness.ALIVE;
import static io.hotstandby.rec.PeerView.Liveness.LOST;
import static io.hotstandby.rec.PeerView.Liveness.SUSPECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.rec.RecordingListener.Heard;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Timing;
import io.hotstandby.testkit.UdpRelay;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two real links on loopback talking over two paths. */
class RecLinkTest {
  private final LinkFixture fx = new LinkFixture();
  private final InetSocketAddress aLan = FreePorts.nextAddress();
  private final InetSocketAddress aRec = FreePorts.nextAddress();
  private final InetSocketAddress bLan = FreePorts.nextAddress();
  private final InetSocketAddress bRec = FreePorts.nextAddress();
  private final RecordingListener aEvents = new RecordingListener();
  private final RecordingListener bEvents = new RecordingListener();

  @AfterEach
  void closeAll() throws Exception {
    fx.close();
  }

  private RecLink startA(InetSocketAddress toBRec) throws Exception {
    return fx.start(
        builder("a", paths(aLan, aRec), Map.of("b", paths(bLan, toBRec)), aEvents)
            .status(status(ServerState.ACTIVE, 4)));
  }

  private RecLink startB(InetSocketAddress toARec) throws Exception {
    return fx.start(
        builder("b", paths(bLan, bRec), Map.of("a", paths(aLan, toARec)), bEvents)
            .status(status(ServerState.STANDBY, 4)));
  }

  private static void awaitAliveOnBothPaths(RecLink link, String peer) {
    await()
        .atMost(Timing.seconds(5))
        .untilAsserted(
            () -> {
              PeerView v = link.peer(peer);
              assertThat(v.liveness()).isEqualTo(ALIVE);
              assertThat(v.paths().values())
                  .allSatisfy(
                      p -> {
                        assertThat(p.up()).isTrue();
                        assertThat(p.rttMillis()).isBetween(0.0, 500.0);
                      });
            });
  }

  @Test
  void twoLinksSeeEachOtherAliveOnBothPathsWithStateAndRtt() throws Exception {
    RecLink a = startA(bRec);
    RecLink b = startB(aRec);

    awaitAliveOnBothPaths(a, "b");
    awaitAliveOnBothPaths(b, "a");

    Heartbeat fromB = a.peer("b").last();
    assertThat(fromB.state()).isEqualTo(ServerState.STANDBY);
    assertThat(fromB.term()).isEqualTo(4);
    assertThat(fromB.domainVersion()).isEqualTo(12);
    assertThat(fromB.mirrorSeq()).isEqualTo(340);
    assertThat(fromB.productVersion()).isEqualTo("2.1.0");
    assertThat(fromB.bootId()).isEqualTo(b.bootId());
    assertThat(b.peer("a").last().state()).isEqualTo(ServerState.ACTIVE);
    for (PathStatus p : a.peer("b").paths().values()) {
      assertThat(p.received()).isPositive();
      assertThat(p.lastSeen()).isNotNull();
    }
    assertThat(a.peer("b").paths().keySet()).containsExactly("lan", "rec");
    // Listeners are called on the link's dispatcher, a moment after the state they report.
    await()
        .atMost(Timing.seconds(5))
        .untilAsserted(
            () -> {
              assertThat(aEvents.transitionsOf("b")).containsExactly(ALIVE);
              assertThat(aEvents.heard).extracting(Heard::path).contains("lan", "rec");
            });
    assertThat(a.droppedDatagrams()).isZero();
    assertThat(a.peer("nobody")).isNull();
  }

  @Test
  void sendNowTellsAStateChangeAtOnce() throws Exception {
    RecLink a = startA(bRec);
    RecLink b = startB(aRec);
    awaitAliveOnBothPaths(a, "b");

    b.setStatus(status(ServerState.ACTIVE, 5));
    b.sendNow();

    await()
        .atMost(Timing.seconds(5))
        .until(
            () ->
                a.peer("b").last().term() == 5
                    && a.peer("b").last().state().equals(ServerState.ACTIVE));
  }

  @Test
  void aClosedPeerBecomesSuspectThenLost() throws Exception {
    RecLink a = startA(bRec);
    RecLink b = startB(aRec);
    awaitAliveOnBothPaths(a, "b");

    long closedAt = System.nanoTime();
    b.close();

    // Expected after 150 ms and 500 ms; the bounds are ten times looser.
    await().atMost(Timing.seconds(1.5)).until(() -> aEvents.transitionsOf("b").contains(SUSPECT));
    await().atMost(Timing.seconds(5)).until(() -> aEvents.transitionsOf("b").contains(LOST));
    assertThat(a.peer("b").liveness()).isEqualTo(LOST);

    assertThat(aEvents.transitionsOf("b")).containsExactly(ALIVE, SUSPECT, LOST);
    long lostAfterMs = TimeUnit.NANOSECONDS.toMillis(aEvents.firstChangeTo("b", LOST) - closedAt);
    // Never early: the last heartbeat left at most one interval before the close.
    assertThat(lostAfterMs)
        .isGreaterThanOrEqualTo(LinkFixture.TIMEOUT_MS - 2 * LinkFixture.HEARTBEAT_MS);
    assertThat(a.peer("b").paths().values()).noneMatch(PathStatus::up);
    assertThat(a.peer("b").last()).isNotNull();
  }

  @Test
  void aCutPathIsReportedDownWhileThePeerStaysAlive() throws Exception {
    // The "rec" cable runs through relays that can be unplugged; "lan" is direct.
    UdpRelay toB = fx.track(UdpRelay.to(bRec));
    UdpRelay toA = fx.track(UdpRelay.to(aRec));
    RecLink a = startA(toB.address());
    RecLink b = startB(toA.address());
    awaitAliveOnBothPaths(a, "b");
    awaitAliveOnBothPaths(b, "a");

    toB.cut();
    toA.cut();

    await().atMost(Timing.seconds(5)).until(() -> !a.peer("b").paths().get("rec").up());
    await().atMost(Timing.seconds(5)).until(() -> !b.peer("a").paths().get("rec").up());
    assertThat(a.peer("b").liveness()).isEqualTo(ALIVE);
    assertThat(a.peer("b").paths().get("lan").up()).isTrue();
    assertThat(aEvents.transitionsOf("b")).containsExactly(ALIVE);
    assertThat(bEvents.transitionsOf("a")).containsExactly(ALIVE);

    toB.restore();
    toA.restore();
    await().atMost(Timing.seconds(5)).until(() -> a.peer("b").paths().get("rec").up());
    assertThat(aEvents.transitionsOf("b")).containsExactly(ALIVE);
  }

  @Test
  void aFailingListenerKeepsBeingCalled() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RecListener failing =
        new RecListener() {
          @Override
          public void onHeartbeat(PeerView peer, Heartbeat hb, String path) {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug");
          }
        };
    fx.start(builder("a", paths(aLan, aRec), Map.of("b", paths(bLan, bRec)), failing));
    startB(aRec);

    await().atMost(Timing.seconds(5)).until(() -> calls.get() >= 10);
  }
}
