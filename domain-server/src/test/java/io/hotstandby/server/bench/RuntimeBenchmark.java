package io.hotstandby.server.bench;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.hotstandby.runtime.ProjectRuntime;
import io.hotstandby.runtime.StandbyMode;
import io.hotstandby.runtime.alarms.AlarmState;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.server.RuntimeApplicationView;
import io.hotstandby.server.opcua.ActivateResult;
import io.hotstandby.server.opcua.OpcUaEndpoint;
import io.hotstandby.server.opcua.OpcUaEndpointConfig;
import io.hotstandby.server.opcua.app.ApplicationNamespace;
import io.hotstandby.testkit.FreePorts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime figures, not a test. On generated projects of {@code bench.sizes} simulation tags (in
 * folders of 100, plus 4 memory tags per folder and {@code bench.alarms} analog alarms) it
 * measures, with {@code bench.reps} fresh {@link ProjectRuntime}s per size ({@link
 * StandbyMode#WARM}, median reported):
 *
 * <ul>
 *   <li>cold start: {@code load} + {@code activate} on a fresh runtime (what a server without a
 *       warm standby does);
 *   <li>activation of a preloaded runtime: {@code activate} after {@code load}, once the drivers of
 *       the loaded runtime are running (the warm standby's case), and again after a {@code
 *       deactivate};
 *   <li>heap used after the load (after {@code System.gc()}), and its growth over the heap before.
 * </ul>
 *
 * Then it serves a project of {@code bench.rate.tags} simulation tags sampled every 100 ms (each
 * changes at every sample) from an active runtime through a real {@link OpcUaEndpoint} on loopback,
 * subscribes a Milo client to all of them (publishing 100 ms; monitored items as {@code
 * bench.rate.items} says, one run each) and counts, of the changes whose source time falls in a
 * window of {@code bench.rate.seconds}, those the runtime published and those the client received.
 * Prints a table and writes it to {@code target/benchmarks/runtime.txt}. Run with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -Dit.test=RuntimeBenchmark</pre>
 *
 * (after {@code mvn -B -q install -DskipTests} at the top, as {@code -pl} takes the other modules
 * from the local repository). Takes about 2 minutes on 2 cores.
 */
class RuntimeBenchmark {
  static final List<Integer> SIZES = ints(System.getProperty("bench.sizes", "1000,10000,50000"));
  static final int REPS = Integer.getInteger("bench.reps", 5);
  static final int ALARMS = Integer.getInteger("bench.alarms", 300);

  /** Sampling interval of the tags of the start-up projects. */
  static final int SAMPLING_MS = Integer.getInteger("bench.samplingMs", 1000);

  /** How long a preloaded runtime runs before it is activated. */
  static final long SETTLE_MS = 1500;

  static final int RATE_TAGS = Integer.getInteger("bench.rate.tags", 10_000);
  static final int RATE_SAMPLING_MS = 100;
  static final double PUBLISHING_MS = 100.0;
  static final int RATE_WARMUP_S = Integer.getInteger("bench.rate.warmup", 5);
  static final int RATE_SECONDS = Integer.getInteger("bench.rate.seconds", 10);

  /** How long after the window the client may still receive changes made in it. */
  static final long DRAIN_MS = 2000;

  /**
   * The monitored items' sampling interval and queue size, {@code ms:queue}, one run each: sampling
   * at the publishing interval with a queue of 1 (what an HMI typically asks), then sampling at the
   * nodes' fastest rate with room for every change between two publishes.
   */
  static final List<String> RATE_ITEMS =
      List.of(System.getProperty("bench.rate.items", "100:1,50:4").split(",")).stream()
          .filter(s -> !s.isBlank())
          .toList();

  static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  @TempDir Path tmp;

  private final StringBuilder samples = new StringBuilder();

  @Test
  void runtime() throws Exception {
    StringBuilder report = new StringBuilder();
    Runtime jvm = Runtime.getRuntime();
    report.append(
        String.format(
            Locale.ROOT,
            "runtime benchmark: %d reps per size (median), WARM standby, %d analog alarms,"
                + " simulation tags sampled every %d ms; JVM %s, %d CPUs, max heap %d MiB,"
                + " load average %.2f at start%n",
            REPS,
            ALARMS,
            SAMPLING_MS,
            System.getProperty("java.vm.version"),
            jvm.availableProcessors(),
            jvm.maxMemory() >> 20,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    report.append(
        String.format(
            Locale.ROOT,
            "%8s %6s %6s | %9s %9s %9s | %9s %9s %7s | %9s %9s | %10s%n",
            "sim tags",
            "memory",
            "alarms",
            "cold",
            "(load",
            "+activ.)",
            "activate",
            "re-activ",
            "ratio",
            "heap used",
            "heap +",
            "act.alarms"));

    warmUp();
    for (int size : SIZES) {
      String line = startUp(size);
      System.out.print(line);
      report.append(line);
    }
    report.append(
        String.format(
            Locale.ROOT,
            "cold = load + activate on a fresh runtime; activate = activate() of a runtime loaded"
                + " %d ms before (drivers running); re-activ = activate() after deactivate();"
                + " ratio = cold / activate; heap + = heap growth over the heap before the load;"
                + " act.alarms = alarms active after the re-activation%n",
            SETTLE_MS));
    report.append(samples);

    for (String items : RATE_ITEMS) {
      String[] sq = items.trim().split(":");
      String line = opcUaRate(Integer.parseInt(sq[0]), Integer.parseInt(sq[1]));
      System.out.print(line);
      report.append(line);
    }

    System.out.print(report);
    Path out = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("benchmarks");
    Files.createDirectories(out);
    Files.writeString(out.resolve("runtime.txt"), report);
  }

  // region start-up

  private void warmUp() throws Exception {
    List<Path> files = List.of(ProjectFiles.write(tmp.resolve("warmup"), 10_000, SAMPLING_MS));
    for (int i = 0; i < 3; i++) {
      try (ProjectRuntime rt = new ProjectRuntime(StandbyMode.WARM)) {
        rt.load(files);
        rt.activate();
        rt.deactivate();
        rt.activate();
      }
    }
  }

  private String startUp(int size) throws Exception {
    List<Path> files = List.of(ProjectFiles.write(tmp.resolve("p" + size), size, SAMPLING_MS));
    List<Double> cold = new ArrayList<>();
    List<Double> coldLoad = new ArrayList<>();
    List<Double> coldActivate = new ArrayList<>();
    List<Double> activate = new ArrayList<>();
    List<Double> reactivate = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    List<Double> heapDelta = new ArrayList<>();
    int memoryTags = 0;
    int alarms = 0;
    long activeAlarms = 0;
    for (int rep = 0; rep < REPS; rep++) {
      double[] c = coldStart(files);
      cold.add(c[0] + c[1]);
      coldLoad.add(c[0]);
      coldActivate.add(c[1]);
      Preloaded p = preloaded(files);
      activate.add(p.activateMs());
      reactivate.add(p.reactivateMs());
      heap.add(p.heapMiB());
      heapDelta.add(p.heapGrowthMiB());
      memoryTags = p.memoryTags();
      alarms = p.alarms();
      activeAlarms = p.activeAlarms();
    }
    samples.append(
        String.format(
            Locale.ROOT,
            "  %d tags, each rep: cold %s ms; activate %s ms; re-activate %s ms%n",
            size,
            list(cold, 1),
            list(activate, 2),
            list(reactivate, 2)));
    double ratio = median(cold) / median(activate);
    return String.format(
        Locale.ROOT,
        "%8d %6d %6d | %6.1f ms %6.1f ms %6.2f ms | %6.2f ms %6.2f ms %6.0fx | %5.1f MiB %5.1f MiB |"
            + " %10d%n",
        size,
        memoryTags,
        alarms,
        median(cold),
        median(coldLoad),
        median(coldActivate),
        median(activate),
        median(reactivate),
        ratio,
        median(heap),
        median(heapDelta),
        activeAlarms);
  }

  /** Load and activate of a fresh runtime, in ms. */
  private static double[] coldStart(List<Path> files) throws Exception {
    heapAfterGc();
    try (ProjectRuntime rt = new ProjectRuntime(StandbyMode.WARM)) {
      long t0 = System.nanoTime();
      rt.load(files);
      long t1 = System.nanoTime();
      rt.activate();
      long t2 = System.nanoTime();
      return new double[] {ms(t1 - t0), ms(t2 - t1)};
    }
  }

  private record Preloaded(
      double activateMs,
      double reactivateMs,
      double heapMiB,
      double heapGrowthMiB,
      int memoryTags,
      int alarms,
      long activeAlarms) {}

  // No runtime of an earlier step is reachable here (each lives in a method of its own), so the
  // heap growth is this runtime's.
  private static Preloaded preloaded(List<Path> files) throws Exception {
    long before = heapAfterGc();
    try (ProjectRuntime rt = new ProjectRuntime(StandbyMode.WARM)) {
      rt.load(files);
      Thread.sleep(SETTLE_MS);
      long used = heapAfterGc();
      Thread.sleep(200);
      long t0 = System.nanoTime();
      rt.activate();
      long t1 = System.nanoTime();
      Thread.sleep(300);
      rt.deactivate();
      Thread.sleep(300);
      long t2 = System.nanoTime();
      rt.activate();
      long t3 = System.nanoTime();
      return new Preloaded(
          ms(t1 - t0),
          ms(t3 - t2),
          used / 1048576.0,
          (used - before) / 1048576.0,
          (int) rt.tags().stream().filter(TagSpec::memory).count(),
          rt.alarms().size(),
          rt.alarms().stream().filter(AlarmState::active).count());
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  // endregion

  // region OPC UA rate

  /**
   * Counts the changes the runtime produces and the client receives whose source time falls in one
   * window, so a change is counted on both sides or on neither, however long it takes to arrive.
   */
  private String opcUaRate(int itemSamplingMs, int queueSize) throws Exception {
    Path dir = tmp.resolve("rate" + itemSamplingMs + "-" + queueSize);
    List<Path> files = List.of(ProjectFiles.write(dir, RATE_TAGS, RATE_SAMPLING_MS));
    Window window = new Window();
    LongAdder produced = new LongAdder();
    LongAdder received = new LongAdder();
    LongAdder lost = new LongAdder();
    Latencies latency = new Latencies();
    try (ProjectRuntime rt = new ProjectRuntime(StandbyMode.WARM)) {
      rt.addTagListener(
          (path, value) -> {
            if (value.sourceTime() != null && window.contains(value.sourceTime().toEpochMilli())) {
              produced.increment();
            }
          });
      rt.load(files);
      rt.activate();
      List<String> simTags =
          rt.tags().stream().filter(t -> !t.memory()).map(TagSpec::path).toList();
      try (OpcUaEndpoint endpoint = new OpcUaEndpoint(endpointConfig(dir.resolve("pki")))) {
        endpoint.registerApplication(new RuntimeApplicationView(rt));
        endpoint.allowAnonymousRead(true); // an anonymous subscriber, as a read-only HMI
        endpoint.start();
        OpcUaClient client = OpcUaClient.create(endpoint.endpointUrl());
        client.connect();
        try {
          UShort ns = client.getNamespaceTable().getIndex(ApplicationNamespace.URI);
          OpcUaSubscription subscription = new OpcUaSubscription(client, PUBLISHING_MS);
          subscription.setSubscriptionListener(
              new OpcUaSubscription.SubscriptionListener() {
                @Override
                public void onDataReceived(
                    OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
                  long now = System.currentTimeMillis();
                  for (DataValue v : values) {
                    long source = v.sourceTime() == null ? -1 : v.sourceTime().getJavaTime();
                    if (window.contains(source)) {
                      received.increment();
                      latency.add(now - source);
                    }
                  }
                }

                @Override
                public void onNotificationDataLost(OpcUaSubscription s) {
                  lost.increment();
                }
              });
          subscription.create();
          List<OpcUaMonitoredItem> items = new ArrayList<>(simTags.size());
          for (String path : simTags) {
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(new NodeId(ns, path));
            item.setSamplingInterval(itemSamplingMs);
            item.setQueueSize(uint(queueSize));
            items.add(item);
          }
          subscription.addMonitoredItems(items);
          long s0 = System.nanoTime();
          subscription.synchronizeMonitoredItems();
          double subscribeMs = ms(System.nanoTime() - s0);

          var os =
              (com.sun.management.OperatingSystemMXBean)
                  ManagementFactory.getOperatingSystemMXBean();
          long start = System.currentTimeMillis() + RATE_WARMUP_S * 1000L;
          long end = start + RATE_SECONDS * 1000L;
          window.set(start, end);
          Thread.sleep(Math.max(0, start - System.currentTimeMillis()));
          long cpu0 = os.getProcessCpuTime();
          long c0 = System.nanoTime();
          Thread.sleep(Math.max(0, end - System.currentTimeMillis()));
          long cpu1 = os.getProcessCpuTime();
          long c1 = System.nanoTime();
          // Changes made near the end of the window are still on their way.
          Thread.sleep(DRAIN_MS);
          double seconds = RATE_SECONDS;
          double producedRate = produced.sum() / seconds;
          double receivedRate = received.sum() / seconds;
          int cores = Runtime.getRuntime().availableProcessors();
          double cpu = (cpu1 - cpu0) / (double) (c1 - c0) / cores;
          subscription.delete();
          return String.format(
              Locale.ROOT,
              "OPC UA subscriber: %d tags changing every %d ms; publishing %.0f ms, sampling %d ms,"
                  + " queue %d (%d items created in %.0f ms); changes made in %d s after %d s"
                  + " warm-up:%n"
                  + "  produced %,.0f updates/s, received %,.0f updates/s (%.1f%%, %.2f per tag"
                  + " per s); age at the client p50 %d ms, p99 %d ms; data lost %d; process CPU"
                  + " %.0f%% of %d cores%n",
              simTags.size(),
              RATE_SAMPLING_MS,
              PUBLISHING_MS,
              itemSamplingMs,
              queueSize,
              items.size(),
              subscribeMs,
              RATE_SECONDS,
              RATE_WARMUP_S,
              producedRate,
              receivedRate,
              100.0 * receivedRate / producedRate,
              receivedRate / simTags.size(),
              latency.percentile(50),
              latency.percentile(99),
              lost.sum(),
              100 * cpu,
              cores);
        } finally {
          client.disconnect();
        }
      }
    }
  }

  /** A span of wall-clock time, [start, end) in epoch milliseconds; empty until set. */
  private static final class Window {
    private volatile long start = Long.MAX_VALUE;
    private volatile long end = Long.MIN_VALUE;

    void set(long start, long end) {
      this.end = end;
      this.start = start;
    }

    boolean contains(long epochMillis) {
      return epochMillis >= start && epochMillis < end;
    }
  }

  private static OpcUaEndpointConfig endpointConfig(Path pki) throws IOException {
    return new OpcUaEndpointConfig(
        "127.0.0.1",
        FreePorts.next(),
        "bench",
        "alpha",
        "hotstandby",
        "bench",
        pki,
        List.of(OpcUaEndpointConfig.applicationUri("bench", "alpha")),
        user ->
            CompletableFuture.completedFuture(new ActivateResult(false, "not in this benchmark")),
        null);
  }

  /** Ages of received values in 1 ms buckets up to 60 s. */
  private static final class Latencies {
    private final AtomicLongArray buckets = new AtomicLongArray(60_001);

    void add(long ms) {
      buckets.incrementAndGet((int) Math.max(0, Math.min(buckets.length() - 1, ms)));
    }

    long percentile(int p) {
      long total = 0;
      for (int i = 0; i < buckets.length(); i++) {
        total += buckets.get(i);
      }
      long rank = (long) Math.ceil(p / 100.0 * total);
      long seen = 0;
      for (int i = 0; i < buckets.length(); i++) {
        seen += buckets.get(i);
        if (seen >= rank && seen > 0) {
          return i;
        }
      }
      return -1;
    }
  }

  // endregion

  // region generated projects

  /** Writes generated project files (see docs/PROJECT-FILE.md). */
  static final class ProjectFiles {
    static final int FOLDER_SIZE = 100;

    private ProjectFiles() {}

    /**
     * Writes {@code dir/bench.prj}: {@code simTags} tags of the simulation driver sampled every
     * {@code samplingMs}, cycling through sine, ramp, random and counter signals (all change at
     * every sample), in folders of {@value #FOLDER_SIZE}; 4 memory tags per folder; {@link #ALARMS}
     * analog alarms spread over the sine tags.
     */
    static Path write(Path dir, int simTags, int samplingMs) throws IOException {
      Files.createDirectories(dir);
      StringBuilder x = new StringBuilder(simTags * 140 + 4096);
      x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
      x.append("<project name=\"bench-").append(simTags).append("\">\n");
      x.append("  <drivers>\n    <driver name=\"sim\" type=\"simulation\"/>\n  </drivers>\n");
      x.append("  <tags>\n");
      int folders = (simTags + FOLDER_SIZE - 1) / FOLDER_SIZE;
      List<String> sinePaths = new ArrayList<>();
      for (int f = 0; f < folders; f++) {
        String folder = String.format(Locale.ROOT, "Unit%04d", f);
        x.append("    <folder name=\"").append(folder).append("\">\n");
        for (int i = 0; i < FOLDER_SIZE && f * FOLDER_SIZE + i < simTags; i++) {
          int n = f * FOLDER_SIZE + i;
          String name = String.format(Locale.ROOT, "Tag%02d", i);
          String address;
          String type;
          String unit = "";
          switch (n % 4) {
            case 0 -> {
              address = "sine:period=" + (10 + n % 50) + "s,amplitude=10,offset=50";
              type = "Double";
              unit = "m";
              sinePaths.add(folder + "." + name);
            }
            case 1 -> {
              address = "ramp:period=" + (20 + n % 40) + "s,min=0,max=100";
              type = "Double";
              unit = "%";
            }
            case 2 -> {
              address = "random:min=0,max=10";
              type = "Double";
            }
            default -> {
              address = "counter:step=1";
              type = "Int64";
            }
          }
          x.append("      <tag name=\"")
              .append(name)
              .append("\" driver=\"sim\" address=\"")
              .append(address)
              .append("\" type=\"")
              .append(type)
              .append('"');
          if (!unit.isEmpty()) {
            x.append(" unit=\"").append(unit).append('"');
          }
          x.append(" samplingMs=\"").append(samplingMs).append("\"/>\n");
        }
        x.append("      <tag name=\"Setpoint\" type=\"Double\" unit=\"m\" initial=\"50\"")
            .append(" writable=\"true\"/>\n");
        x.append("      <tag name=\"Mode\" type=\"String\" initial=\"AUTO\" writable=\"true\"/>\n");
        x.append("      <tag name=\"Enabled\" type=\"Boolean\" initial=\"true\"")
            .append(" writable=\"true\"/>\n");
        x.append("      <tag name=\"Starts\" type=\"Int32\"/>\n");
        x.append("    </folder>\n");
      }
      x.append("  </tags>\n  <alarms>\n");
      int alarms = Math.min(ALARMS, sinePaths.size());
      for (int a = 0; a < alarms; a++) {
        String tag = sinePaths.get((int) ((long) a * sinePaths.size() / alarms));
        x.append("    <analog name=\"")
            .append(tag)
            .append(".Limits\" tag=\"")
            .append(tag)
            .append("\" loLo=\"40.5\" lo=\"42\" hi=\"58\" hiHi=\"59.5\" deadband=\"0.1\"")
            .append(" severity=\"")
            .append(500 + a % 400)
            .append("\" message=\"")
            .append(tag)
            .append(" out of range\"/>\n");
      }
      x.append("  </alarms>\n</project>\n");
      Path file = dir.resolve("bench.prj");
      Files.writeString(file, x);
      return file;
    }
  }

  // endregion

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static double median(List<Double> values) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static String list(List<Double> values, int decimals) {
    StringBuilder b = new StringBuilder();
    for (double v : values) {
      b.append(b.length() == 0 ? "" : " ")
          .append(String.format(Locale.ROOT, "%." + decimals + "f", v));
    }
    return b.toString();
  }

  private static List<Integer> ints(String csv) {
    List<Integer> list = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        list.add(Integer.parseInt(s.trim()));
      }
    }
    return list;
  }
}
