package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.NetLab;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An IPv6 virtual address follows the ACTIVE as the IPv4 one does ({@link VirtualIpIT}), and the
 * neighbours learn of the move from an unsolicited neighbour advertisement: the client (the root
 * namespace) has the old holder's MAC address in its neighbour cache when the active is killed, and
 * the entry changes to the new holder's with no traffic to the address, which only an advertisement
 * does.
 */
class VirtualIpV6IT {
  static VirtualIpCases v;

  @BeforeAll
  static void start() throws Exception {
    assertThat(NetLab.unavailableReason()).as("network namespaces (run as root)").isEmpty();
    v = VirtualIpCases.start("hsv6", false, true);
  }

  @AfterAll
  static void stop() {
    if (v != null) {
      v.close();
    }
  }

  @Test
  void theAddressAndTheNeighboursFollowTheActive() throws Exception {
    TestDomain.Roles roles = v.domain().awaitRoles();
    ServerProcess active = roles.active();
    ServerProcess standby = roles.standby();
    v.awaitAnsweredBy(active);
    assertThat(v.holds(active)).isTrue();
    assertThat(v.holds(standby)).isFalse();
    assertThat(neighbour()).as("the client's cache entry").contains(mac(active));
    List<EndpointDescription> endpoints = DiscoveryClient.getEndpoints(v.url()).get();
    assertThat(endpoints)
        .extracting(EndpointDescription::getEndpointUrl)
        .as("endpoint URLs at the virtual address, bracketed")
        .anyMatch(u -> u.startsWith("opc.tcp://[" + v.address() + "]:"));
    X509Certificate certificate =
        CertificateUtil.decodeCertificate(endpoints.get(0).getServerCertificate().bytesOrEmpty());
    assertThat(CertificateUtil.getSanIpAddresses(certificate))
        .as("the certificate names the virtual address, so clients checking host names accept it")
        .anyMatch(VirtualIpV6IT::sameAddress);

    active.kill();
    await("the standby holds the address").atMost(Timing.seconds(20)).until(() -> v.holds(standby));
    // Nothing is sent to the address meanwhile: without an advertisement the entry would stay.
    await("the client's neighbour entry moved to the new holder")
        .atMost(Timing.seconds(5))
        .until(() -> neighbour().contains(mac(standby)));
    assertThat(v.nextAnswer()).isEqualTo(standby.name());
    assertThat(standby.events())
        .as("no warning that the address went unadvertised")
        .noneMatch(e -> e.path("message").asText().contains("not advertised"))
        .anyMatch(
            e -> e.path("message").asText().equals("virtual IP " + v.cidr() + " added on eth0"));
    assertThat(settings(standby, "accept_dad")).as("accept_dad put back").isEqualTo("1");
    assertThat(settings(standby, "ndisc_notify")).isEqualTo("1");

    active.restart();
    await("the old active back as STANDBY")
        .atMost(Timing.seconds(60))
        .until(() -> active.loggedState().equals("STANDBY"));
    assertThat(v.holds(active)).as("the restarted server removed its stale copy").isFalse();
    assertThat(v.nextAnswer()).isEqualTo(standby.name());
  }

  private static boolean sameAddress(String literal) {
    try {
      return InetAddress.getByName(literal).equals(InetAddress.getByName(v.address()));
    } catch (IOException e) {
      return false;
    }
  }

  /** The root namespace's neighbour entry for the virtual address. */
  private static String neighbour() throws IOException {
    return run(List.of("ip", "-6", "neigh", "show", v.address()));
  }

  /** The MAC address of {@code server}'s interface in the lab. */
  private static String mac(ServerProcess server) throws IOException {
    return run(v.lab().command(server.name(), List.of("cat", "/sys/class/net/eth0/address")))
        .strip();
  }

  private static String settings(ServerProcess server, String name) throws IOException {
    return run(v.lab()
            .command(server.name(), List.of("cat", "/proc/sys/net/ipv6/conf/eth0/" + name)))
        .strip();
  }

  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new String(p.getInputStream().readAllBytes());
  }
}
