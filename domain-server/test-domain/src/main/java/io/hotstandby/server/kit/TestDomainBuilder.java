package io.hotstandby.server.kit;

import io.hotstandby.testkit.NetLab;
import io.hotstandby.testkit.TcpRelay;
import io.hotstandby.testkit.UdpRelay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a {@link TestDomain}; defaults: alpha main, beta backup, 100 ms heartbeats, 500 ms
 * timeout.
 */
public final class TestDomainBuilder {
  String name = "it";
  List<String> servers = List.of("alpha", "beta");
  final String main = "alpha";
  final String backup = "beta";
  final Set<String> maintenance = new TreeSet<>();
  final List<Integer> integrityPorts = new ArrayList<>();
  final Map<String, String> jvmOptions = new LinkedHashMap<>();
  final int heartbeatMs = 100;
  final int failoverTimeoutMs = 500;
  final String returnToMain = "manual";
  boolean defaultJvm;
  boolean defaultLossTimeout;
  String serverJvm;
  boolean relays;
  Path project;
  int projectSyncKBps;
  final String standbyMode = "warm";
  boolean activateBackupOnLocalFailure;
  boolean deviceRelays;
  boolean clusterRelays;
  boolean opcUaRelays;
  int probeIntervalMs;
  int probeFailures;
  final Map<String, String> smallDisks = new LinkedHashMap<>();
  final Map<String, String> smallDataDisks = new LinkedHashMap<>();
  final Set<String> later = new TreeSet<>();
  boolean anonymousRead;
  boolean http;
  String witness = "";
  NetLab lab;
  String virtualIp = "";
  long version = 1;
  String secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

  /**
   * Lets anonymous sessions read ({@code <security anonymousRead="true"/>}); without it every
   * session of the test domain logs in, the kit's status probes as {@link TestDomain#VIEWER}.
   */
  public TestDomainBuilder anonymousRead() {
    this.anonymousRead = true;
    return this;
  }

  /** Gives every server a read-only HTTP endpoint on a free port ({@link TestDomain#httpUrl}). */
  public TestDomainBuilder http() {
    this.http = true;
    return this;
  }

  public TestDomainBuilder name(String n) {
    this.name = n;
    return this;
  }

  public TestDomainBuilder servers(String... names) {
    this.servers = List.of(names);
    return this;
  }

  public TestDomainBuilder maintenance(String s) {
    maintenance.add(s);
    return this;
  }

  public TestDomainBuilder integrityPort(int port) {
    integrityPorts.add(port);
    return this;
  }

  public TestDomainBuilder jvmOptions(String server, String options) {
    jvmOptions.put(server, options);
    return this;
  }

  /**
   * Puts a {@link UdpRelay} in front of every REC port, so tests can cut paths. The relays run in
   * the test's JVM: a stall there looks like a network fault to the servers.
   */
  public TestDomainBuilder relays() {
    this.relays = true;
    return this;
  }

  /**
   * Declares a third server, {@code name}, as the domain's quorum witness ({@code
   * hotStandby/@witness}); {@link TestDomain#startAll} starts it like the others.
   */
  public TestDomainBuilder witness(String name) {
    List<String> all = new ArrayList<>(servers);
    all.add(name);
    this.servers = List.copyOf(all);
    this.witness = name;
    return this;
  }

  /**
   * Runs every server in its own network namespace of {@code lab} (one host per server name, made
   * by the caller), at that host's address: the test cuts links with the lab instead of relays.
   */
  public TestDomainBuilder netLab(NetLab lab) {
    this.lab = lab;
    this.relays = false;
    return this;
  }

  /**
   * Gives the domain the virtual IP address {@code cidr} (e.g. {@code 10.200.1.100/24}) on every
   * server's {@code eth0}; with a {@link #netLab} every server's OPC UA endpoint has the same port,
   * so a client reaches whichever is ACTIVE at one address and port.
   */
  public TestDomainBuilder virtualIp(String cidr) {
    this.virtualIp = cidr;
    return this;
  }

  /**
   * Runs {@code projectFile} on every server, with a plant simulator the project's {@code
   * opc.tcp://127.0.0.1:4860/plant} driver is pointed at.
   */
  public TestDomainBuilder project(Path projectFile) {
    this.project = projectFile;
    return this;
  }

