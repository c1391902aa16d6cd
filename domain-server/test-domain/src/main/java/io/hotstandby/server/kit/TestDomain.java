package io.hotstandby.server.kit;

import io.hotstandby.host.PrivateFiles;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.TcpRelay;
import io.hotstandby.testkit.Timing;
import io.hotstandby.testkit.UdpRelay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A domain of real {@code domain-server} processes on loopback, made for one test class: free
 * ports, a folder per server holding its own copy of the domain file and its data directory, and a
 * {@link UdpRelay} in front of every REC port so a test can cut and restore any path.
 *
 * <pre>{@code
 * try (TestDomain d = TestDomain.builder().servers("alpha", "beta").build().startAll()) {
 *   d.awaitState("alpha", "ACTIVE");
 *   d.server("alpha").kill();
 * }
 * }</pre>
 */
public final class TestDomain implements AutoCloseable {
  public static final List<String> PATHS = List.of("lan", "cable");

  /** The domain's administrator and its password (every test domain has them). */
  public static final String ADMIN = "admin";

  public static final String ADMIN_PASSWORD = "admin-password-1";

  /** A user with the Operator role only. */
  public static final String OPERATOR = "operator";

  public static final String OPERATOR_PASSWORD = "operator-password-1";

  /** How long a login of the kit may take: on a loaded machine seconds, not milliseconds. */
  public static final java.time.Duration LOGIN_TIMEOUT = Timing.seconds(15);

  /** A user with the Viewer role only: the kit's status probes log in as this user. */
  public static final String VIEWER = "viewer";

  public static final String VIEWER_PASSWORD = "viewer-password-1";

