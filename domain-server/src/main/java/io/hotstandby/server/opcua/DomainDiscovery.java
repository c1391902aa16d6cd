package io.hotstandby.server.opcua;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.servicesets.DiscoveryServiceSet;
import org.eclipse.milo.opcua.sdk.server.servicesets.impl.DefaultDiscoveryServiceSet;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ApplicationType;
import org.eclipse.milo.opcua.stack.core.types.structured.ApplicationDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.FindServersOnNetworkRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.FindServersOnNetworkResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.FindServersRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.FindServersResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.GetEndpointsRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.GetEndpointsResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.RegisterServer2Request;
import org.eclipse.milo.opcua.stack.core.types.structured.RegisterServer2Response;
import org.eclipse.milo.opcua.stack.core.types.structured.RegisterServerRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.RegisterServerResponse;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.transport.server.ServiceRequestContext;

/**
 * FindServers answered with every server of the domain, so a client that knows redundancy and is
 * configured with one address finds the others (OPC UA Part 4, 6.6.2.4.5.2: a non-transparent
 * redundant server's FindServers lists the servers of its set). Milo 1.1.2 lists only the server
 * itself; this wraps its service set, keeps its description of this server (the discovery URLs of
 * its own endpoints) and adds one {@link ApplicationDescription} per other server of the domain in
 * force, whose discovery URL is that server's endpoint URL. The other services are Milo's.
 */
final class DomainDiscovery implements DiscoveryServiceSet {
  private final DefaultDiscoveryServiceSet milo;
  private final String self;
  private final Supplier<List<ListedServer>> servers;

  private DomainDiscovery(OpcUaServer server, String self, Supplier<List<ListedServer>> servers) {
    this.milo = new DefaultDiscoveryServiceSet(server);
    this.self = self;
    this.servers = servers;
  }

  /**
   * Answers discovery on every endpoint path of {@code server}; before the server starts.
   *
   * @param self this server's application URI
   * @param servers the servers of the domain in force, read at each request
   */
  static void install(OpcUaServer server, String self, Supplier<List<ListedServer>> servers) {
    DomainDiscovery d = new DomainDiscovery(server, self, servers);
    server.getConfig().getEndpoints().stream()
        .map(e -> EndpointUtil.getPath(e.getEndpointUrl()))
        .distinct()
        .forEach(path -> server.addServiceSet(path, d));
  }

  @Override
  public FindServersResponse onFindServers(ServiceRequestContext context, FindServersRequest r) {
    FindServersResponse own = milo.onFindServers(context, r);
    List<String> wanted = r.getServerUris() == null ? List.of() : Arrays.asList(r.getServerUris());
    List<ApplicationDescription> all = new ArrayList<>();
    if (own.getServers() != null) {
      all.addAll(Arrays.asList(own.getServers()));
    }
    ApplicationDescription me = all.isEmpty() ? null : all.get(0);
    for (ListedServer s : servers.get()) {
      if (s.applicationUri().equals(self)
          || (!wanted.isEmpty() && !wanted.contains(s.applicationUri()))) {
        continue;
      }
      all.add(
          new ApplicationDescription(
              s.applicationUri(),
              me == null ? null : me.getProductUri(),
              LocalizedText.english(s.applicationName()),
              ApplicationType.Server,
              null,
              null,
              new String[] {s.discoveryUrl()}));
    }
    return new FindServersResponse(
        own.getResponseHeader(), all.toArray(new ApplicationDescription[0]));
  }

  @Override
  public GetEndpointsResponse onGetEndpoints(ServiceRequestContext context, GetEndpointsRequest r)
      throws UaException {
    return milo.onGetEndpoints(context, r);
  }

  @Override
  public FindServersOnNetworkResponse onFindServersOnNetwork(
      ServiceRequestContext context, FindServersOnNetworkRequest r) throws UaException {
    return milo.onFindServersOnNetwork(context, r);
  }

  @Override
  public RegisterServerResponse onRegisterServer(
      ServiceRequestContext context, RegisterServerRequest r) throws UaException {
    return milo.onRegisterServer(context, r);
  }

  @Override
  public RegisterServer2Response onRegisterServer2(
      ServiceRequestContext context, RegisterServer2Request r) throws UaException {
    return milo.onRegisterServer2(context, r);
  }
}
