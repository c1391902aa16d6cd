package io.hotstandby.server.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.domain.Sha256;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Project file synchronisation figures, not a test. Two real servers on loopback (alpha ACTIVE,
 * beta STANDBY; the launcher's default JVM options) run a generated project of {@code bench.bytes}
 * (4 MiB) with {@code <projects sync="true">}: {@code bench.tags} String memory tags whose initial
 * values pad the file. For each limit of {@code bench.rates} (256, 1024, 4096 KiB/s, set by editing
 * alpha's domain file, which the servers apply live) it rewrites the project on alpha {@code
 * bench.samples} times (a counter in a comment changes; written to a temporary file and renamed
 * over the project, as editors save) and measures:
 *
 * <ul>
 *   <li><b>transfer</b>: what beta reports in its event log for the copy ("N bytes in M ms"): from
 *       its request to the active until the verified file is written;
 *   <li><b>end to end</b>: from the rename on alpha until beta's file has alpha's SHA-256 (polled
 *       every {@value #POLL_MICROS} µs); it includes the wait for the active's next announcement
 *       (every 2 s);
 * </ul>
 *
 * against the ideal at the limit ({@code bytes / limit}; the first chunk of a transfer leaves at
 * once, so a transfer can be one chunk's time faster). Prints a table and writes it to {@code
 * target/benchmarks/project-sync.txt}. Run with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -Dit.test=ProjectSyncBenchmark</pre>
 *
 * (after {@code mvn -B -q install -DskipTests} at the top). Takes about 2 minutes.
 */
class ProjectSyncBenchmark {
  static final int BYTES = Integer.getInteger("bench.bytes", 4 << 20);
  static final int TAGS = Integer.getInteger("bench.tags", 8192);
  static final int SAMPLES = Integer.getInteger("bench.samples", 3);
  static final List<Integer> RATES =
      Arrays.stream(System.getProperty("bench.rates", "256,1024,4096").split(","))
          .map(String::trim)
          .map(Integer::valueOf)
          .toList();
  static final long POLL_MICROS = 500;
  static final Pattern COPIED = Pattern.compile("\\((\\d+) bytes in (\\d+) ms\\)");

  private int counter;

  @Test
  void throughputUnderABandwidthLimit() throws Exception {
    Path dir = Files.createTempDirectory("project-sync-bench");
    Path project = dir.resolve("big.prj");
    Files.writeString(project, generate(0), StandardCharsets.UTF_8);
    long size = Files.size(project);
    try (TestDomain domain =
        TestDomain.builder()
            .name("projbench")
            .project(project)
            .projectSync(RATES.get(0))
            .defaultJvmOptions()
            .build()
            .startAll()) {
      domain.awaitState("alpha", "ACTIVE");
      domain.awaitState("beta", "STANDBY");
      domain.awaitCluster(2);
      ServerProcess beta = domain.server("beta");
      await("beta compares its files with alpha's")
          .atMost(Timing.seconds(60))
          .until(() -> beta.status().path("projectFiles").path("active").asText().equals("alpha"));

      StringBuilder report = new StringBuilder();
      report.append(
          String.format(
              Locale.ROOT,
              "project sync benchmark: a project of %,d bytes (%,d String memory tags) rewritten on"
                  + " alpha (ACTIVE) and copied to beta (STANDBY); %d samples per limit; %d CPUs,"
                  + " JVM %s, load average %.2f at start%n",
              size,
              TAGS,
              SAMPLES,
              Runtime.getRuntime().availableProcessors(),
              System.getProperty("java.vm.version"),
              ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
      report.append(
          "| limit | ideal | transfer p50 (min-max) | throughput p50 | of the limit | end to end"
              + " p50 (max) |\n|---|---|---|---|---|---|\n");
      for (int rate : RATES) {
        setRate(domain, rate);
        List<Long> transfer = new ArrayList<>();
        List<Long> endToEnd = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
          long[] s = sample(domain);
          transfer.add(s[0]);
          endToEnd.add(s[1]);
        }
        Collections.sort(transfer);
        Collections.sort(endToEnd);
        double idealMs = size * 1000.0 / (rate * 1024.0);
        long p50 = transfer.get(transfer.size() / 2);
        double kibPerSecond = size / 1024.0 / (p50 / 1000.0);
        String line =
            String.format(
                Locale.ROOT,
                "| %,d KiB/s | %,.0f ms | %,d ms (%,d-%,d) | %,.0f KiB/s | %.0f%% | %,d ms (%,d) |%n",
                rate,
                idealMs,
                p50,
                transfer.get(0),
                transfer.get(transfer.size() - 1),
                kibPerSecond,
                100 * kibPerSecond / rate,
                endToEnd.get(endToEnd.size() / 2),
                endToEnd.get(endToEnd.size() - 1));
        System.out.print(line);
        report.append(line);
      }
      System.out.print(report);
      Path out = domain.root().getParent().getParent().resolve("benchmarks");
      Files.createDirectories(out);
      Files.writeString(out.resolve("project-sync.txt"), report);
    }
  }

  /** A valid project of about {@link #BYTES} with {@link #TAGS} String memory tags. */
  static String generate(int sample) {
    StringBuilder b = new StringBuilder();
    b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append(String.format(Locale.ROOT, "<!-- project sync benchmark, sample %07d -->%n", sample));
    b.append("<project name=\"bench\">\n  <tags>\n");
    int perTag = Math.max(16, BYTES / TAGS - 68); // a tag line has about 68 other bytes
    String filler =
        "the quick brown fox jumps over the lazy dog 0123456789 ".repeat(perTag / 55 + 1);
    for (int t = 0; t < TAGS; t++) {
      if (t % 100 == 0) {
        b.append("    <folder name=\"F").append(t / 100).append("\">\n");
      }
      b.append("      <tag name=\"T")
          .append(t)
          .append("\" type=\"String\" writable=\"true\" initial=\"")
          .append(filler, 0, perTag)
          .append("\"/>\n");
      if (t % 100 == 99 || t == TAGS - 1) {
        b.append("    </folder>\n");
      }
    }
    b.append("  </tags>\n</project>\n");
    return b.toString();
  }

  /** Sets the limit by editing alpha's domain file; waits until both servers have it in force. */
  private static void setRate(TestDomain domain, int rate) throws Exception {
    Path file = domain.domainFile("alpha");
    String text = Files.readString(file);
    String next = text.replaceAll("bandwidthKBps=\"\\d+\"", "bandwidthKBps=\"" + rate + "\"");
    if (!next.equals(text)) {
      Files.writeString(file, next);
    }
    await("limit " + rate + " KiB/s in force")
        .atMost(Timing.seconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              for (ServerProcess s : domain.servers()) {
                JsonNode p = s.status().path("projectFiles");
                if (p.path("bandwidthKBps").asInt() != rate) {
                  return false;
                }
              }
              return true;
            });
  }

  /** One rewrite on alpha: {transfer ms as beta reports it, end-to-end ms}. */
  private long[] sample(TestDomain domain) throws Exception {
    ServerProcess beta = domain.server("beta");
    Path alphaFile = domain.domainFile("alpha").resolveSibling("big.prj");
    Path betaFile = domain.domainFile("beta").resolveSibling("big.prj");
    int copiesBefore = copies(beta).size();
    byte[] content = generate(++counter).getBytes(StandardCharsets.UTF_8);
    String sha = Sha256.hex(content);
    Path temp = alphaFile.resolveSibling(".big.prj.bench");
    Files.write(temp, content);
    Stamp seen = Stamp.of(betaFile);
    long t0 = System.nanoTime();
    Files.move(
        temp, alphaFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    long deadline = t0 + Timing.seconds(120).toNanos();
    long t1 = -1;
    while (System.nanoTime() < deadline) {
      Stamp now = Stamp.of(betaFile);
      if (!Objects.equals(now, seen)) {
        long at = System.nanoTime();
        seen = now;
        try {
          if (Sha256.hex(Files.readAllBytes(betaFile)).equals(sha)) {
            t1 = at;
            break;
          }
        } catch (NoSuchFileException e) {
          // being replaced
        }
      }
      LockSupport.parkNanos(POLL_MICROS * 1000);
    }
    if (t1 < 0) {
      throw new AssertionError("beta did not get sample " + counter + " within 120 s");
    }
    List<String> copies =
        await("beta logs the copy")
            .atMost(Timing.seconds(10))
            .until(() -> copies(beta), c -> c.size() > copiesBefore);
    Matcher m = COPIED.matcher(copies.get(copies.size() - 1));
    if (!m.find() || Long.parseLong(m.group(1)) != content.length) {
      throw new AssertionError("unexpected copy event: " + copies.get(copies.size() - 1));
    }
    return new long[] {Long.parseLong(m.group(2)), (t1 - t0) / 1_000_000};
  }

  private static List<String> copies(ServerProcess s) {
    return s.events().stream()
        .map(e -> e.path("message").asText())
        .filter(msg -> msg.startsWith("project file big.prj updated from alpha"))
        .toList();
  }

  /** What a stat tells of a file: enough to see it was replaced or written. */
  record Stamp(Object key, long modified, long size) {
    static Stamp of(Path file) throws IOException {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(a.fileKey(), a.lastModifiedTime().toMillis(), a.size());
      } catch (NoSuchFileException e) {
        return null;
      }
    }
  }
}
