package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Planned switchovers as operators and clients see them: bumpless while a client writes, refused
 * with every reason when the standby does not hold the active's state, rolled back when the target
 * dies in the middle. One domain (with relays in front of the Hazelcast members, so the mirror
 * stream can be held) for the class; each test finds the roles anew.
 */
class SwitchoverIT {
  static final String COUNTER = "Plant.Counter";
  static final String PROJECT =
      """
      <project name="swap">
        <tags>
          <folder name="Plant">
            <tag name="Counter" type="Int64" initial="0" writable="true"/>
            <tag name="Setpoint" type="Double" initial="1.5" writable="true" retentive="true"/>
          </folder>
        </tags>
      </project>
      """;

  static TestDomain domain;
  ServerProcess active;
  ServerProcess standby;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("swap-project-");
    Path project = Files.writeString(dir.resolve("swap.prj"), PROJECT);
    domain = TestDomain.builder().name("swap").project(project).clusterRelays().build().startAll();
  }

  @AfterAll
  static void stop() {
    if (domain != null) {
      domain.close();
    }
  }

  @BeforeEach
  void findRoles() {
    domain.thawCluster();
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    active = roles.active();
    standby = roles.standby();
  }

  @Test
  void aSwitchoverWhileAClientWritesFailsNoWriteAndLosesNone() throws Exception {
    AtomicLong lastGood = new AtomicLong();
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    AdminClient writer = active.operatorClient();
    // The client keeps writing to the server it started with, as a client that has not noticed
    // the switchover yet does: bounded in count and time.
    CompletableFuture<Void> writing =
        CompletableFuture.runAsync(
            () -> {
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
              for (long i = 1; i <= 20_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                try {
                  String status = writer.writeTag(COUNTER, i);
                  if (status.equals("Good")) {
                    lastGood.set(i);
                  } else {
                    failures.add(i + ": " + status);
                  }
                } catch (Exception e) {
                  failures.add(i + ": " + e.getMessage());
                }
              }
            });
    await().atMost(Timing.seconds(20)).until(() -> lastGood.get() >= 20);

    ActivateResult swap = standby.operatorClient().activate();
    assertThat(swap.accepted()).as(swap.message()).isTrue();
    long atSwap = lastGood.get();
    await().atMost(Timing.seconds(20)).until(() -> lastGood.get() >= atSwap + 20);
    stop.set(true);
    writing.get(30, TimeUnit.SECONDS);

    assertThat(failures).isEmpty();
    assertThat(standby.state()).isEqualTo("ACTIVE");
    assertThat(standby.operatorClient().readTag(COUNTER).value()).isEqualTo(lastGood.get());
    // The writes that reached the old server after the swap were served by the new active.
    assertThat(Files.readAllLines(standby.dataDir().resolve("audit.jsonl")))
        .anyMatch(l -> l.contains("via " + active.name()) && l.contains(COUNTER));
  }

  @Test
  void activateIsRefusedWhileTheStandbyIsBehindAndNothingChanges() throws Exception {
    long term = active.status().path("term").asLong();
    AdminClient onActive = active.operatorClient();
    try (AdminClient operator = standby.connectAs(TestDomain.OPERATOR)) {
      domain.freezeCluster();
      // Answered once the confirmation times out: the standby cannot apply it.
      assertThat(onActive.writeTag(COUNTER, 4242L)).isEqualTo("Good");
      await()
          .atMost(Timing.seconds(20))
          .until(() -> !standby.status().path("mirror").path("ready").asBoolean(true));

      ActivateResult refused = operator.activate();

      assertThat(refused.accepted()).isFalse();
      assertThat(refused.message())
          .startsWith("refused: ")
          .contains("the state mirror of " + standby.name() + " is ")
          .contains("behind (mirrorMaxLagMs ");
    } finally {
      domain.thawCluster();
    }
    assertThat(active.state()).isEqualTo("ACTIVE");
    assertThat(active.status().path("term").asLong()).isEqualTo(term);
    assertThat(standby.state()).isEqualTo("STANDBY");
    // Once the stream flows again, the standby catches up and is ready.
    domain.awaitMirrored(standby.name());
    assertThat(standby.operatorClient().readTag(COUNTER).value()).isEqualTo(4242L);
  }

  @Test
  void aSwapWhoseTargetIsKilledMidwayRollsBackAndTheOldActiveKeepsServing() throws Exception {
    AdminClient onActive = active.operatorClient();
    AdminClient operator = standby.operatorClient();
    domain.freezeCluster();
    try {
      // A change the standby cannot receive: the swap will wait for it and never complete.
      CompletableFuture<String> write =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return onActive.writeTag(COUNTER, 777L);
                } catch (Exception e) {
                  return e.getMessage();
                }
              });
      await()
          .atMost(Timing.seconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> standby.status().path("mirror").path("lagEntries").asLong() > 0);
      CompletableFuture<ActivateResult> swap =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return operator.activate();
                } catch (Exception e) {
                  return new ActivateResult(false, e.getMessage());
                }
              });
      // The old active has released the role and waits for the target (announced as STANDBY
      // handing over to it); the target waits for the change it cannot receive.
      await()
          .atMost(Timing.seconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> active.status().path("handoverTo").asText().equals(standby.name()));
      standby.kill();
      assertThat(write.get(30, TimeUnit.SECONDS)).isEqualTo("Good");
      swap.get(30, TimeUnit.SECONDS);
    } finally {
      domain.thawCluster();
    }
    domain.awaitState(active.name(), "ACTIVE");
    assertThat(onActive.writeTag(COUNTER, 778L)).isEqualTo("Good");
    assertThat(onActive.readTag(COUNTER).value()).isEqualTo(778L);

    standby.restart();
    domain.awaitState(standby.name(), "STANDBY");
  }
}
