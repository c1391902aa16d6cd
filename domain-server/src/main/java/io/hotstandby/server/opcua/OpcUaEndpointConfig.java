package io.hotstandby.server.opcua;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one domain server's OPC UA endpoint is set up.
 *
 * @param bindHost the address to listen on; a wildcard ({@code 0.0.0.0}) advertises the host name
 * @param port the TCP port to listen on
 * @param domain the domain's name (part of the application URI)
 * @param server this server's name (part of the application URI)
 * @param productName the product name announced in BuildInfo
 * @param productVersion the product version announced in BuildInfo
 * @param pkiDir where the application certificate and the trust lists live; created when missing
 * @param serverUris the application URIs of all servers of the domain, this one included
 * @param activateHandler decides the {@code Server/Activate} method
 * @param activateTimeout how long a method call waits for {@code activateHandler}
 */
public record OpcUaEndpointConfig(
    String bindHost,
    int port,
    String domain,
    String server,
    String productName,
    String productVersion,
    Path pkiDir,
    List<String> serverUris,
    ActivateHandler activateHandler,
    Duration activateTimeout) {

  /** The path of the endpoint URL: {@code opc.tcp://host:port/hotstandby}. */
  public static final String PATH = "/hotstandby";

  /** Used when {@code activateTimeout} is null: a planned switchover takes up to ~3 s. */
  public static final Duration DEFAULT_ACTIVATE_TIMEOUT = Duration.ofSeconds(5);

  public OpcUaEndpointConfig {
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(productName, "productName");
    Objects.requireNonNull(productVersion, "productVersion");
    Objects.requireNonNull(pkiDir, "pkiDir");
    Objects.requireNonNull(activateHandler, "activateHandler");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("OPC UA port must be 1..65535, not " + port);
    }
    serverUris = List.copyOf(serverUris);
    activateTimeout = activateTimeout == null ? DEFAULT_ACTIVATE_TIMEOUT : activateTimeout;
  }

  /** The OPC UA application URI of a server: {@code urn:hotstandby:<domain>:<server>}. */
  public static String applicationUri(String domain, String server) {
    return "urn:hotstandby:" + domain + ":" + server;
  }

  /** This server's application URI. */
  public String applicationUri() {
    return applicationUri(domain, server);
  }
}
