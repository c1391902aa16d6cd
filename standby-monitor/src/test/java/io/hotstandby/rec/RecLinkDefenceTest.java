package io.hotstandby.rec;

import static io.hotstandby.rec.LinkFixture.DOMAIN;
import static io.hotstandby.rec.LinkFixture.SECRET;
import static io.hotstandby.rec.LinkFixture.builder;
import static io.hotstandby.rec.LinkFixture.paths;
import static io.hotstandby.rec.LinkFixture.status;
import static io.hotstandby.rec.PeerView.Liveness.ALIVE;
import static io.hotstandby.rec.PeerView.Liveness.UNKNOWN;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.keys.DomainKeys;
import io.hotstandby.rec.RecordingListener.Heard;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Timing;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the link must refuse: wrong secrets, garbage, replays, strangers. */
class RecLinkDefenceTest {
  private final LinkFixture fx = new LinkFixture();
  private final InetSocketAddress aLan = FreePorts.nextAddress();
  private final InetSocketAddress aRec = FreePorts.nextAddress();
  private final InetSocketAddress bLan = FreePorts.nextAddress();
  private final InetSocketAddress bRec = FreePorts.nextAddress();
  private final RecordingListener aEvents = new RecordingListener();

  @AfterEach
  void closeAll() throws Exception {
    fx.close();
  }

  private RecLink startA() throws Exception {
    return fx.start(builder("a", paths(aLan, aRec), Map.of("b", paths(bLan, bRec)), aEvents));
  }

  @Test
  void heartbeatsWithAWrongSecretAreDroppedAndCounted() throws Exception {
    RecLink a = startA();
    fx.start(
        builder("b", paths(bLan, bRec), Map.of("a", paths(aLan, aRec)), new RecordingListener())
            .secret("not the domain secret".getBytes(UTF_8)));

    await().atMost(Timing.seconds(5)).until(() -> a.droppedDatagrams() >= 10);

    assertThat(a.droppedDatagrams("lan")).isPositive();
    assertThat(a.droppedDatagrams("rec")).isPositive();
    PeerView b = a.peer("b");
    assertThat(b.liveness()).isEqualTo(UNKNOWN);
    assertThat(b.last()).isNull();
    assertThat(b.paths().values()).allSatisfy(p -> assertThat(p.received()).isZero());
    assertThat(aEvents.heard).isEmpty();
    assertThat(aEvents.changes).isEmpty();
  }

  @Test
  void aFloodOfGarbageChangesNothingAndTheLinkKeepsWorking() throws Exception {
    RecLink a = startA();
    RecLink b =
        fx.start(
            builder("b", paths(bLan, bRec), Map.of("a", paths(aLan, aRec)), new RecordingListener())
                .status(status(ServerState.ACTIVE, 3)));
    await().atMost(Timing.seconds(5)).until(() -> a.peer("b").liveness() == ALIVE);
    long droppedBefore = a.droppedDatagrams("lan");

    int sent = flood(aLan, 10_000);

    await()
        .atMost(Timing.seconds(10))
        .until(() -> a.droppedDatagrams("lan") - droppedBefore >= sent / 20);
    PeerView v = a.peer("b");
    assertThat(v.liveness()).isEqualTo(ALIVE);
    assertThat(v.last().term()).isEqualTo(3);
    assertThat(aEvents.heard)
        .allSatisfy(
            h -> {
              assertThat(h.peer()).isEqualTo("b");
              assertThat(h.hb().bootId()).isEqualTo(b.bootId());
              assertThat(h.hb().term()).isEqualTo(3);
            });
    assertThat(aEvents.transitionsOf("b")).containsExactly(ALIVE);
    assertThat(a.peers().keySet()).containsExactly("b");

    // The flooded path still receives: a change reaches it at once.
    b.setStatus(status(ServerState.ACTIVE, 4));
    b.sendNow();
    await()
        .atMost(Timing.seconds(5))
        .until(
            () ->
                aEvents.heard.stream().anyMatch(h -> h.path().equals("lan") && h.hb().term() == 4));
    assertThat(Thread.getAllStackTraces().keySet())
        .anyMatch(t -> t.getName().equals("rec-a-lan") && t.isAlive());
  }

