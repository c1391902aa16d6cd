package io.hotstandby.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real traffic between hosts of a {@link NetLab}, through agents started in their namespaces. */
class NetLabTest {
  private static final String PREFIX = "nltest";
  private static final List<String> HOSTS = List.of("a", "b", "w");
  private static final String ROOT = "root";
  private static final int PORT = 7000;
  private static final Duration PROBE = Timing.seconds(1);

  private final List<Agent> agents = new ArrayList<>();
  private NetLab lab;
  private NetAgent.Echo rootEcho;

  @BeforeAll
  static void namespacesAreAvailable() {
    // CI runs as root: no namespaces is a broken machine, not a reason to skip.
    assertThat(NetLab.unavailableReason()).as("why namespaces cannot be made here").isEmpty();
  }

  @AfterEach
  void stop() {
    agents.forEach(Agent::stop);
    if (rootEcho != null) {
      rootEcho.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void cutsAndIsolationsStopExactlyTheTrafficTheyShould() throws IOException {
    start();
    Set<String> isolated = new HashSet<>();
    Set<List<String>> cut = new HashSet<>();
    BiPredicate<String, String> expected =
        (from, to) ->
            !isolated.contains(from)
                && !isolated.contains(to)
                && !cut.contains(List.of(from, to))
                && !cut.contains(List.of(to, from));
    awaitReach(expected);

    lab.cut("a", "b");
    cut.add(List.of("a", "b"));
    awaitReach(expected);

    lab.heal("a", "b");
    cut.clear();
    awaitReach(expected);

    lab.isolate("a");
    isolated.add("a");
    awaitReach(expected);

    lab.rejoin("a");
    isolated.clear();
    awaitReach(expected);
  }

  @Test
  void aProcessStartedInANamespaceIsTheCommandItself() throws Exception {
    start();
    Agent a = agents.get(0);
    long pid = a.process.pid();
    assertThat(Path.of("/proc/" + pid + "/exe").toRealPath().getFileName().toString())
        .isEqualTo("java");
    assertThat(Files.getAttribute(Path.of("/proc/" + pid + "/ns/net"), "unix:ino"))
        .isEqualTo(Files.getAttribute(Path.of("/run/netns/" + lab.namespace("a")), "unix:ino"));

    new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();

    await().atMost(Timing.seconds(5)).until(() -> !a.process.isAlive());
    assertThat(netnsPids(lab.namespace("a"))).isEmpty();
    assertThat(probeFromRoot("tcp", "a")).isFalse();
    assertThat(probeFromRoot("tcp", "b")).isTrue();
  }

  @Test
  void closeRemovesEverythingWithThePrefixAndCreateRemovesLeftovers() throws Exception {
    run("ip", "netns", "add", PREFIX + "-left");
    run("ip", "link", "add", PREFIX + "-x", "type", "veth", "peer", "name", PREFIX + "-y");
    lab = NetLab.create(PREFIX, HOSTS);
    assertThat(run("ip", "netns", "list")).doesNotContain(PREFIX + "-left");
    assertThat(run("ip", "-o", "link", "show")).doesNotContain(PREFIX + "-x", PREFIX + "-y");
    assertThat(run("ip", "netns", "list")).contains(lab.namespace("a"), PREFIX + "-switch");
    assertThat(run("ip", "-o", "link", "show")).contains(PREFIX + "-gw");
    agents.add(Agent.start(lab, "b"));

    lab.close();
    lab.close();

    assertThat(run("ip", "netns", "list")).doesNotContain(PREFIX + "-");
    assertThat(run("ip", "-o", "link", "show")).doesNotContain(PREFIX + "-");
    assertThat(run("ip", "-4", "route")).doesNotContain(lab.gateway().replaceAll("254$", ""));
    await().atMost(Timing.seconds(5)).until(() -> !agents.get(0).process.isAlive());
  }

  private void start() throws IOException {
    lab = NetLab.create(PREFIX, HOSTS);
    rootEcho = NetAgent.Echo.start(new InetSocketAddress(lab.gateway(), 0));
    for (String host : HOSTS) {
      agents.add(Agent.start(lab, host));
    }
  }

  /** Waits until exactly the (from, to, protocol) triples {@code expected} allows get through. */
  private void awaitReach(BiPredicate<String, String> expected) {
    List<String> nodes = new ArrayList<>(HOSTS);
    nodes.add(ROOT);
    Set<String> want = new HashSet<>();
    for (String from : nodes) {
      for (String to : nodes) {
        if (!from.equals(to) && expected.test(from, to)) {
          want.add(from + "->" + to + " tcp");
          want.add(from + "->" + to + " udp");
          want.add(from + "->" + to + " oneway");
        }
      }
    }
    await()
        .atMost(Timing.seconds(10))
        .pollDelay(Duration.ZERO)
        .untilAsserted(() -> assertThat(reach(nodes)).containsExactlyInAnyOrderElementsOf(want));
  }

  /**
   * Which (from, to, protocol) triples get through now, all probed at once: TCP and UDP round
   * trips, and ("oneway") whether a datagram from {@code from} arrives at {@code to}, answer or
   * not.
   */
  private Set<String> reach(List<String> nodes) {
    Map<String, CompletableFuture<Boolean>> probes = new LinkedHashMap<>();
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String from : nodes) {
      for (String to : nodes) {
        if (!from.equals(to)) {
          String token = UUID.randomUUID().toString();
          tokens.put(from + "->" + to, token);
          InetSocketAddress target = target(to);
          if (from.equals(ROOT)) {
            NetAgent.send(target, token);
          } else {
            agent(from).send(target, token);
          }
        }
        for (String protocol : List.of("tcp", "udp")) {
          if (from.equals(to)) {
            continue;
          }
          InetSocketAddress target = target(to);
          probes.put(
              from + "->" + to + " " + protocol,
              from.equals(ROOT)
                  ? CompletableFuture.supplyAsync(() -> NetAgent.probe(protocol, target, PROBE))
                  : agent(from).probe(protocol, target));
        }
      }
    }
    Set<String> through = new HashSet<>();
    probes.forEach(
        (name, result) -> {
          if (result.orTimeout(PROBE.toMillis() * 5, TimeUnit.MILLISECONDS).join()) {
            through.add(name);
          }
        });
    // The round trips took a while: a datagram sent before them that got through has arrived.
    tokens.forEach(
        (path, token) -> {
          String to = path.substring(path.indexOf("->") + 2);
          boolean seen =
              to.equals(ROOT)
                  ? rootEcho.saw(token)
                  : agent(to).seen(token).orTimeout(5, TimeUnit.SECONDS).join();
          if (seen) {
            through.add(path + " oneway");
          }
        });
    return through;
  }

  private InetSocketAddress target(String node) {
    return node.equals(ROOT)
        ? new InetSocketAddress(lab.gateway(), rootEcho.port())
        : new InetSocketAddress(lab.address(node), PORT);
  }

  private Agent agent(String host) {
    return agents.get(HOSTS.indexOf(host));
  }

  private boolean probeFromRoot(String protocol, String to) {
    return NetAgent.probe(protocol, new InetSocketAddress(lab.address(to), PORT), PROBE);
  }

  private static List<String> netnsPids(String ns) throws IOException, InterruptedException {
    return run("ip", "netns", "pids", ns).lines().filter(l -> !l.isBlank()).toList();
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
    return out;
  }

  /** A {@link NetAgent} running in one host's namespace. */
  private static final class Agent {
    private final Process process;
    private final PrintWriter commands;
    private final Map<String, CompletableFuture<Boolean>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();

    private Agent(Process process) {
      this.process = process;
      this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(this::read, "net-agent-reader-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    static Agent start(NetLab lab, String host) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String classes;
      try {
        classes =
            Path.of(NetAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
      } catch (URISyntaxException e) {
        throw new IOException(e);
      }
      List<String> argv =
          List.of(
              java,
              "-Xmx32m",
              "-XX:TieredStopAtLevel=1",
              "-cp",
              classes,
              NetAgent.class.getName(),
              Integer.toString(PORT));
      Process process =
          new ProcessBuilder(lab.command(host, argv))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      Agent agent = new Agent(process);
      agent.ready.orTimeout(Timing.seconds(15).toMillis(), TimeUnit.MILLISECONDS).join();
      return agent;
    }

    CompletableFuture<Boolean> probe(String protocol, InetSocketAddress target) {
      return ask(protocol, address(target), Long.toString(PROBE.toMillis()));
    }

    CompletableFuture<Boolean> send(InetSocketAddress target, String token) {
      return ask("send", address(target), token);
    }

    CompletableFuture<Boolean> seen(String token) {
      return ask("seen", token);
    }

    private static String address(InetSocketAddress target) {
      return target.getHostString() + " " + target.getPort();
    }

    private CompletableFuture<Boolean> ask(String... command) {
      String id = Integer.toString(ids.incrementAndGet());
      CompletableFuture<Boolean> result = new CompletableFuture<>();
      pending.put(id, result);
      synchronized (commands) {
        commands.println(id + " " + String.join(" ", command));
      }
      return result;
    }

    private void read() {
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.equals("ready")) {
            ready.complete(null);
            continue;
          }
          String[] f = line.split(" ");
          CompletableFuture<Boolean> result = pending.remove(f[0]);
          if (result != null) {
            result.complete(f[1].equals("ok"));
          }
        }
      } catch (IOException e) {
        // The agent ended.
      }
      ready.completeExceptionally(new IOException("the agent ended before it was ready"));
    }

    void stop() {
      commands.close();
      process.destroyForcibly();
    }
  }
}
