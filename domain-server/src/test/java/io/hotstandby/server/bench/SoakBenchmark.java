package io.hotstandby.server.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * False failovers on a busy machine, figures, not a test. (1) Start storms: two domain pairs and
 * two busy JVMs started at the same instant, {@code bench.storms} times (10), each watched for
 * {@code bench.stormWatchSeconds} (60). (2) Steady state: two formed pairs next to busy JVMs with
 * as many busy threads as each load average in {@code bench.loads} (4,8,12), {@code
 * bench.steadyMinutes} (10) each. Nothing is faulted, so every takeover is a false failover. It
 * reports them with what explains them: how late heartbeats were sent and arrived and how late the
 * servers' own REC schedulers ran ({@code recTiming} of the status), safepoint pauses of the server
 * JVMs (-Xlog:safepoint) and how long the REC scheduler threads waited for a CPU (schedstat). Run
 * with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -am -Dtest=none
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SoakBenchmark</pre>
 */
class SoakBenchmark {
  static final int STORMS = Integer.getInteger("bench.storms", 10);
  static final int STORM_WATCH_S = Integer.getInteger("bench.stormWatchSeconds", 60);
  static final String LOADS = System.getProperty("bench.loads", "4,8,12");
  static final int STEADY_MIN = Integer.getInteger("bench.steadyMinutes", 10);
  static final int STORM_CLIS = Integer.getInteger("bench.stormClis", 4);
  static final String SERVER_OPTS = System.getProperty("bench.serverOpts", "");
  static final List<String> DOMAINS = List.of("soak-a", "soak-b");

  final StringBuilder report = new StringBuilder();
  final Map<ServerProcess, long[]> waitsBefore = new java.util.HashMap<>();
  Path jvmLogs;

  @Test
  void soak() throws Exception {
    report.append(
        String.format(
            Locale.ROOT,
            "soak benchmark: %d start storms (with %d CLI runs every 5 s for 30 s) watched %d s,"
                + " steady %d min at busy threads %s; 100 ms heartbeats, 500 ms failover timeout"
                + " (loss timeout up to 2000 ms); server JVM options: %s%n",
            STORMS,
            STORM_CLIS,
            STORM_WATCH_S,
            STEADY_MIN,
            LOADS,
            SERVER_OPTS.isBlank() ? "the launcher's defaults" : SERVER_OPTS));
    jvmLogs = Files.createTempDirectory("soak-jvm-");
    Window storms = new Window("start storms");
    for (int i = 0; i < STORMS; i++) {
      storms.add(storm());
    }
    report.append(storms.line());
    for (String load : LOADS.split(",")) {
      if (!load.isBlank()) {
        report.append(steady(Integer.parseInt(load.strip())).line());
      }
    }
    List<Long> pauses = JvmPauses.read(jvmLogs);
    report.append(
        String.format(
            Locale.ROOT,
            "server JVM safepoints: n=%d p50=%d p99=%d max=%d ms, over 100 ms: %d%n",
            pauses.size(),
            FailoverBenchmark.pct(pauses, 50),
            FailoverBenchmark.pct(pauses, 99),
            pauses.isEmpty() ? -1 : pauses.get(pauses.size() - 1),
            pauses.stream().filter(p -> p > 100).count()));
    System.out.print(report);
    Path out = Path.of("target", "benchmarks");
    Files.createDirectories(out);
    Files.writeString(out.resolve("soak.txt"), report);
  }

  /** What one window saw: false failovers, lateness buckets, run-queue waits, load averages. */
  static final class Window {
    final String name;
    int falseFailovers;
    int dualActive;
    final Map<String, Long> tickLate = new TreeMap<>();
    final Map<String, Long> sentLate = new TreeMap<>();
    final Map<String, Long> arrivedLate = new TreeMap<>();
    long waitNanos;
    long slices;
    final List<Double> loads = new ArrayList<>();

    Window(String name) {
      this.name = name;
    }

    void add(Window w) {
      falseFailovers += w.falseFailovers;
      dualActive += w.dualActive;
      merge(tickLate, w.tickLate);
      merge(sentLate, w.sentLate);
      merge(arrivedLate, w.arrivedLate);
      waitNanos += w.waitNanos;
      slices += w.slices;
      loads.addAll(w.loads);
    }