  static {
    // Every run makes new certificates: trust them in a file of this JVM's own.
    if (System.getProperty("hotstandby.knownServers") == null) {
      try {
        // In a folder of this JVM's own: the client certificate is made beside it (client-pki/),
        // and must be neither another run's nor shared with test JVMs running at the same time.
        Path f = Files.createTempDirectory("hotstandby-workstation-").resolve("known-servers");
        System.setProperty("hotstandby.knownServers", f.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final TestDomainBuilder b;
  private final Path root;
  private final Map<String, ServerProcess> servers = new LinkedHashMap<>();
  private final Map<String, Map<String, UdpRelay>> relays = new LinkedHashMap<>();
  private final Map<String, Ports> ports = new LinkedHashMap<>();
  private final PlantSimulatorProcess plant;
  private final Map<String, TcpRelay> deviceRelays = new LinkedHashMap<>();
  private final Map<String, TcpRelay> clusterRelays = new LinkedHashMap<>();
  private final Map<String, TcpRelay> opcUaRelays = new LinkedHashMap<>();
  private final TestDomainXml xml;

  /** The ports of one server: TCP for Hazelcast, OPC UA and HTTP (0: none), per path UDP. */
  record Ports(int hazelcast, int opcUa, Map<String, int[]> rec, int http) {}

  TestDomain(TestDomainBuilder b) throws IOException {
    this.b = b;
    Path base = Path.of(System.getProperty("hotstandby.dist", "target/dist")).getParent();
    Files.createDirectories(base.resolve("it"));
    this.root = Files.createTempDirectory(base.resolve("it"), b.name + "-");
    this.plant =
        b.project == null
            ? null
            : new PlantSimulatorProcess(FreePorts.next(), root.resolve("plant"));
    if (plant != null && b.deviceRelays) {
      int plantPort = Integer.parseInt(plant.endpoint().replaceAll(".*:(\\d+)/.*", "$1"));
      for (String s : b.servers) {
        deviceRelays.put(s, TcpRelay.on(FreePorts.next(), plantPort, s));
      }
    }
    for (String s : b.servers) {
      Map<String, int[]> rec = new LinkedHashMap<>();
      for (String p : PATHS) {
        rec.put(p, new int[] {FreePorts.next(), FreePorts.next()});
      }
      // Hosts of their own may share a port: one OPC UA port behind a virtual IP.
      boolean shared = b.lab != null && !b.virtualIp.isEmpty() && !ports.isEmpty();
      int opcUa = shared ? ports.values().iterator().next().opcUa() : FreePorts.next();
      ports.put(s, new Ports(FreePorts.next(), opcUa, rec, b.http ? FreePorts.next() : 0));
    }
    if (b.clusterRelays) {
      for (String s : b.servers) {
        clusterRelays.put(
            s, TcpRelay.on(FreePorts.next(), ports.get(s).hazelcast(), s + "-hazelcast"));
      }
    }
    for (String s : b.opcUaRelays ? b.servers : List.<String>of()) {
      opcUaRelays.put(s, TcpRelay.on(FreePorts.next(), ports.get(s).opcUa(), s + "-opcua"));
    }
    for (String s : b.servers) {
      Map<String, UdpRelay> byPath = new LinkedHashMap<>();
      for (String p : PATHS) {
        int[] pair = ports.get(s).rec().get(p);
        if (b.relays) {
          byPath.put(p, UdpRelay.on(pair[1], pair[0], s + "-" + p));
        } else {
          pair[1] = pair[0];
        }
      }
      relays.put(s, byPath);
    }
    this.xml = new TestDomainXml(b, ports, clusterRelays, opcUaRelays);
    for (String s : b.servers) {
      writeServerFolder(s, b.version);
      servers.put(s, process(s));
    }
  }

  public static TestDomainBuilder builder() {
    return new TestDomainBuilder();
  }

  /** The path of a launcher in the distribution under test, e.g. {@code domainctl}. */
  public static String distBin(String launcher) {
    return Path.of(System.getProperty("hotstandby.dist", "target/dist"), "bin", launcher)
        .toAbsolutePath()
        .toString();
  }

  private ServerProcess process(String s) {
    Path dir = root.resolve(s);
    List<String> cmd = new ArrayList<>();
    List<String> tmpfs = new ArrayList<>();
    if (b.lab != null) {
      cmd.addAll(b.lab.command(s, List.of())); // ip netns exec: the server's own pid still
    }
    String disk = b.smallDisks.get(s);
    if (disk != null) {
      tmpfs.addAll(List.of(domainFile(s).getParent().toString(), disk));
    }
    String dataDisk = b.smallDataDisks.get(s);
    if (dataDisk != null) {
      tmpfs.addAll(List.of(dir.resolve("data").toString(), dataDisk));
    }
    if (!tmpfs.isEmpty()) {
      // unshare execs the shell, which execs the launcher, which execs java: one pid throughout.
      // Each folder (with its size) becomes a tmpfs holding a copy of what it held.
      cmd.addAll(
          List.of(
              "unshare",
              "-m",
              "--propagation",
              "private",
              "sh",
              "-c",
              "while [ \"$1\" != -- ]; do d=\"$1\"; size=\"$2\"; shift 2;"
                  + " mkdir -p \"$d\" && rm -rf \"$d.copy\" && cp -a \"$d\" \"$d.copy\""
                  + " && mount -t tmpfs -o size=\"$size\" tmpfs \"$d\""
                  + " && cp -a \"$d.copy/.\" \"$d/\" || exit 1; done; shift; exec \"$@\"",
              "sh"));
      cmd.addAll(tmpfs);
      cmd.add("--");
    }
    cmd.addAll(
        List.of(
            distBin("domain-server"),
            "--domain",
            domainFile(s).toString(),
            "--server",
            s,
            "--data-dir",
            dir.resolve("data").toString()));
    // Tests trade peak speed for a light start on a small machine; benchmarks use the launcher's
    // defaults (an empty DOMAIN_SERVER_OPTS selects them) unless they compare others.
    String base =
        b.serverJvm != null
            ? b.serverJvm
            : b.defaultJvm ? "" : "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    Map<String, String> env =
        Map.of(
            "DOMAIN_SERVER_OPTS",
            base,
            "DOMAIN_SERVER_EXTRA_OPTS",
            b.jvmOptions.getOrDefault(s, ""));
    String endpoint = "opc.tcp://" + xml.host(s) + ":" + ports.get(s).opcUa() + "/hotstandby";
    return new ServerProcess(
        s, cmd, env, dir, dir.resolve("data"), dataDisk != null, endpoint, b.anonymousRead);
  }

  /** The domain file of server {@code s} (each server has its own copy, as on real machines). */
  public Path domainFile(String s) {
    return root.resolve(s).resolve("domain").resolve(b.name + ".dom");
  }

  /**
   * Server {@code s}'s domain folder as that server sees it: for a server with a {@link
   * Builder#smallDomainDisk}, the tmpfs in its own mount namespace.
   */
  public Path domainFolderOf(String s) {
    Path dir = domainFile(s).getParent();
    if (!b.smallDisks.containsKey(s)) {
      return dir;
    }
    return Path.of("/proc", Long.toString(server(s).pid()), "root")
        .resolve(dir.toString().substring(1));
  }

  /**
   * Server {@code s}'s data directory as that server sees it: for a server with a {@link
   * TestDomainBuilder#smallDataDisk}, the tmpfs in its own mount namespace.
   */
  public Path dataFolderOf(String s) {
    return server(s).dataDir();
  }

  /**
   * Remounts server {@code s}'s small domain disk read-only ({@code "ro"}) or writable ({@code
   * "rw"}).
   */
  public void remountDomainFolder(String s, String mode) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "nsenter",
                "-t",
                Long.toString(server(s).pid()),
                "-m",
                "mount",
                "-o",
                "remount," + mode,
                domainFile(s).getParent().toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("remount " + mode + " failed: " + out);
    }
  }

  /** {@code domainctl} options that log in as the domain's administrator. */
  public String[] adminLogin() throws IOException {
    return login(ADMIN);
  }

  /** {@code domainctl} options that log in as the domain's viewer. */
  public String[] viewerLogin() throws IOException {
    return login(VIEWER);
  }

  /**
   * {@code domainctl} options that log in as {@code user}, one of the test domain's users, giving
   * each server {@link #LOGIN_TIMEOUT}.
   */
  public String[] login(String user) throws IOException {
    Path file = root.resolve(user + ".password");
    if (!Files.exists(file)) {
      Files.writeString(file, passwordOf(user) + "\n");
    }
    return new String[] {
      "--user",
      user,
      "--password-file",
      file.toString(),
      "--timeout",
      String.valueOf(LOGIN_TIMEOUT.toSeconds())
    };
  }

  /** The password of one of the test domain's users. */
  public static String passwordOf(String user) {
    return switch (user) {
      case ADMIN -> ADMIN_PASSWORD;
      case OPERATOR -> OPERATOR_PASSWORD;
      case VIEWER -> VIEWER_PASSWORD;
      default -> throw new IllegalArgumentException("no user " + user + " in a test domain");
    };
  }

  /**
   * {@code args} after the options that log in as {@code user}, for {@link Ctl#run}; a login (an
   * encrypted channel and a deliberately slow password check) gets {@link #LOGIN_TIMEOUT}.
   */
  public String[] ctlAs(String user, String... args) {
    String[] login;
    try {
      login = login(user);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> all = new java.util.ArrayList<>(List.of(login));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  public Path root() {
    return root;
  }

  /** Writes the domain file (and secret) into server {@code s}'s folder, at {@code version}. */
  public void writeServerFolder(String s, long version) throws IOException {
    Path dir = domainFile(s).getParent();
    Files.createDirectories(dir);
    // The server refuses a secret file other users may read, as ssh does a private key.
    Files.setPosixFilePermissions(
        Files.writeString(dir.resolve(b.name + ".secret"), b.secret + "\n"),
        PrivateFiles.OWNER_FILE);
    if (b.project != null) {
      // The project reaches the plant simulator on the port this kit chose.
      TcpRelay relay = deviceRelays.get(s);
      String endpoint =
          relay == null ? plant.endpoint() : "opc.tcp://127.0.0.1:" + relay.port() + "/plant";
      String project =
          Files.readString(b.project).replace("opc.tcp://127.0.0.1:4860/plant", endpoint);
      Files.writeString(dir.resolve(b.project.getFileName().toString()), project);
    }
    Files.writeString(domainFile(s), domainXml(version), StandardCharsets.UTF_8);
  }

  /** The domain file's text; every server's copy is the same. */
  public String domainXml(long version) {
    return xml.domain(version);
  }

  /**
   * The {@code <server>} element of server {@code s}, e.g. to add a server the domain was built
   * without ({@link TestDomainBuilder#joinsLater}).
   */
  public String serverXml(String s) {
    return xml.server(s);
  }

  /** The base URL of server {@code s}'s HTTP endpoint, e.g. {@code http://127.0.0.1:PORT}. */
  public String httpUrl(String s) {
    return "http://" + xml.host(s) + ":" + ports.get(s).http();
  }

  public ServerProcess server(String name) {
    ServerProcess p = servers.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no server " + name + " in the test domain");
    }
    return p;
  }

  public List<ServerProcess> servers() {
    return new ArrayList<>(servers.values());
  }

  /**
   * Starts the plant simulator (if the domain has a project), then every server at once (those that
   * join later excepted).
   */
  public TestDomain startAll() {
    if (plant != null) {
      plant.start();
    }
    servers.forEach(
        (name, s) -> {
          if (!b.later.contains(name)) {
            s.start();
          }
        });
    return this;
  }

  /** The TCP relay between {@code server} and the plant simulator (built with device relays). */
  public TcpRelay deviceRelay(String server) {
    TcpRelay r = deviceRelays.get(server);
    if (r == null) {
      throw new IllegalStateException("the test domain was built without device relays");
    }
    return r;
  }

  /** The plant simulator of a domain built with a project. */
  public PlantSimulatorProcess plant() {
    if (plant == null) {
      throw new IllegalStateException("the test domain was built without a project");
    }
    return plant;
  }

  /**
   * Waits until every server named in {@code states} is in its state and the running servers form
   * one cluster; returns this domain, for chaining after {@link #startAll}.
   */
  public TestDomain awaitFormed(Map<String, String> states) {
    states.forEach(this::awaitState);
    awaitCluster(states.size());
    if (states.containsValue("ACTIVE")) {
      states.forEach(
          (s, state) -> {
            if (state.equals("STANDBY")) {
              awaitMirrored(s);
            }
          });
    }
    return this;
  }

  /**
   * Waits until the standby {@code server} holds the active's state: its mirror took a snapshot and
   * is caught up (what a planned switchover to it needs).
   */
  public void awaitMirrored(String server) {
    org.awaitility.Awaitility.await(server + " mirroring the active")
        .atMost(Timing.seconds(30))
        .pollInterval(java.time.Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> server(server).status().path("mirror").path("ready").asBoolean(false));
  }

  /** Waits until the event log of {@code server} shows it entered {@code state} last. */
  public void awaitState(String server, String state) {
    org.awaitility.Awaitility.await(server + " " + state)
        .atMost(Timing.seconds(60))
        .pollInterval(java.time.Duration.ofMillis(50))
        .until(
            () -> {
              String now = server(server).loggedState();
              if (now.equals("DEAD")) {
                throw new AssertionError(server + " is not running; see " + root.resolve(server));
              }
              return now.equals(state) && server(server).listening();
            });
  }

  /** Cuts every Hazelcast connection (built with cluster relays): each server is on its own. */
  public void cutCluster() {
    requireClusterRelays();
    clusterRelays.values().forEach(TcpRelay::cut);
  }

  /** Lets the Hazelcast members reach each other again; they merge into one cluster. */
  public void healCluster() {
    requireClusterRelays();
    clusterRelays.values().forEach(TcpRelay::restore);
  }

  /**
   * Holds every byte between the Hazelcast members (built with cluster relays) without closing a
   * connection: the members stay joined, but nothing they send arrives until {@link #thawCluster}.
   */
  public void freezeCluster() {
    requireClusterRelays();
    clusterRelays.values().forEach(TcpRelay::freeze);
  }

  /** Lets the bytes held by {@link #freezeCluster} through again. */
  public void thawCluster() {
    requireClusterRelays();
    clusterRelays.values().forEach(TcpRelay::thaw);
  }

  private void requireClusterRelays() {
    if (clusterRelays.isEmpty()) {
      throw new IllegalStateException("the test domain was built without cluster relays");
    }
  }

  /** The relay in front of {@code server}'s REC port on {@code path} (built with relays). */
  public UdpRelay relay(String server, String path) {
    UdpRelay r = relays.get(server).get(path);
    if (r == null) {
      throw new IllegalStateException("the test domain was built without REC relays");
    }
    return r;
  }

  /** The domain's name, which is also its Hazelcast cluster name. */
  public String name() {
    return b.name;
  }

  /** Where {@code server}'s Hazelcast member is reached: "127.0.0.1:port" (its relay if any). */
  public String hazelcastAddress(String server) {
    TcpRelay relay = clusterRelays.get(server);
    return "127.0.0.1:" + (relay != null ? relay.port() : ports.get(server).hazelcast());
  }

  /** The relay in front of {@code server}'s OPC UA port (its {@code publicPort}), if built. */
  public TcpRelay opcUaRelay(String server) {
    return opcUaRelays.get(server);
  }

  /** The UDP port {@code server} receives REC heartbeats on for {@code path}. */
  public int recPort(String server, String path) {
    return ports.get(server).rec().get(path)[0];
  }

  /** Waits until every running server's cluster member sees {@code members} members. */
  public void awaitCluster(int members) {
    awaitCluster(members, java.time.Duration.ZERO);
  }

  /**
   * Waits until every running server reports a cluster of {@code members}, and has for {@code
   * settled} (a join still settling shows the right count for a moment first).
   */
  public void awaitCluster(int members, java.time.Duration settled) {
    org.awaitility.Awaitility.await("cluster of " + members)
        .during(settled)
        .atMost(Timing.seconds(60))
        .pollInterval(java.time.Duration.ofMillis(200))
        .until(
            () ->
                roleServers().stream()
                    .filter(ServerProcess::alive)
                    .allMatch(
                        s -> {
                          try {
                            return s.status().path("clusterMembers").asInt() == members;
                          } catch (Exception e) {
                            return false;
                          }
                        }));
  }

  /** Cuts every REC path into and out of both servers. */
  public void cutRec(String a, String c) {
    for (String p : PATHS) {
      relay(a, p).cut();
      relay(c, p).cut();
    }
  }

  /** Restores every REC path of both servers. */
  public void healRec(String a, String c) {
    for (String p : PATHS) {
      relay(a, p).restore();
      relay(c, p).restore();
    }
  }

  /** Waits until one server is ACTIVE and another STANDBY, as seen over OPC UA. */
  public Roles awaitRoles() {
    org.awaitility.Awaitility.await("one ACTIVE and one STANDBY")
        .atMost(Timing.seconds(60))
        .pollInterval(java.time.Duration.ofMillis(100))
        .until(
            () ->
                roleServers().stream()
                    .map(ServerProcess::state)
                    .sorted()
                    .toList()
                    .equals(List.of("ACTIVE", "STANDBY")));
    ServerProcess active = null;
    ServerProcess standby = null;
    for (ServerProcess s : roleServers()) {
      if (s.state().equals("ACTIVE")) {
        active = s;
      } else {
        standby = s;
      }
    }
    awaitMirrored(standby.name());
    return new Roles(active, standby);
  }

  /** The servers that take roles: every one but the quorum witness (which has no endpoint). */
  private List<ServerProcess> roleServers() {
    return servers.values().stream().filter(s -> !s.name().equals(b.witness)).toList();
  }

  /** Who holds which role at one moment. */
  public record Roles(ServerProcess active, ServerProcess standby) {}

  @Override
  public void close() {
    for (ServerProcess s : servers.values()) {
      try {
        s.close();
      } catch (RuntimeException e) {
        // close the others anyway
      }
    }
    relays.values().forEach(m -> m.values().forEach(UdpRelay::close));
    if (plant != null) {
      plant.close();
    }
    List.of(deviceRelays, clusterRelays, opcUaRelays)
        .forEach(m -> m.values().forEach(TcpRelay::close));
  }
}
