package io.hotstandby.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.UdpFlood;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * REC flood figures, not a test: garbage datagrams (random bytes, 1..1200 long) on both REC ports
 * of the standby, at each rate of {@code bench.recFloodRates} (datagrams a second, both ports
 * together) for {@code bench.recFloodSeconds} (60) seconds, until a rate makes either server change
 * state (a false failover). The domain runs with the product's REC defaults (100 ms heartbeats, 500
 * ms failover timeout) and the launcher's default JVM options. Per rate it reports the rate
 * achieved and whether the roles held. Run with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -am -Dit.test=RecFloodBenchmark</pre>
 */
class RecFloodBenchmark {
  static final long[] RATES =
      Arrays.stream(
              System.getProperty("bench.recFloodRates", "5000,20000,50000,100000,1000000")
                  .split(","))
          .mapToLong(r -> Long.parseLong(r.strip()))
          .toArray();
  static final int SECONDS = Integer.getInteger("bench.recFloodSeconds", 60);

  @Test
  void recFlood() throws Exception {
    try (TestDomain domain =
        TestDomain.builder()
            .name("recflood")
            .defaultJvmOptions()
            .startFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY"))) {
      ServerProcess active = domain.server("alpha");
      ServerProcess standby = domain.server("beta");
      List<Integer> ports = new ArrayList<>();
      for (String p : TestDomain.PATHS) {
        ports.add(domain.recPort("beta", p));
      }
      StringBuilder report = new StringBuilder();
      report.append(
          String.format(
              Locale.ROOT,
              "REC flood benchmark: garbage on the standby's %d REC ports, %d s per rate%n",
              ports.size(),
              SECONDS));
      long withstood = 0;
      for (long rate : RATES) {
        domain.awaitCluster(2);
        int activeEvents = active.events().size();
        int standbyEvents = standby.events().size();
        long sent;
        long start = System.nanoTime();
        try (UdpFlood flood = UdpFlood.start(ports, rate)) {
          Thread.sleep(SECONDS * 1000L); // the flood's length, not a wait for a state
          sent = flood.sent();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> changes = new ArrayList<>();
        changes.addAll(transitions(active, activeEvents));
        changes.addAll(transitions(standby, standbyEvents));
        boolean held = changes.isEmpty();
        report.append(
            String.format(
                Locale.ROOT,
                "  target %,9d/s  achieved %,9.0f/s  %s%n",
                rate,
                sent / seconds,
                held ? "roles held" : "FALSE FAILOVER: " + changes));
        if (!held) {
          break;
        }
        withstood = Math.round(sent / seconds);
      }
      report.append(
          String.format(
              Locale.ROOT,
              "  highest rate withstood for %d s: %,d datagrams/s%n",
              SECONDS,
              withstood));
      System.out.print(report);
      Path out = domain.root().getParent().getParent().resolve("benchmarks");
      Files.createDirectories(out);
      Files.writeString(out.resolve("rec-flood.txt"), report);
    }
  }

  private static List<String> transitions(ServerProcess s, int from) {
    List<JsonNode> all = s.events();
    return all.subList(Math.min(from, all.size()), all.size()).stream()
        .map(e -> e.path("message").asText())
        .filter(m -> m.startsWith("state changed"))
        .map(m -> s.name() + ": " + m)
        .toList();
  }
}
