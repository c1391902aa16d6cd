package io.hotstandby.server;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.IntegrityAddress;
import io.hotstandby.domain.RecEndpoint;
import io.hotstandby.domain.ServerSpec;
import io.hotstandby.rec.RecLink;
import io.hotstandby.rec.RecListener;
import io.hotstandby.rec.RecState;
import io.hotstandby.server.opcua.ListedServer;
import io.hotstandby.server.opcua.OpcUaEndpointConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the domain file's fields become the settings of the parts that follow it: the REC link, the
 * integrity check and the OPC UA ServerUriArray. Used at the start and after every domain change.
 */
public final class PartConfigs {
  private PartConfigs() {}

  /** The REC link of {@code self}: its paths, and for each peer the paths both servers have. */
  public static RecLink recLink(Domain domain, String self, RecListener listener, RecState state) {
    ServerSpec me = domain.server(self).orElseThrow();
    Map<String, InetSocketAddress> local = new LinkedHashMap<>();
    for (RecEndpoint p : me.recPaths()) {
      local.put(p.path(), new InetSocketAddress(p.bindHost(), p.bindPort()));
    }
    Map<String, Map<String, InetSocketAddress>> peers = new LinkedHashMap<>();
    for (ServerSpec peer : domain.peersOf(self)) {
      Map<String, InetSocketAddress> targets = new LinkedHashMap<>();
      for (RecEndpoint p : peer.recPaths()) {
        if (local.containsKey(p.path())) {
          targets.put(p.path(), new InetSocketAddress(p.host(), p.port()));
        }
      }
      peers.put(peer.name(), targets);
    }
    return RecLink.builder()
        .domain(domain.name())
        .server(self)
        .secret(domain.secret())
        .heartbeatMs(domain.hotStandby().heartbeatMs())
        .failoverTimeoutMs(domain.hotStandby().failoverTimeoutMs())
        .failoverTimeoutMaxMs(domain.hotStandby().failoverTimeoutMaxMs())
        .localEndpoints(local)
        .peers(peers)
        .listener(listener)
        .state(state)
        .build();
  }

  /** Whether a change from {@code old} to {@code next} needs a new REC link. */
  static boolean recChanged(Domain old, Domain next) {
    return old.hotStandby().heartbeatMs() != next.hotStandby().heartbeatMs()
        || old.hotStandby().failoverTimeoutMs() != next.hotStandby().failoverTimeoutMs()
        || old.hotStandby().failoverTimeoutMaxMs() != next.hotStandby().failoverTimeoutMaxMs()
        || !recPaths(old).equals(recPaths(next));
  }

  private static Map<String, List<RecEndpoint>> recPaths(Domain d) {
    Map<String, List<RecEndpoint>> m = new LinkedHashMap<>();
    d.servers().forEach(s -> m.put(s.name(), s.recPaths()));
    return m;
  }

  static List<InetSocketAddress> integrityAddresses(Domain d) {
    List<InetSocketAddress> list = new ArrayList<>();
    for (IntegrityAddress a : d.hotStandby().integrity()) {
      list.add(new InetSocketAddress(a.host(), a.port()));
    }
    return list;
  }

  /**
   * The application URIs of every server of the domain but the witness (which has no endpoint), for
   * the ServerUriArray.
   */
  /** The servers FindServers lists: every server of the domain but the witness. */
  static List<ListedServer> listedServers(Domain d) {
    return d.servers().stream()
        .filter(s -> !s.name().equals(d.hotStandby().witness()))
        .map(
            s ->
                new ListedServer(
                    OpcUaEndpointConfig.applicationUri(d.name(), s.name()),
                    "Hot-standby domain server " + d.name() + "/" + s.name(),
                    s.opcUaUrl()))
        .toList();
  }

  static List<String> serverUris(Domain d) {
    return d.servers().stream()
        .filter(s -> !s.name().equals(d.hotStandby().witness()))
        .map(s -> OpcUaEndpointConfig.applicationUri(d.name(), s.name()))
        .toList();
  }
}
