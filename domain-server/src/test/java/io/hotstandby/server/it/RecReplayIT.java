package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileReader;
import io.hotstandby.rec.Heartbeat;
import io.hotstandby.rec.HeartbeatCodec;
import io.hotstandby.rec.MalformedHeartbeatException;
import io.hotstandby.rec.ServerState;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats captured on the wire (a tap on the relays in front of every REC port) while the
 * servers swap roles, stop and restart, and replayed afterwards to every server: ACTIVE, STANDBY
 * and STOPPED heartbeats, a planned handover and a takeover request of runs that have since ended.
 * None of them changes a role or a term, and every one is dropped and counted.
 */
class RecReplayIT {
  static TestDomain domain;
  static final ConcurrentLinkedQueue<Captured> wire = new ConcurrentLinkedQueue<>();

  /** A datagram on its way to {@code server}'s REC {@code path}. */
  record Captured(String server, String path, byte[] datagram) {}

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("replay")
            .relays()
            .startFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY"));
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  static Ctl activate(String server) throws Exception {
    List<String> args = new ArrayList<>(List.of(domain.adminLogin()));
    args.addAll(List.of("--endpoint", domain.server(server).endpoint(), "activate"));
    Ctl ctl = Ctl.run(args.toArray(String[]::new));
    assertThat(ctl.exit()).as(ctl.out() + ctl.err()).isZero();
    return ctl;
  }

  @Test
  void heartbeatsOfEarlierRunsReplayedAfterRestartsChangeNoRole() throws Exception {
    for (String s : List.of("alpha", "beta")) {
      for (String p : TestDomain.PATHS) {
        domain.relay(s, p).tap(d -> wire.add(new Captured(s, p, d)));
      }
    }
    // A planned switchover each way: takeover requests and handovers on the wire.
    TestDomain.Roles first = domain.awaitRoles();
    activate(first.standby().name());
    domain.awaitState(first.standby().name(), "ACTIVE");
    domain.awaitState(first.active().name(), "STANDBY");
    activate(first.active().name());
    domain.awaitState(first.active().name(), "ACTIVE");
    domain.awaitState(first.standby().name(), "STANDBY");
    // Each server stops (STOPPED on the wire) and starts again: a new boot on both sides.
    restart("beta");
    restart("alpha");
    TestDomain.Roles settled = domain.awaitRoles();
    restart(settled.standby().name()); // the receiver restarts after the sender's new boot
    for (String s : List.of("alpha", "beta")) {
      for (String p : TestDomain.PATHS) {
        domain.relay(s, p).tap(null);
      }
    }
    List<Captured> captured = new ArrayList<>(wire);
    assertWireHolds(captured);

    TestDomain.Roles roles = domain.awaitRoles();
    String active = roles.active().name();
    String standby = roles.standby().name();
    long term = roles.active().status().path("term").asLong();
    Map<String, Long> droppedBefore = Map.of("alpha", dropped("alpha"), "beta", dropped("beta"));
    Map<String, Integer> sent = replay(captured);

    for (String s : List.of("alpha", "beta")) {
      await("the replayed heartbeats are dropped by " + s)
          .atMost(Timing.seconds(20))
          .until(() -> dropped(s) - droppedBefore.get(s) >= sent.get(s));
    }
    await("no role or term changed")
        .during(Duration.ofSeconds(3))
        .atMost(Timing.seconds(10))
        .untilAsserted(
            () -> {
              assertThat(domain.server(active).state()).isEqualTo("ACTIVE");
              assertThat(domain.server(standby).state()).isEqualTo("STANDBY");
              assertThat(domain.server(active).status().path("term").asLong()).isEqualTo(term);
              assertThat(
                      domain
                          .server(standby)
                          .status()
                          .path("links")
                          .get(0)
                          .path("liveness")
                          .asText())
                  .isEqualTo("ALIVE");
            });
  }

  private static void restart(String s) throws Exception {
    ServerProcess p = domain.server(s);
    p.stop();
    p.restart();
    domain.awaitRoles();
  }

  /** The capture holds every kind the test is about, decoded with the domain's own secret. */
  private static void assertWireHolds(List<Captured> captured) throws Exception {
    Domain d = DomainFileReader.read(domain.domainFile("alpha"));
    HeartbeatCodec codec = new HeartbeatCodec(d.name(), d.secret());
    List<Heartbeat> beats = new ArrayList<>();
    for (Captured c : captured) {
      try {
        beats.add(codec.decode(c.datagram(), c.datagram().length));
      } catch (MalformedHeartbeatException e) {
        // not a heartbeat of this domain: replayed all the same
      }
    }
    assertThat(beats).anyMatch(h -> h.state() == ServerState.ACTIVE);
    assertThat(beats).anyMatch(h -> h.state() == ServerState.STANDBY);
    assertThat(beats).anyMatch(h -> h.state() == ServerState.STOPPED);
    assertThat(beats).anyMatch(h -> !h.handoverTo().isEmpty());
    assertThat(beats).anyMatch(h -> !h.takeoverRequest().isEmpty());
    assertThat(beats.stream().map(h -> h.server() + "/" + h.bootId()).distinct().count())
        .as("runs of both servers")
        .isGreaterThanOrEqualTo(4);
  }

  /** Sends every captured datagram to the REC port it was going to; returns how many, by server. */
  private static Map<String, Integer> replay(List<Captured> captured) throws Exception {
    Map<String, Integer> sent = new HashMap<>(Map.of("alpha", 0, "beta", 0));
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (Captured c : captured) {
        InetSocketAddress to =
            new InetSocketAddress(
                InetAddress.getLoopbackAddress(), domain.recPort(c.server(), c.path()));
        socket.send(new DatagramPacket(c.datagram(), c.datagram().length, to));
        sent.merge(c.server(), 1, Integer::sum);
        if (sent.get(c.server()) % 5 == 0) {
          // Paced, so the kernel's receive buffer takes them all and every one is counted.
          LockSupport.parkNanos(1_000_000);
        }
      }
    }
    return sent;
  }

  private static long dropped(String s) throws Exception {
    return domain.server(s).status().path("recDroppedDatagrams").asLong();
  }
}
