package io.hotstandby.rec;

import static io.hotstandby.rec.LinkFixture.builder;
import static io.hotstandby.rec.LinkFixture.paths;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.testkit.FreePorts;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Building, starting and closing a link. */
class RecLinkLifecycleTest {
  private final LinkFixture fx = new LinkFixture();
  private final RecordingListener events = new RecordingListener();

  @AfterEach
  void closeAll() throws Exception {
    fx.close();
  }

  @Test
  void aTakenPortFailsWithThePathAndAddressAndLeavesNothingBound() throws Exception {
    InetSocketAddress lan = FreePorts.nextAddress();
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      InetSocketAddress rec =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
      RecLink link = builder("a", paths(lan, rec), Map.of(), events).build();

      assertThatThrownBy(link::start)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("REC path 'rec': cannot bind 127.0.0.1:" + rec.getPort() + ": ");
      // The "lan" socket bound before the failure was released.
      new DatagramSocket(lan).close();
      assertThatThrownBy(link::start).isInstanceOf(IllegalStateException.class);
      link.close();
    }
  }

  @Test
  void closeIsIdempotentAndStopsTheThreads() throws Exception {
    RecLink link =
        fx.start(builder("solo", Map.of("lan", FreePorts.nextAddress()), Map.of(), events));
    assertThat(link.localAddress("lan").getPort()).isPositive();
    link.sendNow(); // no peers: nothing to do, nothing to fail

    link.close();
    link.close();

    assertThat(link.localAddress("lan")).isNull();
    link.sendNow(); // ignored once closed
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("rec-solo") && t.isAlive());
    assertThatThrownBy(link::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void portZeroBindsAnEphemeralPort() throws Exception {
    RecLink link =
        fx.start(
            builder(
                "solo",
                Map.of("lan", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Map.of(),
                events));
    assertThat(link.localAddress("lan").getPort()).isPositive();
    assertThat(link.droppedDatagrams("lan")).isZero();
    assertThatThrownBy(() -> link.droppedDatagrams("wan"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBadConfigurationIsRefusedWithItsReason() {
    InetSocketAddress lan = FreePorts.nextAddress();
    InetSocketAddress peerLan = FreePorts.nextAddress();
    Map<String, Map<String, InetSocketAddress>> peers = Map.of("b", Map.of("lan", peerLan));

    assertThatThrownBy(() -> builder("a", Map.of("lan", lan), peers, events).secret(null).build())
        .hasMessageContaining("secret");
    assertThatThrownBy(
            () -> builder("a", Map.of("lan", lan), peers, events).failoverTimeoutMs(150).build())
        .hasMessageContaining("failoverTimeoutMs");
    assertThatThrownBy(
            () ->
                builder("a", Map.of("lan", lan), Map.of("b", Map.of("wan", peerLan)), events)
                    .build())
        .hasMessageContaining("path 'wan'");
    assertThatThrownBy(
            () ->
                builder("a", Map.of("lan", lan), Map.of("a", Map.of("lan", peerLan)), events)
                    .build())
        .hasMessageContaining("its own peer");
    assertThatThrownBy(() -> builder("a", Map.of(), peers, events).build())
        .hasMessageContaining("no local REC endpoint");
    assertThatThrownBy(
            () ->
                builder(
                        "a",
                        Map.of(
                            "lan", InetSocketAddress.createUnresolved("no.such.host.invalid", 1)),
                        peers,
                        events)
                    .build())
        .hasMessageContaining("cannot resolve");
  }

  @Test
  void anOversizedStatusIsRefusedWhenSet() throws Exception {
    String longName = "s".repeat(HeartbeatCodec.MAX_STRING_BYTES);
    RecLink link =
        builder(longName, Map.of("lan", FreePorts.nextAddress()), Map.of(), events).build();
    String max = "x".repeat(HeartbeatCodec.MAX_STRING_BYTES);
    LocalStatus huge = new LocalStatus(ServerState.ACTIVE, 1, 0, 0, true, 1, 1, max, max, max);
    LocalStatus before = link.status();

    assertThatThrownBy(() -> link.setStatus(huge)).isInstanceOf(IllegalArgumentException.class);
    assertThat(link.status()).isEqualTo(before);
    link.close();
  }
}
