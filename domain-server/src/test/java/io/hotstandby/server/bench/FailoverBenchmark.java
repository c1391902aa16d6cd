package io.hotstandby.server.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Failover figures, not a test: {@code bench.kills} cycles of kill -9 of the active, {@code
 * bench.freezes} cycles of SIGSTOP once the standby's loss timeout for the active is back at the
 * failover timeout (no server in its first minute, no late heartbeats), and {@code
 * bench.warmFreezes} cycles of SIGSTOP right after the standby restarted (its first minute, when
 * the loss timeout is at its ceiling), on loopback, with the product's default settings (100 ms
 * heartbeats, 500 ms failover timeout growing to 2000 ms on a busy machine, the launcher's default
 * JVM options). For each cycle it measures (a) kill until the standby's event log records ACTIVE
 * and (b) kill until an OPC UA client subscribed (50 ms) to the standby sees a ServiceLevel of 200
 * or more. Run with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -am</pre>
 */
class FailoverBenchmark {
  static final int KILLS = Integer.getInteger("bench.kills", 20);
  static final int FREEZES = Integer.getInteger("bench.freezes", 10);
  static final int WARM_FREEZES = Integer.getInteger("bench.warmFreezes", 3);

  @Test
  void failover() throws Exception {
    try (TestDomain domain =
        TestDomain.builder()
            .name("bench")
            .defaultJvmOptions()
            .defaultLossTimeout()
            .build()
            .startAll()) {
      domain.awaitState("alpha", "ACTIVE");
      domain.awaitState("beta", "STANDBY");
      List<Long> killActive = new ArrayList<>();
      List<Long> killClient = new ArrayList<>();
      List<Long> freezeActive = new ArrayList<>();
      List<Long> freezeClient = new ArrayList<>();
      for (int i = 0; i < KILLS; i++) {
        cycle(domain, false, killActive, killClient);
      }
      for (int i = 0; i < FREEZES; i++) {
        awaitSteadyLossTimeout(domain);
        cycle(domain, true, freezeActive, freezeClient);
      }
      List<Long> warmActive = new ArrayList<>();
      List<Long> warmClient = new ArrayList<>();
      for (int i = 0; i < WARM_FREEZES; i++) {
        ServerProcess standby = roleHolder(domain, "STANDBY");
        standby.kill();
        standby.restart();
        domain.awaitState(standby.name(), "STANDBY");
        cycle(domain, true, warmActive, warmClient);
      }
      StringBuilder report = new StringBuilder();
      report.append(
          String.format(
              Locale.ROOT,
              "failover benchmark: %d kill -9 cycles, %d SIGSTOP cycles, %d SIGSTOP cycles in the"
                  + " standby's first minute%n",
              KILLS,
              FREEZES,
              WARM_FREEZES));
      report.append(line("kill -9 -> standby ACTIVE", killActive));
      report.append(line("kill -9 -> client ServiceLevel>=200", killClient));
      report.append(line("SIGSTOP -> standby ACTIVE", freezeActive));
      report.append(line("SIGSTOP -> client ServiceLevel>=200", freezeClient));
      report.append(line("first minute: SIGSTOP -> standby ACTIVE", warmActive));
      report.append(line("first minute: SIGSTOP -> client SL>=200", warmClient));
      System.out.print(report);
      java.nio.file.Path out = domain.root().getParent().getParent().resolve("benchmarks");
      java.nio.file.Files.createDirectories(out);
      java.nio.file.Files.writeString(out.resolve("failover.txt"), report);
    }
  }

  private void cycle(TestDomain domain, boolean freeze, List<Long> toActive, List<Long> toClient)
      throws Exception {
    ServerProcess active = roleHolder(domain, "ACTIVE");
    ServerProcess standby = roleHolder(domain, "STANDBY");
    domain.awaitCluster(2);
    AtomicLong seenAt = new AtomicLong();
    AtomicLong updates = new AtomicLong();
    try (AutoCloseable sub =
        standby
            .client()
            .subscribeServiceLevel(
                50,
                level -> {
                  updates.incrementAndGet();
                  if (level >= 200) {
                    seenAt.compareAndSet(0, System.currentTimeMillis());
                  }
                })) {
      await("first ServiceLevel").atMost(Timing.seconds(10)).until(() -> updates.get() > 0);
      long before = transitions(standby);
      long t0 = System.currentTimeMillis();
      if (freeze) {
        active.freeze();
      } else {
        active.kill();
      }
      try {
        await()
            .atMost(Timing.seconds(30))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> transitions(standby) > before && standby.loggedState().equals("ACTIVE"));
        await()
            .atMost(Timing.seconds(30))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> seenAt.get() != 0);
      } finally {
        if (freeze) {
          active.thaw();
        }
      }
      toActive.add(activeAt(standby) - t0);
      toClient.add(seenAt.get() - t0);
    }
    if (!freeze) {
      active.restart();
    }
    domain.awaitState(active.name(), "STANDBY");
  }

  /**
   * Waits until the standby judges the active by the failover timeout again: past both servers'
   * first minute and a minute after the last late heartbeat (a thawed server's).
   */
  private static void awaitSteadyLossTimeout(TestDomain domain) {
    await("standby's loss timeout back at the failover timeout")
        .atMost(Timing.seconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              ServerProcess standby = roleHolder(domain, "STANDBY");
              for (JsonNode link : standby.status().path("links")) {
                if ("ACTIVE".equals(link.path("state").asText())) {
                  return link.path("lossTimeoutMs").asLong() == 500;
                }
              }
              return false;
            });
  }

  private static ServerProcess roleHolder(TestDomain domain, String state) {
    await()
        .atMost(Timing.seconds(60))
        .until(() -> domain.servers().stream().anyMatch(s -> s.loggedState().equals(state)));
    return domain.servers().stream()
        .filter(s -> s.loggedState().equals(state))
        .findFirst()
        .orElseThrow();
  }

  private static long transitions(ServerProcess s) {
    return s.events().stream().filter(e -> e.has("to")).count();
  }

  private static long activeAt(ServerProcess s) {
    JsonNode last = null;
    for (JsonNode e : s.events()) {
      if ("ACTIVE".equals(e.path("to").asText())) {
        last = e;
      }
    }
    return last.path("epochMillis").asLong();
  }

  static String line(String what, List<Long> samples) {
    List<Long> s = new ArrayList<>(samples);
    Collections.sort(s);
    return String.format(
        Locale.ROOT,
        "%-38s n=%-3d p50=%5d ms  p95=%5d ms  p99=%5d ms  max=%5d ms%n",
        what,
        s.size(),
        pct(s, 50),
        pct(s, 95),
        pct(s, 99),
        s.isEmpty() ? -1 : s.get(s.size() - 1));
  }

  static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
  }
}
