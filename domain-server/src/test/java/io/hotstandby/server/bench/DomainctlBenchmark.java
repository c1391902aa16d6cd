package io.hotstandby.server.bench;

import static org.awaitility.Awaitility.await;

import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * How long an operator waits for {@code domainctl}, figures, not a test: {@code bench.runs} (20)
 * runs each of {@code status}, {@code tag Tank1.Level} (a read) and {@code activate} (a planned
 * switchover to the standby, alternating between the servers), each through the real launcher, as a
 * user types it, until the process exits: once handed to the resident agent (the launcher's
 * default; the first run, which starts it, reported apart), once with {@code DOMAINCTL_AGENT=off}
 * (JVM start, login and the servers' answers every time). The domain runs the demo plant's project
 * (no device connected: a tag read still answers) with the launcher's default JVM options. Run
 * with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -am -Dtest=none
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=DomainctlBenchmark</pre>
 */
class DomainctlBenchmark {
  static final int RUNS = Integer.getInteger("bench.runs", 20);

  @Test
  void domainctl() throws Exception {
    try (TestDomain domain =
        TestDomain.builder()
            .name("ctl")
            .project(Path.of("../projects/demo/plant.prj").toAbsolutePath())
            .defaultJvmOptions()
            .build()
            .startAll()) {
      domain.awaitState("alpha", "ACTIVE");
      domain.awaitState("beta", "STANDBY");
      domain.awaitCluster(2);
      String file = domain.domainFile("alpha").toString();
      Path runtime = Files.createTempDirectory("ctl-agent-");
      Map<String, String> agent = Map.of("XDG_RUNTIME_DIR", runtime.toString());
      Map<String, String> none = Map.of("DOMAINCTL_AGENT", "off");
      StringBuilder report =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "domainctl benchmark: %d runs each, real launcher, two-server domain%n",
                  RUNS));
      try {
        long first = run(agent, domain.ctlAs(TestDomain.VIEWER, "--domain", file, "status"));
        report.append(
            String.format(Locale.ROOT, "  first status, starting the agent: %d ms%n", first));
        for (Map<String, String> env : List.of(agent, none)) {
          String mode = env == agent ? " (agent)" : " (no agent)";
          List<Long> status = new ArrayList<>();
          List<Long> tag = new ArrayList<>();
          List<Long> activate = new ArrayList<>();
          for (int i = 0; i < RUNS; i++) {
            status.add(run(env, domain.ctlAs(TestDomain.VIEWER, "--domain", file, "status")));
            tag.add(
                run(env, domain.ctlAs(TestDomain.VIEWER, "--domain", file, "tag", "Tank1.Level")));
          }
          for (int i = 0; i < RUNS; i++) {
            activate.add(switchOver(domain, env, file, i % 2 == 0 ? "beta" : "alpha"));
          }
          report
              .append(FailoverBenchmark.line("domainctl status" + mode, sorted(status)))
              .append(FailoverBenchmark.line("domainctl tag Tank1.Level" + mode, sorted(tag)))
              .append(FailoverBenchmark.line("domainctl activate SERVER" + mode, sorted(activate)));
        }
      } finally {
        stopAgents(runtime);
      }
      System.out.print(report);
      Path out = Path.of("target", "benchmarks");
      Files.createDirectories(out);
      Files.writeString(out.resolve("domainctl.txt"), report.toString());
    }
  }

  private static List<Long> sorted(List<Long> samples) {
    List<Long> s = new ArrayList<>(samples);
    s.sort(null);
    return s;
  }

  /**
   * One planned switchover to {@code target} through the launcher; waits until it is ready again.
   */
  private static long switchOver(
      TestDomain domain, Map<String, String> env, String file, String target) throws Exception {
    long ms = run(env, domain.ctlAs(TestDomain.OPERATOR, "--domain", file, "activate", target));
    domain.awaitState(target, "ACTIVE");
    String other = target.equals("alpha") ? "beta" : "alpha";
    domain.awaitState(other, "STANDBY");
    // The next switchover needs the standby ready again: the cluster and its mirror back.
    domain.awaitCluster(2);
    await("standby ready")
        .atMost(Timing.seconds(60))
        .until(() -> domain.server(other).status().path("serviceLevel").asInt() >= 100);
    return ms;
  }

  /** Ends the agents started below {@code runtime} (each wrote its pid beside its socket). */
  static void stopAgents(Path runtime) throws IOException {
    try (Stream<Path> files = Files.walk(runtime)) {
      for (Path pid : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
            .ifPresent(ProcessHandle::destroy);
      }
    }
  }

  /** Milliseconds from starting the launcher until it exits; a failed run fails the benchmark. */
  private static long run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(TestDomain.distBin("domainctl")));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("HOTSTANDBY_KNOWN_SERVERS", System.getProperty("hotstandby.knownServers"));
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("domainctl did not finish within 60 s: " + command);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (p.exitValue() != 0) {
      throw new AssertionError(
          "domainctl exited " + p.exitValue() + ": " + new String(out, StandardCharsets.UTF_8));
    }
    return ms;
  }
}
