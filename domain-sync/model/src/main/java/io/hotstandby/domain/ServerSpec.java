package io.hotstandby.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One server as the domain file declares it.
 *
 * @param name unique name of the server in the domain
 * @param host the address its Hazelcast member and OPC UA endpoint bind to and peers reach it at
 * @param hazelcastPort TCP port of its Hazelcast member
 * @param opcUaPort TCP port of its OPC UA endpoint
 * @param maintenance true while the server is set to maintenance: it takes part in no domain event
 * @param recPaths one endpoint per REC path the server listens on
 * @param hazelcastPublicPort the port peers reach its Hazelcast member at: {@code hazelcastPort}
 *     unless a NAT or relay stands in between
 * @param http its read-only HTTP endpoint, empty when it has none
 * @param opcUaPublicPort the port clients and peers reach its OPC UA endpoint at: {@code opcUaPort}
 *     unless a NAT or relay stands in between
 */
public record ServerSpec(
    String name,
    String host,
    int hazelcastPort,
    int opcUaPort,
    boolean maintenance,
    List<RecEndpoint> recPaths,
    int hazelcastPublicPort,
    Optional<HttpSpec> http,
    int opcUaPublicPort) {

  public ServerSpec {
    recPaths = List.copyOf(recPaths);
    Objects.requireNonNull(http, "http");
    opcUaPublicPort = opcUaPublicPort == 0 ? opcUaPort : opcUaPublicPort;
  }

  /** A server whose Hazelcast member is reached at the port it binds. */
  public ServerSpec(
      String name,
      String host,
      int hazelcastPort,
      int opcUaPort,
      boolean maintenance,
      List<RecEndpoint> recPaths) {
    this(
        name,
        host,
        hazelcastPort,
        opcUaPort,
        maintenance,
        recPaths,
        hazelcastPort,
        Optional.empty(),
        opcUaPort);
  }

  /** The endpoint of the named REC path, if this server has one. */
  public Optional<RecEndpoint> recPath(String path) {
    return recPaths.stream().filter(p -> p.path().equals(path)).findFirst();
  }

  /** The OPC UA endpoint URL clients use to reach this server. */
  public String opcUaUrl() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "opc.tcp://" + h + ":" + opcUaPublicPort + "/hotstandby";
  }
}
