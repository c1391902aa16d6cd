package io.hotstandby.server.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.events.Weight;
import io.hotstandby.runtime.ProjectRuntime;
import io.hotstandby.runtime.StandbyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two state mirrors with real runtimes, joined by an in-process bus that can lose messages: the
 * protocol (snapshot, stream, gaps, confirmations) without the cluster around it.
 */
class MirrorPairTest {
  static final String PROJECT =
      """
      <project name="p">
        <tags>
          <tag name="Setpoint" type="Double" initial="2.5" writable="true" retentive="true"/>
          <tag name="Counter" type="Int64" initial="0" writable="true"/>
          <tag name="Trip" type="Boolean" initial="false" writable="true"/>
        </tags>
        <alarms>
          <digital name="Tripped" tag="Trip" activeWhen="true" severity="800" message="tripped"/>
        </alarms>
      </project>
      """;

  @TempDir Path dir;
  final List<Node> nodes = new ArrayList<>();
  final AtomicBoolean lose = new AtomicBoolean();

  /** One server: a runtime, its mirror and what the mirror logged. */
  final class Node implements MirrorHost {
    final String name;
    final ProjectRuntime runtime;
    final StateMirror mirror;
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> mirrored = new CopyOnWriteArrayList<>();
    volatile boolean active;
    volatile boolean stopped;

    Node(String name) throws Exception {
      this.name = name;
      Path project = dir.resolve("p.prj");
      if (!Files.exists(project)) {
        Files.writeString(project, PROJECT);
      }
      runtime = new ProjectRuntime(StandbyMode.WARM);
      runtime.keepRetentiveValuesIn(dir.resolve(name).resolve("retentive.properties"));
      runtime.load(List.of(project));
      mirror = new StateMirror(this);
      mirror.start();
    }

    void activate() {
      mirror.becomingActive();
      runtime.activate();
      active = true;
    }

    void deactivate() {
      runtime.deactivate();
      mirror.noLongerActive();
      active = false;
    }

    @Override
    public String self() {
      return name;
    }

    @Override
    public ProjectRuntime runtime() {
      return runtime;
    }

    @Override
    public void publish(byte[] message) {
      for (Node n : nodes) {
        if (n != this && !(lose.get() && n.name.equals("b"))) {
          n.mirror.received(message);
        }
      }
    }

    @Override
    public String activePeer() {
      for (Node n : nodes) {
        if (n != this && n.active) {
          return n.name;
        }
      }
      return "";
    }

    @Override
    public boolean stopped(String peer) {
      return nodes.stream().anyMatch(n -> n.name.equals(peer) && n.stopped);
    }

    @Override
    public long announcedSeq(String peer) {
      return nodes.stream()
          .filter(n -> n.name.equals(peer))
          .mapToLong(n -> n.mirror.announcedSeq())
          .findFirst()
          .orElse(0);
    }

    @Override
    public long term() {
      return 1;
    }

    @Override
    public long maxLagMillis() {
      return 1000;
    }

    @Override
    public long confirmTimeoutMillis() {
      return 500;
    }

    @Override
    public void event(Weight weight, String message, Map<String, Object> details) {
      events.add(message);
    }

    @Override
    public void mirroredEvent(String line) {
      mirrored.add(line);
    }
  }

  Node node(String name) throws Exception {
    Node n = new Node(name);
    nodes.add(n);
    return n;
  }

  @AfterEach
  void close() {
    for (Node n : nodes) {
      n.mirror.close();
      n.runtime.close();
    }
  }

