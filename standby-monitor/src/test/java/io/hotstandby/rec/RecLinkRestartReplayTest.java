package io.hotstandby.rec;

import static io.hotstandby.rec.LinkFixture.builder;
import static io.hotstandby.rec.LinkFixture.paths;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Timing;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays across a restart of either side, and datagrams from undeclared addresses. */
class RecLinkRestartReplayTest {
  private final LinkFixture fx = new LinkFixture();
  private final InetSocketAddress aLan = FreePorts.nextAddress();
  private final InetSocketAddress aRec = FreePorts.nextAddress();
  private final InetSocketAddress bLan = FreePorts.nextAddress();
  private final InetSocketAddress bRec = FreePorts.nextAddress();
  @TempDir Path dataDir;

  @AfterEach
  void closeAll() throws Exception {
    fx.close();
  }

  @Test
  void theBootNumberGrowsAtEveryStartAndSurvivesTheFile() throws Exception {
    AtomicLong wall = new AtomicLong(1000);
    RecState s = RecState.in(dataDir, wall::get);
    assertThat(s.nextBoot()).isEqualTo(1000);
    assertThat(s.nextBoot()).isEqualTo(1001);
    assertThat(RecState.in(dataDir, wall::get).nextBoot()).isEqualTo(1002);
    // A clock set back does not take the number back.
    wall.set(5);
    assertThat(RecState.in(dataDir, wall::get).nextBoot()).isEqualTo(1003);
    // A lost data folder starts again from the clock, above what peers remember.
    Files.delete(dataDir.resolve(RecState.BOOT_FILE));
    wall.set(9000);
    assertThat(RecState.in(dataDir, wall::get).nextBoot()).isEqualTo(9000);
    // An unreadable one does not stop the link either.
    Files.writeString(dataDir.resolve(RecState.BOOT_FILE), "garbage");
    wall.set(9500);
    assertThat(RecState.in(dataDir, wall::get).nextBoot()).isEqualTo(9500);
    assertThat(Files.readString(dataDir.resolve(RecState.BOOT_FILE)).trim()).isEqualTo("9500");
  }

  @Test
  void peerBootsArePersistedAndOnlyGrow() throws Exception {
    RecState s = RecState.in(dataDir);
    s.peerBooted("beta", 7);
    s.peerBooted("beta", 3);
    s.peerBooted("gamma=1", 2);
    RecState again = RecState.in(dataDir);
    assertThat(again.peerBoot("beta")).isEqualTo(7);
    assertThat(again.peerBoot("gamma=1")).isEqualTo(2);
    assertThat(again.peerBoot("delta")).isZero();
  }

  @Test
  void aHeartbeatOfAnEarlierBootIsRefusedAfterTheReceiverRestarts() throws Exception {
    FakePeer b = fx.track(new FakePeer(LinkFixture.DOMAIN, LinkFixture.SECRET));
    byte[] boot4 = b.heartbeat("b", 4, 100, 1);
    byte[] boot5 = b.heartbeat("b", 5, 1, 1);

    RecLink a = startA();
    b.send(boot4, aLan);
    await().atMost(Timing.seconds(5)).until(() -> received(a) == 1);
    b.send(boot5, aLan);
    await().atMost(Timing.seconds(5)).until(() -> received(a) == 2);
    await()
        .atMost(Timing.seconds(5))
        .until(() -> RecState.in(dataDir).peerBoot("b") == 5); // persisted off the receive path
    a.close();

    RecLink restarted = startA();
    b.send(boot4, aLan); // a capture of the earlier run
    await().atMost(Timing.seconds(5)).until(() -> restarted.droppedDatagrams("lan") == 1);
    assertThat(restarted.peer("b").last()).isNull();
    b.send(b.heartbeat("b", 6, 1, 1), aLan); // the peer restarted too
    await().atMost(Timing.seconds(5)).until(() -> received(restarted) == 1);
    b.send(boot5, aLan);
    await().atMost(Timing.seconds(5)).until(() -> restarted.droppedDatagrams("lan") == 2);
  }

  @Test
  void aRestartedSenderStartsAboveItsEarlierRun() throws Exception {
    Path bData = Files.createDirectories(dataDir.resolve("b-data"));
    RecState bState = RecState.in(bData);
    RecLink a =
        fx.start(
            builder(
                "a", paths(aLan, aRec), Map.of("b", paths(bLan, bRec)), new RecordingListener()));
    RecLink b1 =
        fx.start(
            builder("b", paths(bLan, bRec), Map.of("a", paths(aLan, aRec)), new RecordingListener())
                .state(bState));
    await().atMost(Timing.seconds(5)).until(() -> a.peer("b").last() != null);
    long first = b1.bootId();
    b1.close();
    RecLink b2 =
        fx.start(
            builder("b", paths(bLan, bRec), Map.of("a", paths(aLan, aRec)), new RecordingListener())
                .state(RecState.in(bData)));
    assertThat(b2.bootId()).isGreaterThan(first);
    await().atMost(Timing.seconds(5)).until(() -> a.peer("b").last().bootId() == b2.bootId());
  }

  @Test
  void datagramsFromAnAddressNoPeerIsDeclaredAtAreDroppedBeforeTheMac() throws Exception {
    // b is declared on a documentation address; the fake peer sends from loopback.
    InetSocketAddress remote = new InetSocketAddress("192.0.2.10", 7000);
    RecLink a =
        fx.start(
            builder(
                    "a",
                    paths(aLan, aRec),
                    Map.of("b", paths(remote, remote)),
                    new RecordingListener())
                .state(RecState.in(dataDir)));
    FakePeer b = fx.track(new FakePeer(LinkFixture.DOMAIN, LinkFixture.SECRET));
    b.send(b.heartbeat("b", a.bootId(), 1, 1), aLan);
    await().atMost(Timing.seconds(5)).until(() -> a.droppedDatagrams("lan") == 1);
    assertThat(a.peer("b").last()).isNull();
  }

  private RecLink startA() throws Exception {
    return fx.start(
        builder("a", paths(aLan, aRec), Map.of("b", paths(bLan, bRec)), new RecordingListener())
            .state(RecState.in(dataDir)));
  }

  private static long received(RecLink link) {
    return link.peer("b").paths().get("lan").received();
  }
}
