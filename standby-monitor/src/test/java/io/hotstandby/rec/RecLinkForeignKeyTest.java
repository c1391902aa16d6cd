package io.hotstandby.rec;

import static io.hotstandby.rec.LinkFixture.SECRET;
import static io.hotstandby.rec.LinkFixture.builder;
import static io.hotstandby.rec.LinkFixture.paths;
import static io.hotstandby.rec.PeerView.Liveness.ALIVE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Timing;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Telling a peer that talks under another secret apart from a silent one. */
class RecLinkForeignKeyTest {
  private static final byte[] OLD = "the secret before the rotation".getBytes(UTF_8);

  private final LinkFixture fx = new LinkFixture();
  private final InetSocketAddress aLan = FreePorts.nextAddress();
  private final InetSocketAddress aRec = FreePorts.nextAddress();
  private final InetSocketAddress bLan = FreePorts.nextAddress();
  private final InetSocketAddress bRec = FreePorts.nextAddress();
  private final InetSocketAddress cLan = FreePorts.nextAddress();
  private final InetSocketAddress cRec = FreePorts.nextAddress();

  @AfterEach
  void closeAll() throws Exception {
    fx.close();
  }

  private Map<String, Map<String, InetSocketAddress>> peersOfA() {
    return Map.of("b", paths(bLan, bRec), "c", paths(cLan, cRec));
  }

  @Test
  void aPeerSigningWithAnotherSecretIsNamedAndASilentOneIsNot() throws Exception {
    RecLink a = fx.start(builder("a", paths(aLan, aRec), peersOfA(), new RecordingListener()));
    RecLink b =
        fx.start(
            builder("b", paths(bLan, bRec), Map.of("a", paths(aLan, aRec)), new RecordingListener())
                .secret(OLD));

    await().atMost(Timing.seconds(5)).until(() -> a.foreignKeyPeers().containsKey("b"));
    assertThat(a.foreignKeyPeers()).containsOnlyKeys("b");
    assertThat(a.foreignKeyPeers().get("b")).isPositive();
    assertThat(a.peer("b").last()).isNull();

    // b gets the current secret: it is heard, and the count drains within a failover timeout.
    b.setSecrets(SECRET, List.of(SECRET));
    await().atMost(Timing.seconds(5)).until(() -> a.peer("b").liveness() == ALIVE);
    await().atMost(Timing.seconds(5)).until(() -> a.foreignKeyPeers().isEmpty());
  }

  @Test
  void aPeerAcceptedUnderAnOldKeyOfARotationIsNotForeign() throws Exception {
    RecLink a = fx.start(builder("a", paths(aLan, aRec), peersOfA(), new RecordingListener()));
    a.setSecrets(SECRET, List.of(SECRET, OLD));
    fx.start(
        builder("b", paths(bLan, bRec), Map.of("a", paths(aLan, aRec)), new RecordingListener())
            .secret(OLD));

    await().atMost(Timing.seconds(5)).until(() -> a.peer("b").liveness() == ALIVE);
    assertThat(a.foreignKeyPeers()).isEmpty();
  }

  @Test
  void garbageFromAPeersAddressIsNotCountedAsAnotherKey() throws Exception {
    RecLink a = fx.start(builder("a", paths(aLan, aRec), peersOfA(), new RecordingListener()));
    long before = a.droppedDatagrams("lan");
    Random random = new Random(7);
    try (DatagramSocket s = new DatagramSocket(0, bLan.getAddress())) {
      for (int i = 0; i < 200; i++) {
        byte[] junk = new byte[200];
        random.nextBytes(junk);
        s.send(new DatagramPacket(junk, junk.length, aLan));
      }
    }
    // A burst may overflow the socket's receive buffer on a busy machine: enough arrive.
    await().atMost(Timing.seconds(5)).until(() -> a.droppedDatagrams("lan") >= before + 20);
    assertThat(a.foreignKeyPeers()).isEmpty();
  }
}