  @Test
  void aStandbyTakesASnapshotThenTheStreamAndIsReadyWhenCaughtUp() throws Exception {
    Node a = node("a");
    a.activate();
    a.runtime.write("Setpoint", 9.5, "op").get();
    a.runtime.write("Trip", true, "op").get();
    a.runtime.acknowledge("Tripped", "op", "checked");
    Node b = node("b");
    assertThat(b.mirror.status().ready()).isFalse();

    await().atMost(Duration.ofSeconds(10)).until(() -> b.mirror.status().ready());
    assertThat(b.runtime.read("Setpoint")).isEqualTo(a.runtime.read("Setpoint"));
    assertThat(b.runtime.alarms()).isEqualTo(a.runtime.alarms());
    assertThat(b.mirror.status().snapshots()).isEqualTo(1);

    for (long i = 1; i <= 2000; i++) {
      a.runtime.write("Counter", i, "op").get();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.runtime.read("Counter").orElseThrow().value().equals(2000L));
    assertThat(b.mirror.status().seq()).isEqualTo(a.mirror.status().seq());
    a.mirror.eventLogged("{\"message\":\"hello\"}");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.mirrored.contains("{\"message\":\"hello\"}"));
  }

  @Test
  void anActionIsConfirmedOnceTheStandbyAppliedIt() throws Exception {
    Node a = node("a");
    a.activate();
    Node b = node("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.mirror.status().ready());

    a.runtime.write("Setpoint", 4.0, "op").get();
    assertThat(a.mirror.confirm().get()).isTrue();
    // Confirmed means applied on the standby already, not later.
    assertThat(b.runtime.read("Setpoint").orElseThrow().value()).isEqualTo(4.0);

    lose.set(true);
    a.runtime.write("Setpoint", 5.0, "op").get();
    assertThat(a.mirror.confirm().get()).isFalse();
    assertThat(a.mirror.status().unconfirmed()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> !a.events.isEmpty());
  }

  @Test
  void anActionAfterAQuietSpellStillWaitsForTheStandby() throws Exception {
    Node a = node("a");
    a.activate();
    Node b = node("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.mirror.status().ready());
    // Nothing changes for longer than the active waits for a silent standby.
    long quiet = TimeUnit.NANOSECONDS.toMillis(MirrorPublisher.FOLLOWER_SILENCE_NANOS) + 500;
    await()
        .during(Duration.ofMillis(quiet))
        .atMost(Duration.ofMillis(quiet + 5000))
        .until(() -> b.mirror.status().ready());

    lose.set(true);
    a.runtime.write("Setpoint", 5.0, "op").get();
    assertThat(a.mirror.confirm().get()).isFalse();
    assertThat(a.mirror.status().unconfirmed()).isEqualTo(1);
  }

  @Test
  void aStandbyThatAnnouncedItStoppedIsNotWaitedFor() throws Exception {
    Node a = node("a");
    a.activate();
    Node b = node("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.mirror.status().ready());

    b.stopped = true;
    lose.set(true);
    a.runtime.write("Setpoint", 6.0, "op").get();
    long t0 = System.nanoTime();
    assertThat(a.mirror.confirm().get()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(400));
    assertThat(a.mirror.status().unconfirmed()).isZero();
  }

  @Test
  void aGapAsksForANewSnapshot() throws Exception {
    Node a = node("a");
    a.activate();
    Node b = node("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.mirror.status().ready());
    lose.set(true);
    a.runtime.write("Counter", 1L, "op").get();
    a.mirror.confirm().get();
    lose.set(false);
    a.runtime.write("Setpoint", 7.0, "op").get();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.runtime.read("Counter").orElseThrow().value().equals(1L));
    assertThat(b.mirror.status().snapshots()).isEqualTo(2);
    assertThat(b.runtime.read("Setpoint").orElseThrow().value()).isEqualTo(7.0);
  }

  @Test
  void changesLostWhileTheActiveThenStaysQuietAreFetchedWithASnapshot() throws Exception {
    Node a = node("a");
    a.activate();
    Node b = node("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.mirror.status().ready());
    lose.set(true);
    a.runtime.write("Counter", 5L, "op").get();
    a.mirror.confirm().get();
    lose.set(false);

    // No later batch shows the gap; the active's announced number does.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.runtime.read("Counter").orElseThrow().value().equals(5L));
    assertThat(b.mirror.status().snapshots()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> b.mirror.status().ready());
  }

  @Test
  void aSwapFlushesTheOldActivesLastChangesBeforeTheNewOneActivates() throws Exception {
    Node a = node("a");
    a.activate();
    Node b = node("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.mirror.status().ready());
    a.runtime.write("Setpoint", 11.0, "op").get();
    long last = a.mirror.status().seq();
    a.deactivate();
    await().atMost(Duration.ofSeconds(10)).until(() -> b.mirror.status().seq() == last);
    assertThat(b.runtime.read("Setpoint").orElseThrow().value()).isEqualTo(11.0);
    b.activate();
    assertThat(b.runtime.write("Setpoint", 12.0, "op").get().ok()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.mirror.status().ready());
    assertThat(a.runtime.read("Setpoint").orElseThrow().value()).isEqualTo(12.0);
  }
}
