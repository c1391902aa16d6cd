package io.hotstandby.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Several hosts on one Linux machine, each in a network namespace of its own, on one switch, so a
 * test can break the links between particular hosts: {@link #cut} two hosts apart while both still
 * reach the others, {@link #isolate} one host from everything, and undo both. Needs root and
 * iproute2 ({@link #unavailableReason()} says why not).
 *
 * <p>Layout, for prefix {@code p} and hosts {@code a, b}: namespaces {@code p-a}, {@code p-b} with
 * {@code eth0} at 10.X.Y.1 and 10.X.Y.2/24, plugged by veth pairs into bridge {@code br0} of
 * namespace {@code p-switch}; the root namespace (the test JVM) is plugged into the same bridge by
 * link {@code p-gw} at 10.X.Y.254. The bridge lives in its own namespace so the root namespace's
 * firewall (which {@code bridge-nf-call-iptables} would apply to a bridge in the root namespace)
 * sees none of the traffic between hosts. X.Y is unique per lab on the machine.
 *
 * <p>A cut or an isolation drops packets silently, like a broken network: sends succeed, nothing
 * arrives, connections time out rather than fail at once.
 *
 * <p>Only one lab per prefix at a time: {@link #create} removes whatever an earlier lab of the same
 * prefix left behind, including processes still running in its namespaces.
 */
public final class NetLab implements AutoCloseable {
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,11}");
  private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9_]{1,32}");
  private static final String SWITCH = "switch";
  private static final String BRIDGE = "br0";
  private static final String HOST_LINK = "eth0";

  /** A locally administered MAC address no interface has: frames to it reach nobody. */
  private static final String NOWHERE = "02:6e:6c:00:00:00";

  private static final Duration IP_TIMEOUT = Timing.seconds(10);
  private static final Object SUBNET_LOCK = new Object();
  private static volatile Optional<String> unavailable;

  private final String prefix;
  private final Map<String, Integer> index = new LinkedHashMap<>();
  private final String subnet;
  private final Set<String> cuts = new HashSet<>();
  private final Set<String> oneWay = new HashSet<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread hook;

  private NetLab(String prefix, List<String> hosts, String subnet) {
    this.prefix = prefix;
    this.subnet = subnet;
    for (int i = 0; i < hosts.size(); i++) {
      index.put(hosts.get(i), i + 1);
    }
    this.hook = new Thread(this::close, "netlab-cleanup-" + prefix);
  }

  /**
   * Why network namespaces cannot be made here (not Linux, not root, no {@code ip} command, or the
   * kernel refuses a namespace, a bridge or a veth pair), or empty when they can. Tried once per
   * JVM.
   */
  public static Optional<String> unavailableReason() {
    Optional<String> reason = unavailable;
    if (reason == null) {
      reason = probe();
      unavailable = reason;
    }
    return reason;
  }

  private static Optional<String> probe() {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return Optional.of("network namespaces need Linux, this is " + System.getProperty("os.name"));
    }
    try {
      String uid =
          Files.readAllLines(Path.of("/proc/self/status")).stream()
              .filter(l -> l.startsWith("Uid:"))
              .map(l -> l.split("\\s+")[2])
              .findFirst()
              .orElse("?");
      if (!uid.equals("0")) {
        return Optional.of("network namespaces need root, the effective uid is " + uid);
      }
      String ns = "netlabprobe-" + ProcessHandle.current().pid();
      ip("netns", "add", ns);
      try {
        ip("-n", ns, "link", "add", BRIDGE, "type", "bridge");
        ip("-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
      } finally {
        ip("netns", "del", ns);
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot make network namespaces: " + e.getMessage());
    }
  }

  /**
   * Makes the lab: one namespace per host, named {@code <prefix>-<host>}, with loopback up and
   * {@code eth0} on the lab's switch; the root namespace on the same switch at {@link #gateway()}.
   * First removes what an earlier lab of the same prefix left behind. Registers {@link #close()} as
   * a shutdown hook.
   *
   * @param prefix 1 to 12 lower-case letters or digits, starting with a letter (link names must fit
   *     in 15 characters)
   * @param hosts 1 to 200 distinct names of letters, digits or {@code _}, not {@code switch}
   * @throws IOException when namespaces are unavailable (with {@link #unavailableReason()}) or an
   *     {@code ip} command fails; what was made by then is removed
   */
  public static NetLab create(String prefix, List<String> hosts) throws IOException {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("prefix must match " + PREFIX + ": " + prefix);
    }
    if (hosts.isEmpty() || hosts.size() > 200 || new HashSet<>(hosts).size() != hosts.size()) {
      throw new IllegalArgumentException("1 to 200 distinct hosts needed: " + hosts);
    }
    for (String host : hosts) {
      if (!HOST.matcher(host).matches() || host.equals(SWITCH)) {
        throw new IllegalArgumentException("host must match " + HOST + ", not switch: " + host);
      }
    }
    Optional<String> reason = unavailableReason();
    if (reason.isPresent()) {
      throw new IOException(reason.get());
    }
    removeLeftovers(prefix);
    String sw = prefix + "-" + SWITCH;
    ip("netns", "add", sw);
    NetLab lab;
    try {
      ip("-n", sw, "link", "add", BRIDGE, "type", "bridge");
      ip("-n", sw, "link", "set", BRIDGE, "up");
      lab = new NetLab(prefix, List.copyOf(hosts), plugInRootNamespace(prefix, sw));
    } catch (IOException | RuntimeException e) {
      try {
        removeLeftovers(prefix);
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    try {
      for (String host : hosts) {
        lab.plugIn(host);
      }
      Runtime.getRuntime().addShutdownHook(lab.hook);
      return lab;
    } catch (IOException | RuntimeException e) {
      try {
        lab.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Links the root namespace to the switch under a /24 no route of the machine overlaps, chosen
   * under a machine-wide lock so labs of parallel JVMs never share one. Returns "10.X.Y.".
   */
  private static String plugInRootNamespace(String prefix, String sw) throws IOException {
    String gw = prefix + "-gw";
    ip("link", "add", gw, "type", "veth", "peer", "name", "gw", "netns", sw);
    ip("-n", sw, "link", "set", "gw", "master", BRIDGE, "up");
    ip("link", "set", gw, "addrgenmode", "none");
    Path lockFile =
        Path.of(Files.isDirectory(Path.of("/run/lock")) ? "/run/lock" : "/tmp")
            .resolve("hotstandby-netlab.lock");
    synchronized (SUBNET_LOCK) {
      try (FileChannel lock =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          var held = lock.lock()) {
        String subnet = freeSubnet();
        ip("addr", "add", subnet + "254/24", "dev", gw);
        ip("link", "set", gw, "up");
        return subnet;
      }
    }
  }

  /** The first 10.X.Y.0/24 (X 200 to 249) that no address or route of the root namespace hits. */
  private static String freeSubnet() throws IOException {
    List<long[]> used = new ArrayList<>();
    for (String line : ip("-4", "route", "show", "table", "all").split("\n")) {
      String[] f = line.trim().split("\\s+");
      String dst = f[0].matches("[a-z]+") && f.length > 1 ? f[1] : f[0];
      if (dst.matches("[0-9./]+")) {
        used.add(parseNet(dst));
      }
    }
    for (String line : ip("-4", "-o", "addr", "show").split("\n")) {
      String[] f = line.trim().split("\\s+");
      for (int i = 0; i + 1 < f.length; i++) {
        if (f[i].equals("inet")) {
          used.add(parseNet(f[i + 1]));
        }
      }
    }
    int count = 50 * 256;
    int start = (int) (ProcessHandle.current().pid() % count);
    for (int k = 0; k < count; k++) {
      int n = (start + k) % count;
      long candidate = (10L << 24) | ((200L + n / 256) << 16) | ((long) (n % 256) << 8);
      if (used.stream().noneMatch(u -> overlaps(u, new long[] {candidate, 24}))) {
        return "10." + (200 + n / 256) + "." + (n % 256) + ".";
      }
    }
    throw new IOException("no free 10.200.0.0/24 to 10.249.255.0/24 left on this machine");
  }

  private static long[] parseNet(String text) {
    String[] parts = text.split("/");
    long address = 0;
    for (String octet : parts[0].split("\\.")) {
      address = (address << 8) | Long.parseLong(octet);
    }
    return new long[] {address, parts.length > 1 ? Long.parseLong(parts[1]) : 32};
  }

  private static boolean overlaps(long[] a, long[] b) {
    long bits = Math.min(a[1], b[1]);
    long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    return (a[0] & mask) == (b[0] & mask);
  }

  private void plugIn(String host) throws IOException {
    String ns = namespace(host);
    String port = "p" + index.get(host);
    ip("netns", "add", ns);
    ip("-n", ns, "link", "set", "lo", "up");
    ipWords(
        "-n " + switchNamespace() + " link add " + port + " type veth peer name eth0 netns " + ns);
    ip("-n", switchNamespace(), "link", "set", port, "master", BRIDGE, "up");
    // No IPv6 link-local address: the hosts talk IPv4 only, so a cut covers all their traffic.
    ip("-n", ns, "link", "set", HOST_LINK, "addrgenmode", "none");
    ip("-n", ns, "addr", "add", address(host) + "/24", "dev", HOST_LINK);
    ip("-n", ns, "link", "set", HOST_LINK, "up");
  }

  /** The IPv4 address of {@code host} in the lab, as text. */
  public String address(String host) {
    return subnet + number(host);
  }

  /**
   * An address of the lab's subnet that no host has ({@code last} above the hosts' and below 254),
   * e.g. for a virtual IP address; its prefix length is 24.
   */
  public String spareAddress(int last) {
    if (last <= index.size() || last >= 254) {
      throw new IllegalArgumentException(
          "spare addresses are " + (index.size() + 1) + "..253, not " + last);
    }
    return subnet + last;
  }

  /**
   * Gives every host and the root namespace an IPv6 address too, in a unique-local /64 made from
   * the lab's IPv4 subnet ({@code fd0a:X:Y::N}, N as in the IPv4 address). Without duplicate
   * address detection, so the addresses work at once. {@link #cut} covers IPv4 only.
   */
  public void addIpv6() throws IOException {
    for (String host : index.keySet()) {
      ip("-n", namespace(host), "addr", "add", address6(host) + "/64", "dev", HOST_LINK, "nodad");
    }
    ip("addr", "add", subnet6() + "254/64", "dev", prefix + "-gw", "nodad");
  }

  /** The IPv6 address of {@code host} once {@link #addIpv6} ran, as text. */
  public String address6(String host) {
    return subnet6() + number(host);
  }

  /** Like {@link #spareAddress}, in the IPv6 /64 of {@link #addIpv6}. */
  public String spareAddress6(int last) {
    String v4 = spareAddress(last);
    return subnet6() + v4.substring(v4.lastIndexOf('.') + 1);
  }

  /** "fd0a:X:Y::" for the subnet 10.X.Y.0/24. */
  private String subnet6() {
    String[] octets = subnet.split("\\.");
    return "fd0a:" + octets[1] + ":" + octets[2] + "::";
  }

  /** What {@code ip -o addr show} says in {@code host}'s namespace. */
  public String addresses(String host) {
    String ns = namespace(host);
    try {
      return ip("-n", ns, "-o", "addr", "show");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The address of the root namespace (where the test JVM runs) in the lab; every host reaches it.
   */
  public String gateway() {
    return subnet + "254";
  }

  /** The network namespace of {@code host}: {@code <prefix>-<host>}. */
  public String namespace(String host) {
    number(host);
    return prefix + "-" + host;
  }

  /** The hosts, in the order given to {@link #create}. */
  public List<String> hosts() {
    return List.copyOf(index.keySet());
  }

  /**
   * The command line that runs {@code argv} in {@code host}'s namespace, for a {@link
   * ProcessBuilder}. {@code ip netns exec} execs the command, so the started process's pid is the
   * command's own and killing it kills the command.
   */
  public List<String> command(String host, List<String> argv) {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    command.addAll(argv);
    return command;
  }

  /**
   * Hosts {@code a} and {@code b} stop reaching each other, both ways and for every protocol over
   * IPv4; each still reaches every other host and the root namespace. Packets vanish silently: each
   * sends to the other's address at a MAC address nobody has.
   */
  public synchronized void cut(String a, String b) {
    String key = pair(a, b);
    run(() -> sendNowhere(namespace(a), address(b)));
    run(() -> sendNowhere(namespace(b), address(a)));
    cuts.add(key);
  }

  /** Undoes {@link #cut}{@code (a, b)}; does nothing when the two are not cut. */
  public synchronized void heal(String a, String b) {
    if (cuts.remove(pair(a, b))) {
      run(() -> ip("-n", namespace(a), "neigh", "del", address(b), "dev", HOST_LINK));
      run(() -> ip("-n", namespace(b), "neigh", "del", address(a), "dev", HOST_LINK));
    }
  }

  /**
   * What {@code from} sends to {@code to} vanishes; the other direction still works (a link failing
   * one way: UDP from {@code to} still arrives, a TCP connection cannot be made either way). Undone
   * by {@link #healOneWay}.
   */
  public synchronized void cutOneWay(String from, String to) {
    pair(from, to);
    run(() -> sendNowhere(namespace(from), address(to)));
    oneWay.add(from + ">" + to);
  }

  /** Undoes {@link #cutOneWay}{@code (from, to)}; does nothing when it is not cut. */
  public synchronized void healOneWay(String from, String to) {
    if (oneWay.remove(from + ">" + to)) {
      run(() -> ip("-n", namespace(from), "neigh", "del", address(to), "dev", HOST_LINK));
    }
  }

  /** In namespace {@code ns}, frames to {@code address} go to a MAC address nobody has. */
  private static void sendNowhere(String ns, String address) throws IOException {
    ipWords(
        "-n "
            + ns
            + " neigh replace "
            + address
            + " lladdr "
            + NOWHERE
            + " dev eth0 nud permanent");
  }

  /**
   * {@code host} reaches nobody and nobody reaches it, the root namespace included: its cable is
   * pulled (the switch's port down), so its {@code eth0} has no carrier.
   */
  public void isolate(String host) {
    run(() -> ip("-n", switchNamespace(), "link", "set", "p" + number(host), "down"));
  }

  /** Undoes {@link #isolate}: plugs {@code host}'s cable in again. */
  public void rejoin(String host) {
    run(() -> ip("-n", switchNamespace(), "link", "set", "p" + number(host), "up"));
  }

  /**
   * Removes the lab: kills what still runs in its namespaces, deletes the namespaces and the root
   * namespace's link. Idempotent; also runs at JVM shutdown if not called before.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down already.
      }
    }
    List<String> namespaces = new ArrayList<>();
    index.keySet().forEach(h -> namespaces.add(namespace(h)));
    namespaces.add(switchNamespace());
    run(() -> remove(List.of(prefix + "-gw"), namespaces));
  }

  private String switchNamespace() {
    return prefix + "-" + SWITCH;
  }

  private int number(String host) {
    Integer n = index.get(host);
    if (n == null) {
      throw new IllegalArgumentException("no host " + host + " in the lab, only " + index.keySet());
    }
    return n;
  }

  private String pair(String a, String b) {
    number(a);
    number(b);
    if (a.equals(b)) {
      throw new IllegalArgumentException("a host cannot be cut from itself: " + a);
    }
    return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
  }

  /** Removes the root namespace links and the namespaces named {@code <prefix>-...}. */
  private static void removeLeftovers(String prefix) throws IOException {
    String start = prefix + "-";
    List<String> links = new ArrayList<>();
    for (String line : ip("-o", "link", "show").split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 1) {
        String name = f[1].replaceAll("[:@].*", "");
        if (name.startsWith(start)) {
          links.add(name);
        }
      }
    }
    List<String> namespaces = new ArrayList<>();
    for (String ns : namespaces()) {
      if (ns.startsWith(start)) {
        namespaces.add(ns);
      }
    }
    remove(links, namespaces);
  }

  /** The names of the namespaces {@code ip netns list} shows. */
  private static List<String> namespaces() throws IOException {
    List<String> names = new ArrayList<>();
    for (String line : ip("netns", "list").split("\n")) {
      if (!line.isBlank()) {
        names.add(line.trim().split("\\s+")[0]);
      }
    }
    return names;
  }

  private static void remove(List<String> links, List<String> namespaces) throws IOException {
    IOException failure = null;
    for (String link : links) {
      // Deleting one end of a veth pair deletes the other: look again before each.
      String present = ip("-o", "link", "show");
      if (present.contains(" " + link + ":") || present.contains(" " + link + "@")) {
        try {
          ip("link", "del", link);
        } catch (IOException e) {
          failure = e;
        }
      }
    }
    List<String> existing = namespaces();
    for (String ns : namespaces) {
      if (!existing.contains(ns)) {
        continue;
      }
      try {
        for (String pid : ip("netns", "pids", ns).split("\n")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        ip("netns", "del", ns);
      } catch (IOException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private interface IpCall {
    void run() throws IOException;
  }

  private static void run(IpCall call) {
    try {
      call.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #ip} with the arguments in one string, separated by single spaces. */
  private static String ipWords(String args) throws IOException {
    return ip(args.split(" "));
  }

  /**
   * Runs {@code ip args}, waiting at most {@link #IP_TIMEOUT}; returns its output. Throws with one
   * line naming the command and its error output when it fails.
   */
  private static String ip(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    String shown = "`" + String.join(" ", command) + "`";
    File out = File.createTempFile("netlab", ".out");
    File err = File.createTempFile("netlab", ".err");
    try {
      Process p;
      try {
        p = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
      } catch (IOException e) {
        throw new IOException(shown + " cannot start (is iproute2 installed?): " + e.getMessage());
      }
      p.getOutputStream().close();
      boolean done;
      try {
        done = p.waitFor(IP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IOException(shown + " interrupted");
      }
      if (!done) {
        p.destroyForcibly();
        throw new IOException(shown + " did not finish within " + IP_TIMEOUT.toMillis() + " ms");
      }
      if (p.exitValue() != 0) {
        String error =
            Files.readString(err.toPath(), StandardCharsets.UTF_8)
                .trim()
                .replaceAll("\\s*\n\\s*", "; ");
        throw new IOException(shown + " failed with exit code " + p.exitValue() + ": " + error);
      }
      return Files.readString(out.toPath(), StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out.toPath());
      Files.deleteIfExists(err.toPath());
    }
  }
}
