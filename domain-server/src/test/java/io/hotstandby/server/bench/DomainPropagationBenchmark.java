package io.hotstandby.server.bench;

import static org.awaitility.Awaitility.await;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.DomainChange;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Domain file propagation figures, not a test. A domain of three real servers on loopback (alpha
 * main and ACTIVE, beta backup and STANDBY, gamma INACTIVE; the launcher's default JVM options)
 * takes changes of the domain file applied on alpha over OPC UA ({@link AdminClient#applyDomain}),
 * each differing from the last only in a counter inside an XML comment that pads the file to {@code
 * bench.small.bytes} (10 KiB) or {@code bench.large.bytes} (1 MiB). For each change it measures,
 * from just before the call, until:
 *
 * <ul>
 *   <li>the call returns (alpha has validated, numbered and written the version);
 *   <li>the new content is in beta's and in gamma's copy of the file, seen by polling both files
 *       every {@value #POLL_MICROS} µs (the servers replace the file atomically, so a file carrying
 *       the change carries all of it);
 * </ul>
 *
 * and reports the first and the last of the two peers. Each size starts with {@code bench.warmup}
 * unmeasured changes; a change refused, or not on both peers within 10 s, fails its sample, and
 * three failed samples in a row end the run. After each change both peers' files must equal
 * alpha's, and the next change waits {@code bench.pauseMs}. Prints a table and writes it to {@code
 * target/benchmarks/domain-propagation.txt}. Run with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -Dit.test=DomainPropagationBenchmark</pre>
 *
 * (after {@code mvn -B -q install -DskipTests} at the top). Takes about 2 minutes on 2 cores.
 */
class DomainPropagationBenchmark {
  static final int SMALL_BYTES = Integer.getInteger("bench.small.bytes", 10 * 1024);
  static final int LARGE_BYTES = Integer.getInteger("bench.large.bytes", 1024 * 1024);
  static final int SMALL_SAMPLES = Integer.getInteger("bench.small.samples", 100);
  static final int LARGE_SAMPLES = Integer.getInteger("bench.large.samples", 30);
  static final int WARMUP = Integer.getInteger("bench.warmup", 5);

  /** Quiet time between two changes: each peer's file watcher reads its file 150 ms after. */
  static final long PAUSE_MS = Long.getLong("bench.pauseMs", 500);

  static final long POLL_MICROS = 250;

  /** Something is broken, not slow: stop rather than wait 10 s for every remaining sample. */
  static final int MAX_FAILED_IN_A_ROW = 3;

  static final List<String> PEERS = List.of("beta", "gamma");

  /** The root element's line; the padding comment goes right after it. */
  private static final String ROOT_END = ">\n";

  private int changes;

  @Test
  void propagation() throws Exception {
    ExecutorService caller =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "apply-caller");
              t.setDaemon(true);
              return t;
            });
    try (TestDomain domain =
        TestDomain.builder()
            .name("propagation")
            .servers("alpha", "beta", "gamma")
            .defaultJvmOptions()
            .build()
            .startAll()) {
      domain.awaitState("alpha", "ACTIVE");
      domain.awaitState("beta", "STANDBY");
      domain.awaitState("gamma", "INACTIVE");
      domain.awaitCluster(3);
      String base = Files.readString(domain.domainFile("alpha"), StandardCharsets.UTF_8);

      StringBuilder report = new StringBuilder();
      Runtime jvm = Runtime.getRuntime();
      report.append(
          String.format(
              Locale.ROOT,
              "domain propagation benchmark: changes applied on alpha (ACTIVE) over OPC UA,"
                  + " peers beta (STANDBY) and gamma (INACTIVE); %d unmeasured changes per size,"
                  + " %d ms between changes, peers' files polled every %d us; %d CPUs, JVM %s,"
                  + " load average %.2f at start%n",
              WARMUP,
              PAUSE_MS,
              POLL_MICROS,
              jvm.availableProcessors(),
              System.getProperty("java.vm.version"),
              ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
      List<String> failures = new ArrayList<>();
      for (int[] size : new int[][] {{SMALL_BYTES, SMALL_SAMPLES}, {LARGE_BYTES, LARGE_SAMPLES}}) {
        String block = run(domain, caller, base, size[0], size[1], failures);
        System.out.print(block);
        report.append(block);
      }
      report.append(
          "ms from just before applyDomain on alpha; first/last peer = the earlier/later of beta"
              + " and gamma to have the change in its file; nearest-rank percentiles (p99 = max"
              + " below 100 samples)\n");
      failures.forEach(f -> report.append("FAILED: ").append(f).append('\n'));
      System.out.print(report);
      Path out = domain.root().getParent().getParent().resolve("benchmarks");
      Files.createDirectories(out);
      Files.writeString(out.resolve("domain-propagation.txt"), report);
      if (!failures.isEmpty()) {
        throw new AssertionError(failures.size() + " samples failed: " + failures);
      }
    } finally {
      caller.shutdownNow();
    }
  }

  /** Warm-up and {@code samples} measured changes of {@code bytes}; returns the report lines. */
  private String run(
      TestDomain domain,
      ExecutorService caller,
      String base,
      int bytes,
      int samples,
      List<String> failures)
      throws Exception {
    Padded padded = new Padded(base, bytes);
    List<Double> applied = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    List<Double> last = new ArrayList<>();
    List<List<Double>> perPeer = new ArrayList<>();
    PEERS.forEach(p -> perPeer.add(new ArrayList<>()));
    int failed = 0;
    int inARow = 0;
    for (int i = -WARMUP; i < samples; i++) {
      Sample s;
      try {
        s = sample(domain, caller, padded.next(++changes));
      } catch (SampleFailed e) {
        failures.add(bytes + " bytes, change " + changes + ": " + e.getMessage());
        failed++;
        if (++inARow == MAX_FAILED_IN_A_ROW) {
          throw new AssertionError(inARow + " samples in a row failed: " + failures);
        }
        awaitSameEverywhere(domain);
        Thread.sleep(PAUSE_MS);
        continue;
      }
      inARow = 0;
      if (i >= 0) {
        applied.add(s.appliedMs());
        double a = s.peerMs()[0];
        double b = s.peerMs()[1];
        first.add(Math.min(a, b));
        last.add(Math.max(a, b));
        for (int p = 0; p < PEERS.size(); p++) {
          perPeer.get(p).add(s.peerMs()[p]);
        }
      }
      Thread.sleep(PAUSE_MS);
    }
    long onDisk = Files.size(domain.domainFile("alpha"));
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "domain file of %,d bytes (%,d sent, %s padding comment): %d samples, %d failed%n",
            onDisk,
            padded.length(),
            bytes >= 1024 * 1024 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB",
            applied.size(),
            failed));
    b.append(line("applyDomain returned (alpha committed)", applied));
    b.append(line("first peer written", first));
    b.append(line("last peer written (both peers)", last));
    for (int p = 0; p < PEERS.size(); p++) {
      b.append(line(PEERS.get(p) + " written", perPeer.get(p)));
    }
    return b.toString();
  }

  /** What one change took, in ms from just before the call. */
  record Sample(double appliedMs, double[] peerMs) {}

  /** What the call on alpha returned, with the times just before and just after it. */
  record Applied(long t0, long t1, DomainChange change) {}

  static final class SampleFailed extends Exception {
    SampleFailed(String message) {
      super(message);
    }
  }

  private Sample sample(TestDomain domain, ExecutorService caller, Change change) throws Exception {
    List<FileWatch> watches = new ArrayList<>();
    for (String peer : PEERS) {
      watches.add(new FileWatch(domain.domainFile(peer)));
    }
    AdminClient alpha = domain.server("alpha").adminClient();
    Future<Applied> call =
        caller.submit(
            () -> {
              long t0 = System.nanoTime();
              DomainChange c = alpha.applyDomain(change.content());
              return new Applied(t0, System.nanoTime(), c);
            });
    long deadline = System.nanoTime() + Timing.seconds(10).toNanos();
    boolean all = false;
    while (!all && System.nanoTime() < deadline && !endedWithoutChange(call)) {
      all = true;
      for (FileWatch w : watches) {
        all &= w.poll(change.marker());
      }
      if (!all) {
        LockSupport.parkNanos(POLL_MICROS * 1000);
      }
    }
    Applied a;
    try {
      a = call.get(AdminClient.DOMAIN_CHANGE_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new SampleFailed("applyDomain failed: " + e.getCause());
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new SampleFailed("applyDomain did not return");
    }
    if (!a.change().accepted()) {
      throw new SampleFailed("applyDomain refused: " + a.change().message());
    }
    double[] peerMs = new double[PEERS.size()];
    for (int p = 0; p < PEERS.size(); p++) {
      long seen = watches.get(p).seenAt;
      if (seen < 0) {
        throw new SampleFailed(PEERS.get(p) + " did not write the change within 10 s");
      }
      peerMs[p] = (seen - a.t0()) / 1e6;
    }
    byte[] expected = Files.readAllBytes(domain.domainFile("alpha"));
    String version = "version=\"" + a.change().version() + "\"";
    if (!new String(expected, 0, 200, StandardCharsets.UTF_8).contains(version)) {
      throw new SampleFailed("alpha's file does not carry " + version);
    }
    for (String peer : PEERS) {
      if (!Arrays.equals(expected, Files.readAllBytes(domain.domainFile(peer)))) {
        throw new SampleFailed(peer + "'s file differs from alpha's");
      }
    }
    return new Sample((a.t1() - a.t0()) / 1e6, peerMs);
  }

  /** Whether the call has ended without putting the change in force: no peer will write it. */
  private static boolean endedWithoutChange(Future<Applied> call) throws InterruptedException {
    if (!call.isDone()) {
      return false;
    }
    try {
      return !call.get().change().accepted();
    } catch (ExecutionException | CancellationException e) {
      return true;
    }
  }

  /** After a failed sample: waits until every server's file is the same again. */
  private static void awaitSameEverywhere(TestDomain domain) {
    await("the same domain file everywhere")
        .atMost(Timing.seconds(60))
        .until(
            () -> {
              byte[] a = Files.readAllBytes(domain.domainFile("alpha"));
              for (String peer : PEERS) {
                if (!Arrays.equals(a, Files.readAllBytes(domain.domainFile(peer)))) {
                  return false;
                }
              }
              return true;
            });
  }

  /**
   * Polls one file: a cheap stat each time, and only when the file was replaced or touched a read
   * of its head for the change's marker.
   */
  static final class FileWatch {
    private final Path file;
    private Object key;
    private long modified;
    private long size;
    long seenAt = -1;

    FileWatch(Path file) throws IOException {
      this.file = file;
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      key = a.fileKey();
      modified = a.lastModifiedTime().toMillis();
      size = a.size();
    }

    /** Whether the file holds {@code marker} (now or at an earlier poll). */
    boolean poll(byte[] marker) throws IOException {
      if (seenAt >= 0) {
        return true;
      }
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(file, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        return false;
      }
      long now = System.nanoTime();
      if (Objects.equals(a.fileKey(), key)
          && a.lastModifiedTime().toMillis() == modified
          && a.size() == size) {
        return false;
      }
      key = a.fileKey();
      modified = a.lastModifiedTime().toMillis();
      size = a.size();
      byte[] content;
      try {
        content = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        return false;
      }
      if (indexOf(content, marker, 4096) >= 0) {
        seenAt = now;
        return true;
      }
      return false;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle, int within) {
    int end = Math.min(haystack.length, within) - needle.length;
    outer:
    for (int i = 0; i <= end; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** One change: the file's bytes and the marker only this change carries. */
  record Change(byte[] content, byte[] marker) {}

  /**
   * The domain file padded to a size with a comment right after the root element's start tag; the
   * comment's first line carries a counter, so every change differs while the size stays the same.
   * The version in the file stays as read: the server numbers each change itself.
   */
  static final class Padded {
    private final byte[] template;
    private final int counterAt;
    private final String prefix;

    Padded(String base, int bytes) {
      int cut = base.indexOf(ROOT_END) + ROOT_END.length();
      prefix = "propagation change " + (bytes >> 10) + "k ";
      String head = base.substring(0, cut) + "  <!-- " + prefix + "0000000\n";
      String tail = "  -->\n" + base.substring(cut);
      StringBuilder pad = new StringBuilder();
      int line = 0;
      String filler =
          " padding to make the domain file as large as a big plant's: abcdefghijklmnop\n";
      int room = bytes - head.length() - tail.length();
      while (pad.length() + 8 + filler.length() <= room) {
        pad.append(String.format(Locale.ROOT, "  %06d", ++line)).append(filler);
      }
      pad.append("x".repeat(Math.max(0, room - pad.length() - 1))).append('\n');
      template = (head + pad + tail).getBytes(StandardCharsets.US_ASCII);
      counterAt = head.length() - 8;
    }

    int length() {
      return template.length;
    }

    Change next(int counter) {
      byte[] content = template.clone();
      byte[] digits =
          String.format(Locale.ROOT, "%07d", counter).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(digits, 0, content, counterAt, digits.length);
      byte[] marker =
          (prefix + new String(digits, StandardCharsets.US_ASCII) + "\n")
              .getBytes(StandardCharsets.US_ASCII);
      return new Change(content, marker);
    }
  }

  static String line(String what, List<Double> samples) {
    List<Double> s = new ArrayList<>(samples);
    Collections.sort(s);
    return String.format(
        Locale.ROOT,
        "  %-40s n=%-3d min=%7.1f  p50=%7.1f  p99=%7.1f  max=%7.1f ms%n",
        what,
        s.size(),
        s.isEmpty() ? -1 : s.get(0),
        pct(s, 50),
        pct(s, 99),
        s.isEmpty() ? -1 : s.get(s.size() - 1));
  }

  static double pct(List<Double> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
  }
}