  /** Sends {@code count} datagrams that are not valid heartbeats; returns how many were sent. */
  private static int flood(InetSocketAddress target, int count) throws Exception {
    Random random = new Random(2024);
    HeartbeatCodec codec = new HeartbeatCodec(DOMAIN, SECRET);
    // A valid heartbeat as a template; only mangled copies of it are sent.
    byte[] valid =
        codec.encode(status(ServerState.ACTIVE, 999).toHeartbeat(DOMAIN, "b", 77, 1, 1, 0, 0));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(DomainKeys.REC.derive(DOMAIN, SECRET), "HmacSHA256"));
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < count; i++) {
        byte[] d =
            switch (i % 6) {
              case 0 -> randomBytes(random, random.nextInt(1200));
              case 1 -> withHeader(randomBytes(random, random.nextInt(1100)));
              case 2 -> Arrays.copyOf(valid, random.nextInt(valid.length));
              case 3 -> {
                byte[] c = valid.clone();
                c[random.nextInt(c.length)] ^= (byte) (1 << random.nextInt(8));
                yield c;
              }
              case 4 -> {
                byte[] c = valid.clone();
                c[4] = (byte) (HeartbeatCodec.VERSION + 1 + random.nextInt(250));
                yield c;
              }
              default -> signedGarbage(mac, randomBytes(random, random.nextInt(900)));
            };
        socket.send(new DatagramPacket(d, d.length, target));
      }
    }
    return count;
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] withHeader(byte[] body) {
    byte[] d = Arrays.copyOf("HSR1\u0002".getBytes(UTF_8), 5 + body.length);
    System.arraycopy(body, 0, d, 5, body.length);
    return d;
  }

  private static byte[] signedGarbage(Mac mac, byte[] body) {
    byte[] unsigned = withHeader(body);
    return ByteBuffer.allocate(unsigned.length + 32)
        .put(unsigned)
        .put(mac.doFinal(unsigned))
        .array();
  }

  @Test
  void replayedAndOutOfOrderHeartbeatsAreDropped() throws Exception {
    RecLink a = startA();
    FakePeer b = fx.track(new FakePeer(DOMAIN, SECRET));
    byte[] seq5 = b.heartbeat("b", 1, 5, 1);

    b.send(seq5, aLan);
    awaitReceived(a, "lan", 1);
    b.send(seq5, aLan);
    awaitDropped(a, "lan", 1);
    b.send(b.heartbeat("b", 1, 4, 1), aLan);
    awaitDropped(a, "lan", 2);

    byte[] seq6 = b.heartbeat("b", 1, 6, 1);
    b.send(seq6, aLan);
    awaitReceived(a, "lan", 2);
    // The same round on the other path is that path's copy, not a replay...
    b.send(seq6, aRec);
    awaitReceived(a, "rec", 1);
    // ...but an older round is, on any path.
    b.send(seq5, aRec);
    awaitDropped(a, "rec", 1);

    // A restart (new boot) starts afresh; the earlier boot stays refused below its last number.
    b.send(b.heartbeat("b", 2, 1, 2), aLan);
    awaitReceived(a, "lan", 3);
    b.send(seq6, aLan);
    awaitDropped(a, "lan", 3);

    assertThat(a.peer("b").last().term()).isEqualTo(2);
    // Listeners are called on the link's dispatcher, a moment after the datagram was taken.
    await()
        .atMost(Timing.seconds(5))
        .untilAsserted(
            () ->
                assertThat(aEvents.heard)
                    .extracting(Heard::path)
                    .containsExactly("lan", "lan", "rec", "lan"));
  }

  @Test
  void strangersOurselvesAndOtherDomainsAreDropped() throws Exception {
    RecLink a = startA();
    FakePeer same = fx.track(new FakePeer(DOMAIN, SECRET));
    FakePeer lab = fx.track(new FakePeer("lab", SECRET));

    same.send(same.heartbeat("mallory", 1, 1, 1), aLan);
    same.send(same.heartbeat("a", 1, 1, 1), aLan);
    lab.send(lab.heartbeat("b", 1, 1, 1), aLan);

    awaitDropped(a, "lan", 3);
    assertThat(a.peers().keySet()).containsExactly("b");
    assertThat(a.peer("b").liveness()).isEqualTo(UNKNOWN);
    assertThat(aEvents.heard).isEmpty();
  }

  private static void awaitReceived(RecLink link, String path, long n) {
    await().atMost(Timing.seconds(5)).until(() -> link.peer("b").paths().get(path).received() == n);
  }

  private static void awaitDropped(RecLink link, String path, long n) {
    await().atMost(Timing.seconds(5)).until(() -> link.droppedDatagrams(path) == n);
  }
}
