package io.hotstandby.server.bench;

import io.hotstandby.server.it.QuorumCases;
import io.hotstandby.server.it.QuorumCases.Result;
import io.hotstandby.server.kit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Quorum witness figures, not a test: a domain of two servers and a witness on three hosts (network
 * namespaces), the launcher's default JVM options, and {@code bench.cycles} rounds (20) of every
 * partition of the three, of SIGSTOP of the active and of kill -9 of the active. For each case:
 * role changes (0 expected where the active keeps a majority), the longest time both servers logged
 * themselves ACTIVE (0 expected everywhere; after a SIGSTOP counted from the resume), and the
 * fault-to-takeover time where there is one. Run as root with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -am -Dtest=none
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=WitnessBenchmark</pre>
 */
class WitnessBenchmark {
  static final int CYCLES = Integer.getInteger("bench.cycles", 20);
  static final int HOLD_SECONDS = 3;

  final Map<String, List<Result>> results = new LinkedHashMap<>();

  @Test
  void partitionsWithAWitness() throws Exception {
    try (QuorumCases q = QuorumCases.start("hsb", true)) {
      for (int i = 0; i < CYCLES; i++) {
        run(q, "(a) servers cut from each other", () -> q.cutServers(HOLD_SECONDS));
        run(q, "(b) active cut from everything", q::isolateActive);
        run(q, "(c) standby cut from everything", () -> q.isolateStandby(HOLD_SECONDS));
        run(q, "(d) witness cut from everything", () -> q.isolateWitness(HOLD_SECONDS));
        run(q, "(e) active SIGSTOP 2 s", () -> q.freezeActive(2000));
        run(q, "(f) active->standby lost one way", () -> q.activeToStandbyOneWay(HOLD_SECONDS));
        run(q, "(g) witness lost, then (f)", q::witnessLostThenActiveToStandbyOneWay);
        run(q, "kill -9 of the active", () -> kill(q));
      }
      StringBuilder report = new StringBuilder();
      report.append(
          String.format(
              Locale.ROOT,
              "witness benchmark: %d cycles of each case, 100 ms heartbeats, 500 ms failover"
                  + " timeout%n",
              CYCLES));
      results.forEach((name, list) -> report.append(line(name, list)));
      System.out.print(report);
      Path out = q.domain().root().getParent().getParent().resolve("benchmarks");
      Files.createDirectories(out);
      Files.writeString(out.resolve("witness.txt"), report);
    }
  }

  private void run(QuorumCases q, String name, Supplier<Result> body) {
    q.findRoles();
    try {
      results.computeIfAbsent(name, n -> new ArrayList<>()).add(body.get());
    } finally {
      q.heal();
    }
  }

  private static Result kill(QuorumCases q) {
    ServerProcess victim = q.active();
    long at = System.currentTimeMillis();
    try {
      victim.kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    q.awaitLogged(q.standby(), "ACTIVE");
    long up = q.firstChangeTo(q.standby(), "ACTIVE");
    victim.restart();
    q.awaitLogged(victim, "STANDBY");
    return new Result(1, 0, up - at);
  }

  private static String line(String name, List<Result> list) {
    int changes = list.stream().mapToInt(Result::roleChanges).sum();
    long overlap = list.stream().mapToLong(Result::overlapMillis).max().orElse(-1);
    List<Long> takeovers =
        list.stream().map(Result::takeoverMillis).filter(t -> t >= 0).sorted().toList();
    String takeover =
        takeovers.isEmpty()
            ? "no takeover"
            : String.format(
                Locale.ROOT,
                "takeover p50=%d p99=%d max=%d ms",
                FailoverBenchmark.pct(takeovers, 50),
                FailoverBenchmark.pct(takeovers, 99),
                takeovers.get(takeovers.size() - 1));
    return String.format(
        Locale.ROOT,
        "%-34s n=%-3d role changes=%-3d dual-active max=%d ms  %s%n",
        name,
        list.size(),
        changes,
        overlap,
        takeover);
  }
}
