package io.hotstandby.server.kit;

import io.hotstandby.domain.PasswordHash;
import io.hotstandby.testkit.TcpRelay;
import java.util.List;
import java.util.Map;

/**
 * The domain file of a {@link TestDomain}: its servers on the ports the kit chose, the builder's
 * settings, and the three users every test domain has ({@link TestDomain#ADMIN}, {@link
 * TestDomain#OPERATOR}, {@link TestDomain#VIEWER}).
 */
final class TestDomainXml {
  private record User(String name, String role, String hash) {}

  // Hashing is slow on purpose; one hash a user per test JVM is enough.
  private static final List<User> USERS =
      List.of(
          user(TestDomain.ADMIN, "administrator", TestDomain.ADMIN_PASSWORD),
          user(TestDomain.OPERATOR, "operator", TestDomain.OPERATOR_PASSWORD),
          user(TestDomain.VIEWER, "viewer", TestDomain.VIEWER_PASSWORD));

  private final TestDomainBuilder b;
  private final Map<String, TestDomain.Ports> ports;
  private final Map<String, TcpRelay> clusterRelays;
  private final Map<String, TcpRelay> opcUaRelays;

  TestDomainXml(
      TestDomainBuilder b,
      Map<String, TestDomain.Ports> ports,
      Map<String, TcpRelay> clusterRelays,
      Map<String, TcpRelay> opcUaRelays) {
    this.b = b;
    this.ports = ports;
    this.clusterRelays = clusterRelays;
    this.opcUaRelays = opcUaRelays;
  }

  private static User user(String name, String role, String password) {
    return new User(name, role, PasswordHash.create(password.toCharArray()));
  }

  /** The whole file at {@code version}; every server's copy is the same. */
  String domain(long version) {
    StringBuilder x = new StringBuilder();
    x.append("<domain name=\"")
        .append(b.name)
        .append("\" version=\"")
        .append(version)
        .append("\">\n");
    x.append("  <secret file=\"").append(b.name).append(".secret\"/>\n  <servers>\n");
    for (String s : b.servers) {
      if (!b.later.contains(s)) {
        x.append(server(s));
      }
    }
    x.append("  </servers>\n");

    x.append("  <hotStandby enabled=\"true\" main=\"")
        .append(b.main)
        .append("\" backup=\"")
        .append(b.backup)
        .append("\" heartbeatMs=\"")
        .append(b.heartbeatMs)
        .append("\" failoverTimeoutMs=\"")
        .append(b.failoverTimeoutMs)
        .append(b.defaultLossTimeout ? "" : "\" failoverTimeoutMaxMs=\"" + b.failoverTimeoutMs)
        .append("\" returnToMain=\"")
        .append(b.returnToMain)
        .append("\" standbyMode=\"")
        .append(b.standbyMode)
        .append("\" activateBackupOnLocalFailure=\"")
        .append(b.activateBackupOnLocalFailure)
        .append(b.witness.isEmpty() ? "" : "\" witness=\"" + b.witness)
        .append("\">\n");
    if (b.probeFailures > 0) {
      x.append("    <probe intervalMs=\"")
          .append(b.probeIntervalMs)
          .append("\" failures=\"")
          .append(b.probeFailures)
          .append("\"/>\n");
    }
    if (!b.virtualIp.isEmpty()) {
      x.append("    <virtualIp address=\"").append(b.virtualIp).append("\" interface=\"eth0\"/>\n");
    }
    for (int port : b.integrityPorts) {
      x.append("    <integrity host=\"127.0.0.1\" port=\"").append(port).append("\"/>\n");
    }
    x.append("  </hotStandby>\n");
    if (b.project != null) {
      x.append("  <projects");
      if (b.projectSyncKBps > 0) {
        x.append(" sync=\"true\" bandwidthKBps=\"").append(b.projectSyncKBps).append('"');
      }
      x.append(">\n    <project file=\"")
          .append(b.project.getFileName())
          .append("\"/>\n  </projects>\n");
    }
    x.append("  <users>\n");
    for (User u : USERS) {
      x.append("    <user name=\"")
          .append(u.name())
          .append("\" role=\"")
          .append(u.role())
          .append("\" password=\"")
          .append(u.hash())
          .append("\"/>\n");
    }
    x.append("  </users>\n");
    if (b.anonymousRead) {
      x.append("  <security anonymousRead=\"true\"/>\n");
    }
    x.append("</domain>\n");
    return x.toString();
  }

  /** The address server {@code s} runs at: its host in the builder's net lab, else loopback. */
  String host(String s) {
    return b.lab == null ? "127.0.0.1" : b.lab.address(s);
  }

  /** The {@code <server>} element of server {@code s}. */
  String server(String s) {
    StringBuilder x = new StringBuilder();
    TestDomain.Ports p = ports.get(s);
    x.append("    <server name=\"")
        .append(s)
        .append("\" host=\"")
        .append(host(s))
        .append("\" maintenance=\"")
        .append(b.maintenance.contains(s))
        .append("\">\n");
    x.append("      <hazelcast port=\"").append(p.hazelcast());
    if (clusterRelays.containsKey(s)) {
      x.append("\" publicPort=\"").append(clusterRelays.get(s).port());
    }
    x.append("\"/>\n");
    x.append("      <opcua port=\"").append(p.opcUa());
    if (opcUaRelays.containsKey(s)) {
      x.append("\" publicPort=\"").append(opcUaRelays.get(s).port());
    }
    x.append("\"/>\n");
    if (p.http() > 0) {
      x.append("      <http port=\"").append(p.http()).append("\"/>\n");
    }
    for (String path : TestDomain.PATHS) {
      int[] pair = p.rec().get(path);
      x.append("      <rec path=\"")
          .append(path)
          .append("\" host=\"")
          .append(host(s))
          .append("\" port=\"")
          .append(pair[1])
          .append("\" bind=\"")
          .append(host(s))
          .append("\" bindPort=\"")
          .append(pair[0])
          .append("\"/>\n");
    }
    x.append("    </server>\n");
    return x.toString();
  }
}