    /** Bucket counts add up; the largest lateness is the larger of the two. */
    private static void merge(Map<String, Long> into, Map<String, Long> from) {
      from.forEach((k, v) -> into.merge(k, v, k.equals("maxMs") ? Math::max : Long::sum));
    }

    String line() {
      double load = loads.stream().mapToDouble(Double::doubleValue).average().orElse(-1);
      double maxLoad = loads.stream().mapToDouble(Double::doubleValue).max().orElse(-1);
      return String.format(
              Locale.ROOT,
              "%s: false failovers %d, dual-active ERRORs %d, load average mean %.1f max %.1f%n",
              name,
              falseFailovers,
              dualActive,
              load,
              maxLoad)
          + "  REC scheduler late (here):   "
          + tickLate
          + "\n  heartbeats sent late (peer): "
          + sentLate
          + "\n  heartbeats arrived late:     "
          + arrivedLate
          + String.format(
              Locale.ROOT,
              "%n  REC scheduler threads waited for a CPU %d ms in all, %.2f ms a time slice%n",
              waitNanos / 1_000_000,
              slices == 0 ? 0 : waitNanos / 1e6 / slices);
    }
  }

  private TestDomain domain(String name) {
    var b = TestDomain.builder().name(name).defaultJvmOptions().defaultLossTimeout();
    if (!SERVER_OPTS.isBlank()) {
      b.serverJvmOptions(SERVER_OPTS);
    }
    for (String s : List.of("alpha", "beta")) {
      b.jvmOptions(s, JvmPauses.option(jvmLogs, name + "-" + s));
    }
    return b.build();
  }

