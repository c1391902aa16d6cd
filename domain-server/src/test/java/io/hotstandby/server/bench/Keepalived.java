package io.hotstandby.server.bench;

import io.hotstandby.testkit.NetLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * keepalived (VRRP) on the hosts of a {@link NetLab}, for comparison: one instance per host with
 * the same virtual IP address, both BACKUP with {@code nopreempt} (a restarted one stays backup),
 * and on each host a small TCP service that answers a connection with the host's name.
 */
final class Keepalived implements AutoCloseable {
  private static final String GREETER =
      "import socket,sys\n"
          + "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
          + "s.bind(('0.0.0.0',int(sys.argv[1]))); s.listen(64)\n"
          + "while True:\n"
          + "  c,_=s.accept(); c.sendall(sys.argv[2].encode()+b'\\n'); c.close()\n";

  private final NetLab lab;
  private final Path dir;
  private final String cidr;
  private final String advert;
  private final int version;
  private final Map<String, Process> daemons = new LinkedHashMap<>();
  private final List<Process> greeters = new ArrayList<>();
  private final Map<String, Integer> starts = new LinkedHashMap<>();

  /**
   * @param advert {@code advert_int}, e.g. "1" or "0.1"
   * @param version VRRP version (3 for adverts under a second)
   */
  Keepalived(NetLab lab, Path dir, String cidr, String advert, int version, int port)
      throws IOException {
    this.lab = lab;
    this.dir = Files.createDirectories(dir);
    this.cidr = cidr;
    this.advert = advert;
    this.version = version;
    int priority = 150;
    for (String host : lab.hosts()) {
      Files.writeString(dir.resolve(host + ".conf"), config(priority));
      priority -= 50;
      greeters.add(
          new ProcessBuilder(lab.command(host, List.of("python3", "-c", GREETER, "" + port, host)))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve(host + "-greeter.log").toFile())
              .start());
      start(host);
    }
  }

  private String config(int priority) {
    return "global_defs {\n  vrrp_version "
        + version
        + "\n}\nvrrp_instance VI {\n  state BACKUP\n  nopreempt\n  interface eth0\n"
        + "  virtual_router_id 51\n  priority "
        + priority
        + "\n  advert_int "
        + advert
        + "\n  virtual_ipaddress {\n    "
        + cidr
        + " dev eth0\n  }\n}\n";
  }

  /**
   * Starts keepalived (VRRP only, in the foreground) on {@code host}, first removing a copy of the
   * address a killed one left there (keepalived leaves it, as a killed server does; the server
   * removes it when it starts, so keepalived gets the same help).
   */
  void start(String host) throws IOException {
    Path d = dir.resolve(host);
    Files.createDirectories(d);
    try {
      new ProcessBuilder(lab.command(host, List.of("ip", "addr", "del", cidr, "dev", "eth0")))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Fresh pid files each start: a killed run's VRRP child may linger unreaped for a moment.
    int n = starts.merge(host, 1, Integer::sum);
    List<String> argv =
        List.of(
            "keepalived",
            "-n",
            "-l",
            "-P",
            "-f",
            dir.resolve(host + ".conf").toString(),
            "-p",
            d.resolve("keepalived-" + n + ".pid").toString(),
            "-r",
            d.resolve("vrrp-" + n + ".pid").toString());
    daemons.put(
        host,
        new ProcessBuilder(lab.command(host, argv))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(d.resolve("log").toFile()))
            .start());
  }

  /** Whether keepalived on {@code host} entered BACKUP after its latest start. */
  boolean backupSinceStart(String host) throws IOException {
    String log = Files.readString(dir.resolve(host).resolve("log"));
    return log.split("Entering BACKUP STATE", -1).length - 1 >= starts.getOrDefault(host, 0);
  }

  /** SIGKILL of keepalived on {@code host}, its VRRP process first: no goodbye advert. */
  void kill(String host) throws InterruptedException {
    Process p = daemons.remove(host);
    if (p == null) {
      return;
    }
    List<ProcessHandle> children = p.toHandle().descendants().toList();
    children.forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
    for (ProcessHandle c : children) {
      try {
        c.onExit().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // gone or unreaped: the next start uses pid files of its own
      }
    }
  }

  @Override
  public void close() {
    for (String host : List.copyOf(daemons.keySet())) {
      try {
        kill(host);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    greeters.forEach(Process::destroyForcibly);
  }
}
