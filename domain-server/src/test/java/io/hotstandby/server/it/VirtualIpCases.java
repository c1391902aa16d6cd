package io.hotstandby.server.it;

import static org.awaitility.Awaitility.await;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.NetLab;
import io.hotstandby.testkit.Timing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;

/**
 * Two servers on hosts of their own (network namespaces on one switch) with a virtual IP address,
 * and a client on the same switch (the test JVM, in the root namespace): the client asks the
 * address's OPC UA port for its endpoints and reads from the application URI which server answered.
 * What {@link VirtualIpIT} asserts and the virtual IP benchmark repeats.
 */
public final class VirtualIpCases implements AutoCloseable {
  /** The virtual IP address's last byte in the lab's subnet. */
  public static final int VIP_HOST = 100;

  private final NetLab lab;
  private final TestDomain domain;
  private final String vip;
  private final int prefixLength;
  private volatile String lastFailure = "";

  private VirtualIpCases(NetLab lab, TestDomain domain, String vip, int prefixLength) {
    this.lab = lab;
    this.domain = domain;
    this.vip = vip;
    this.prefixLength = prefixLength;
  }

  /** Makes the lab (namespaces prefixed {@code prefix}) and starts the domain in it. */
  public static VirtualIpCases start(String prefix, boolean defaultJvm) throws Exception {
    return start(prefix, defaultJvm, false);
  }

  /**
   * Makes the lab (namespaces prefixed {@code prefix}) and starts the domain in it; with {@code
   * ipv6} the hosts have IPv6 addresses too and the virtual IP address is an IPv6 one.
   */
  public static VirtualIpCases start(String prefix, boolean defaultJvm, boolean ipv6)
      throws Exception {
    NetLab lab = NetLab.create(prefix, List.of("alpha", "beta"));
    try {
      if (ipv6) {
        lab.addIpv6();
      }
      String vip = ipv6 ? lab.spareAddress6(VIP_HOST) : lab.spareAddress(VIP_HOST);
      int prefixLength = ipv6 ? 64 : 24;
      var b = TestDomain.builder().name("vip").netLab(lab).virtualIp(vip + "/" + prefixLength);
      if (defaultJvm) {
        b.defaultJvmOptions();
      }
      return new VirtualIpCases(lab, b.build().startAll(), vip, prefixLength);
    } catch (Exception | Error e) {
      lab.close();
      throw e;
    }
  }

  public NetLab lab() {
    return lab;
  }

  public TestDomain domain() {
    return domain;
  }

  /** The virtual IP address. */
  public String address() {
    return vip;
  }

  /** The virtual IP address with its prefix length, as the domain file gives it. */
  public String cidr() {
    return vip + "/" + prefixLength;
  }

  /** The OPC UA URL at the virtual IP address (every server listens on the same port). */
  public String url() {
    String own = domain.server("alpha").endpoint();
    String host = vip.contains(":") ? "[" + vip + "]" : vip;
    return own.replaceFirst("//[^:/]+:", "//" + host + ":");
  }

  /**
   * The name of the server that answered a new connection to the virtual IP address, or "" when
   * none did within {@code timeoutMillis}.
   */
  public String answeredBy(long timeoutMillis) {
    try {
      List<EndpointDescription> endpoints =
          DiscoveryClient.getEndpoints(url(), t -> t.setConnectTimeout(uint(timeoutMillis)))
              .get(timeoutMillis * 2, TimeUnit.MILLISECONDS);
      String uri = endpoints.get(0).getServer().getApplicationUri();
      return uri.substring(uri.lastIndexOf(':') + 1);
    } catch (Exception e) {
      lastFailure = e.toString();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return "";
    }
  }

  /**
   * The server that answers the next connection to the virtual IP address that any server answers
   * (on a busy machine one may time out).
   */
  public String nextAnswer() {
    String[] answer = {""};
    await("a connection through " + vip + " answered")
        .atMost(Timing.seconds(20))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !(answer[0] = answeredBy(2000)).isEmpty());
    return answer[0];
  }

  /** Waits until connections to the virtual IP address land on {@code server}. */
  public void awaitAnsweredBy(ServerProcess server) {
    await("connections through " + vip + " land on " + server.name())
        .atMost(Timing.seconds(20))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> answeredBy(200).equals(server.name()));
  }

  /** Why the last {@link #answeredBy} found no server. */
  public String lastFailure() {
    return lastFailure;
  }

  /** Whether {@code server}'s host has the virtual IP address on an interface. */
  public boolean holds(ServerProcess server) {
    return lab.addresses(server.name()).contains(" " + vip + "/");
  }

  /**
   * Kills the active with SIGKILL and returns the milliseconds until a new connection to the
   * virtual IP address was answered by {@code standby}.
   */
  public long killAndReconnect(ServerProcess active, ServerProcess standby) throws Exception {
    long at = System.nanoTime();
    active.kill();
    awaitAnsweredBy(standby);
    return (System.nanoTime() - at) / 1_000_000;
  }

  /** Stops the domain's servers; the lab stays for what runs next on the same hosts. */
  public void stopDomain() {
    domain.close();
  }

  @Override
  public void close() {
    try {
      domain.close();
    } finally {
      lab.close();
    }
  }
}