  private static Process busy(int threads, long seconds) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            Path.of("target", "test-classes").toString(),
            BusyJvm.class.getName(),
            Integer.toString(threads),
            Long.toString(seconds))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** Everything started at once, then watched: only the two mains should ever be ACTIVE. */
  private Window storm() throws Exception {
    Window w = new Window("storm");
    List<TestDomain> domains = new ArrayList<>();
    List<Process> busy = new ArrayList<>();
    AutoCloseable clis = () -> {};
    try {
      for (String d : DOMAINS) {
        domains.add(domain(d));
      }
      busy.add(busy(2, STORM_WATCH_S + 120));
      busy.add(busy(2, STORM_WATCH_S + 120));
      domains.forEach(TestDomain::startAll);
      clis = cliRuns(domains.get(0));
      for (TestDomain d : domains) {
        await(d.name() + " formed")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> d.servers().stream().anyMatch(s -> s.loggedState().equals("ACTIVE")));
      }
      watch(STORM_WATCH_S, w);
      for (TestDomain d : domains) {
        collect(d, w, null);
      }
    } finally {
      clis.close();
      busy.forEach(Process::destroyForcibly);
      domains.forEach(TestDomain::close);
    }
    return w;
  }

  /**
   * What operators and scripts do while a plant starts: {@link #STORM_CLIS} {@code domainctl
   * status} runs (each a JVM) started at once every 5 s for the first 30 s; closing the result
   * stops them and ends any run still going.
   */
  private static AutoCloseable cliRuns(TestDomain d) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(TestDomain.distBin("domainctl")));
    cmd.addAll(List.of(d.viewerLogin()));
    cmd.addAll(List.of("--domain", d.domainFile("alpha").toString(), "status"));
    List<Process> runs = new CopyOnWriteArrayList<>();
    ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor();
    int[] left = {6};
    rounds.scheduleAtFixedRate(
        () -> {
          if (left[0]-- <= 0) {
            return;
          }
          for (int i = 0; i < STORM_CLIS; i++) {
            try {
              // Each run a JVM of its own, as before the resident agent: the load to soak in.
              ProcessBuilder pb =
                  new ProcessBuilder(cmd)
                      .redirectErrorStream(true)
                      .redirectOutput(ProcessBuilder.Redirect.DISCARD);
              pb.environment().put("DOMAINCTL_AGENT", "off");
              runs.add(pb.start());
            } catch (IOException e) {
              System.out.println("soak: cannot start domainctl: " + e);
            }
          }
        },
        0,
        5,
        TimeUnit.SECONDS);
    return () -> {
      rounds.shutdownNow();
      runs.forEach(Process::destroyForcibly);
    };
  }

  /** Two formed pairs, then {@code threads} busy threads next to them for the steady minutes. */
  private Window steady(int threads) throws Exception {
    Window w = new Window("steady, " + threads + " busy threads");
    List<TestDomain> domains = new ArrayList<>();
    List<Process> busy = new ArrayList<>();
    try {
      for (String d : DOMAINS) {
        TestDomain domain = domain(d).startAll();
        domains.add(domain);
        domain.awaitState("alpha", "ACTIVE");
        domain.awaitState("beta", "STANDBY");
      }
      Map<TestDomain, List<JsonNode>> before = new java.util.HashMap<>();
      for (TestDomain d : domains) {
        before.put(d, statuses(d));
        for (ServerProcess s : d.servers()) {
          waitsBefore.put(s, RunQueueWait.of(s.pid(), "rec-" + s.name()));
        }
      }
      busy.add(busy((threads + 1) / 2, STEADY_MIN * 60L + 60));
      busy.add(busy(threads / 2, STEADY_MIN * 60L + 60));
      watch(STEADY_MIN * 60, w);
      for (TestDomain d : domains) {
        collect(d, w, before.get(d));
      }
    } finally {
      busy.forEach(Process::destroyForcibly);
      domains.forEach(TestDomain::close);
    }
    return w;
  }

  private static List<JsonNode> statuses(TestDomain d) throws Exception {
    List<JsonNode> list = new ArrayList<>();
    for (ServerProcess s : d.servers()) {
      list.add(s.status());
    }
    return list;
  }

  /** Waits {@code seconds}, sampling the load average every 5 s. */
  private static void watch(int seconds, Window w) {
    long end = System.currentTimeMillis() + seconds * 1000L;
    long[] next = {0};
    await("watching " + seconds + " s")
        .atMost(Duration.ofSeconds(seconds + 60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              long now = System.currentTimeMillis();
              if (now >= next[0]) {
                next[0] = now + 5000;
                String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
                w.loads.add(Double.parseDouble(f[0]));
              }
              return now >= end;
            });
  }

  /**
   * Counts a domain's role changes (beyond the main's first activation: nothing was faulted) and
   * adds its servers' lateness since {@code before} (null: since they started).
   */
  private void collect(TestDomain d, Window w, List<JsonNode> before) throws Exception {
    int actives = 0;
    for (ServerProcess s : d.servers()) {
      for (JsonNode e : s.events()) {
        if ("ACTIVE".equals(e.path("to").asText())) {
          actives++;
        }
        if (e.path("message").asText().startsWith("dual active for")) {
          w.dualActive++;
        }
      }
    }
    w.falseFailovers += Math.max(0, actives - 1);
    List<ServerProcess> servers = d.servers();
    for (int i = 0; i < servers.size(); i++) {
      ServerProcess s = servers.get(i);
      JsonNode now = s.status().path("recTiming");
      JsonNode was = before == null ? null : before.get(i).path("recTiming");
      add(w.tickLate, now.path("tickLate"), was == null ? null : was.path("tickLate"));
      now.path("peers")
          .fields()
          .forEachRemaining(
              p -> {
                JsonNode old = was == null ? null : was.path("peers").path(p.getKey());
                add(
                    w.sentLate,
                    p.getValue().path("sentLate"),
                    old == null ? null : old.path("sentLate"));
                add(
                    w.arrivedLate,
                    p.getValue().path("arrivedLate"),
                    old == null ? null : old.path("arrivedLate"));
              });
      long[] q = RunQueueWait.of(s.pid(), "rec-" + s.name());
      long[] q0 = before == null ? new long[2] : waitsBefore.getOrDefault(s, new long[2]);
      w.waitNanos += q[0] - q0[0];
      w.slices += q[1] - q0[1];
    }
  }

  /**
   * Adds the bucket counts of {@code now} minus {@code before} (the late ones only: over 50 ms).
   */
  private static void add(Map<String, Long> into, JsonNode now, JsonNode before) {
    now.fields()
        .forEachRemaining(
            f -> {
              String k = f.getKey();
              if (k.equals("le10") || k.equals("le25") || k.equals("le50") || k.equals("count")) {
                return;
              }
              if (k.equals("maxMs")) {
                into.merge("maxMs", f.getValue().asLong(), Math::max);
                return;
              }
              long b = before == null ? 0 : before.path(k).asLong();
              into.merge(k, f.getValue().asLong() - b, Long::sum);
            });
  }
}