  /**
   * Has the servers copy the active's project files at up to {@code bandwidthKBps} KiB/s ({@code
   * <projects sync="true">}).
   */
  public TestDomainBuilder projectSync(int bandwidthKBps) {
    this.projectSyncKBps = bandwidthKBps;
    return this;
  }

  /** Puts a {@link TcpRelay} between each server and the plant simulator. */
  /**
   * Puts a {@link TcpRelay} in front of every server's Hazelcast member (its {@code publicPort}),
   * so tests can cut the cluster apart ({@link TestDomain#cutCluster}).
   */
  public TestDomainBuilder clusterRelays() {
    this.clusterRelays = true;
    return this;
  }

  /**
   * Puts a {@link TcpRelay} in front of every server's OPC UA port (its {@code publicPort}): the
   * peers' service probes and every client that takes the address from the domain file go through
   * it ({@link TestDomain#opcUaRelay}); {@link ServerProcess#client} does not.
   */
  public TestDomainBuilder opcUaRelays() {
    this.opcUaRelays = true;
    return this;
  }

  /** Turns the service probe on ({@code hotStandby/probe}). */
  public TestDomainBuilder serviceProbe(int intervalMs, int failures) {
    this.probeIntervalMs = intervalMs;
    this.probeFailures = failures;
    return this;
  }

  public TestDomainBuilder deviceRelays() {
    this.deviceRelays = true;
    return this;
  }

  public TestDomainBuilder activateBackupOnLocalFailure() {
    this.activateBackupOnLocalFailure = true;
    return this;
  }

  /**
   * Runs {@code server} in a mount namespace of its own where its domain folder is a tmpfs of
   * {@code size} (e.g. "256k"): a test can fill it or remount it read-only ({@link
   * TestDomain#domainFolderOf}, {@link TestDomain#remountDomainFolder}). Needs root.
   */
  public TestDomainBuilder smallDomainDisk(String server, String size) {
    smallDisks.put(server, size);
    return this;
  }

  /**
   * Runs {@code server} in a mount namespace of its own where its data directory (term, logs,
   * certificates) is a tmpfs of {@code size} (e.g. "4m"), so a test can fill it ({@link
   * TestDomain#dataFolderOf}). The tmpfs lives as long as the process: a restart starts from the
   * host's (empty) folder again. Needs root.
   */
  public TestDomainBuilder smallDataDisk(String server, String size) {
    smallDataDisks.put(server, size);
    return this;
  }

  /**
   * Gives {@code names} ports and folders but leaves them out of the domain file and out of {@link
   * TestDomain#startAll}: a test adds them with {@link TestDomain#serverXml}.
   */
  public TestDomainBuilder joinsLater(String... names) {
    later.addAll(List.of(names));
    return this;
  }

  /** Runs the servers with the launcher's default JVM options, as in production. */
  public TestDomainBuilder defaultJvmOptions() {
    this.defaultJvm = true;
    return this;
  }

  /**
   * Lets the loss timeout grow on a busy machine up to the product's default ceiling, as in
   * production; without this the domain file pins it to the failover timeout, so that tests of
   * other things see takeovers at once in a server's first minute.
   */
  public TestDomainBuilder defaultLossTimeout() {
    this.defaultLossTimeout = true;
    return this;
  }

  /**
   * Starts the servers with these JVM options instead of the launcher's defaults (what {@code
   * DOMAIN_SERVER_OPTS} does for a user), e.g. to compare collectors in a benchmark.
   */
  public TestDomainBuilder serverJvmOptions(String options) {
    this.serverJvm = options;
    return this;
  }

  /**
   * Builds the domain, starts its servers and waits until they are in {@code states} and form one
   * cluster; a domain that does not get there is closed before the failure is thrown, so no server
   * process outlives a failed start (a test class's {@code @AfterAll} never sees it).
   */
  public TestDomain startFormed(Map<String, String> states) {
    TestDomain domain = build();
    try {
      return domain.startAll().awaitFormed(states);
    } catch (RuntimeException | Error e) {
      domain.close();
      throw e;
    }
  }

  public TestDomain build() {
    try {
      return new TestDomain(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
