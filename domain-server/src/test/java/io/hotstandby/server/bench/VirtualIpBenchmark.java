package io.hotstandby.server.bench;

import static org.awaitility.Awaitility.await;

import io.hotstandby.server.it.VirtualIpCases;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.NetLab;
import io.hotstandby.testkit.Timing;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Virtual IP figures, not a test: on the same two hosts (network namespaces on one switch, the
 * client in the root namespace on the same switch), {@code bench.cycles} rounds (10) of kill -9 of
 * the holder of the virtual IP until a new TCP connection to that address is answered by the other
 * host: this product (the client asks the OPC UA port for its endpoints and reads who answered),
 * then keepalived with its default 1 s adverts (VRRPv2) and with 100 ms VRRPv3 adverts (a TCP
 * service on each host answers with the host's name). Needs root and keepalived. Run with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -am -Dtest=none
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=VirtualIpBenchmark</pre>
 */
class VirtualIpBenchmark {
  static final int CYCLES = Integer.getInteger("bench.cycles", 10);
  static final int SERVICE_PORT = 7777;

  @Test
  void killTheHolderUntilTheOtherAnswers() throws Exception {
    StringBuilder report = new StringBuilder();
    Path out;
    try (VirtualIpCases v = VirtualIpCases.start("hsvb", true)) {
      out = v.domain().root().getParent().getParent().resolve("benchmarks");
      report.append(cycles(v, "hotstandby (100 ms heartbeats, 500 ms timeout)"));
      System.out.print(report);
      v.stopDomain();
      NetLab lab = v.lab();
      String cidr = lab.spareAddress(VirtualIpCases.VIP_HOST + 1) + "/24";
      report.append(keepalived(lab, out, cidr, "1", 2, "keepalived VRRPv2, 1 s adverts"));
      report.append(keepalived(lab, out, cidr, "0.1", 3, "keepalived VRRPv3, 100 ms adverts"));
    }
    // The same with an IPv6 address, which the kernel announces with a neighbour advertisement.
    try (VirtualIpCases v = VirtualIpCases.start("hsvb6", true, true)) {
      report.append(cycles(v, "hotstandby, IPv6 address " + v.cidr()));
    }
    String text =
        String.format(
                Locale.ROOT,
                "virtual IP benchmark: %d kill -9 cycles each, %d cores, load %s%n",
                CYCLES,
                Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).strip())
            + report;
    System.out.print(text);
    Files.createDirectories(out);
    Files.writeString(out.resolve("virtual-ip.txt"), text);
  }

  /** {@link #CYCLES} kill -9 cycles: the figures of the product, as report lines. */
  private static String cycles(VirtualIpCases v, String name) throws Exception {
    List<Long> product = new ArrayList<>();
    List<Long> added = new ArrayList<>();
    for (int i = 0; i < CYCLES; i++) {
      TestDomain.Roles roles = v.domain().awaitRoles();
      v.awaitAnsweredBy(roles.active());
      product.add(v.killAndReconnect(roles.active(), roles.standby()));
      added.add(lastAddMicros(roles.standby()));
      roles.active().restart();
      await()
          .atMost(Timing.seconds(60))
          .until(() -> roles.active().loggedState().equals("STANDBY"));
    }
    return line(name, product) + line("  of which ACTIVE -> address added (us)", added);
  }

  private static long lastAddMicros(ServerProcess s) {
    double ms = -1;
    for (var e : s.events()) {
      if (e.path("message").asText().contains(" added on ")) {
        ms = e.path("durationMs").asDouble();
      }
    }
    return Math.round(ms * 1000);
  }

  private static String keepalived(
      NetLab lab, Path out, String cidr, String advert, int version, String name) throws Exception {
    String vip = cidr.substring(0, cidr.indexOf('/'));
    List<Long> times = new ArrayList<>();
    try (Keepalived k =
        new Keepalived(
            lab, out.resolve("keepalived-" + advert), cidr, advert, version, SERVICE_PORT)) {
      for (int i = 0; i < CYCLES; i++) {
        String[] holder = {""};
        await("one keepalived answers at " + vip)
            .atMost(Timing.seconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> !(holder[0] = answeredBy(vip)).isEmpty());
        String master = holder[0];
        String backup =
            lab.hosts().stream().filter(h -> !h.equals(master)).findFirst().orElseThrow();
        long at = System.nanoTime();
        k.kill(master);
        await()
            .atMost(Timing.seconds(30))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> answeredBy(vip).equals(backup));
        times.add((System.nanoTime() - at) / 1_000_000);
        k.start(master);
        // The restarted one comes back as BACKUP (nopreempt).
        await()
            .atMost(Timing.seconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> k.backupSinceStart(master) && holds(lab, backup, vip));
      }
    }
    String result = line(name, times);
    System.out.print(result);
    return result;
  }

  private static boolean holds(NetLab lab, String host, String vip) {
    return lab.addresses(host).contains(" " + vip + "/");
  }

  /** The name the service at {@code vip} answers a new connection with, or "". */
  private static String answeredBy(String vip) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(vip, SERVICE_PORT), 200);
      s.setSoTimeout(500);
      var in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      return line == null ? "" : line.strip();
    } catch (Exception e) {
      return "";
    }
  }

  private static String line(String name, List<Long> list) {
    List<Long> s = list.stream().sorted().toList();
    return String.format(
        Locale.ROOT,
        "%-48s n=%-3d p50=%d p99=%d max=%d%s%n",
        name,
        s.size(),
        FailoverBenchmark.pct(s, 50),
        FailoverBenchmark.pct(s, 99),
        s.isEmpty() ? -1 : s.get(s.size() - 1),
        name.contains("(us)") ? " us" : " ms");
  }
}
