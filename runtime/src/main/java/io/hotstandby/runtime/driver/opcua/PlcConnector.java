package io.hotstandby.runtime.driver.opcua;

import static io.hotstandby.runtime.driver.opcua.OpcUaDriver.CONNECT_TIMEOUT_MS;
import static io.hotstandby.runtime.driver.opcua.OpcUaDriver.KEEP_ALIVE_FAILURES_ALLOWED;
import static io.hotstandby.runtime.driver.opcua.OpcUaDriver.KEEP_ALIVE_INTERVAL_MS;
import static io.hotstandby.runtime.driver.opcua.OpcUaDriver.KEEP_ALIVE_TIMEOUT_MS;
import static io.hotstandby.runtime.driver.opcua.OpcUaDriver.REQUEST_TIMEOUT_MS;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.hotstandby.opcua.OpcUaErrorText;
import io.hotstandby.runtime.driver.opcua.PlcEndpoints.Refused;
import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.project.TagSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfigBuilder;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an {@link OpcUaDriver} connects to its PLC: one attempt at a time, called on the driver's
 * thread. It finds the endpoint, checks the server's certificate against the project's pin ({@link
 * ServerPin}) and opens the session (with the driver's application certificate, {@link
 * ClientIdentity}, for Sign and SignAndEncrypt), resolves the tags' nodes, reads their data types
 * for writes and subscribes to them. What the connection reports later (a lost session, a value)
 * goes to the {@link Listener} with the attempt's generation, so the driver can tell a stale report
 * from a current one.
 */
final class PlcConnector {
  private static final long SESSION_TIMEOUT_MS = 60_000;
  private static final String PRODUCT_URI = "urn:hotstandby:runtime";
  private static final Logger log = LoggerFactory.getLogger(PlcConnector.class);

  /** One connected client with what was learnt about the server's nodes. */
  record Link(
      OpcUaClient client,
      String securityPolicy,
      Map<String, NodeId> nodes,
      Map<String, NodeId> dataTypes,
      NamespaceTable namespaces) {}

  /** What a connection reports after the attempt; called on Milo's threads. */
  interface Listener {
    void lost(long gen, String detail);

    void value(long gen, TagSpec tag, DataValue value);
  }

  /** Where the driver keeps its clients, so that closing it closes them all. */
  interface Clients {
    /**
     * @throws InterruptedException when the driver was closed meanwhile
     */
    void add(OpcUaClient client) throws InterruptedException;
  }

  private final DriverSpec.OpcUa spec;
  private final MessageSecurityMode securityMode;
  private final String host;
  private final int port;
  private final long publishingMs;
  private final Path clientDir;
  private ClientIdentity identity;

  /**
   * @param clientDir where the driver's client key and certificate are kept, null for in memory
   */
  PlcConnector(
      DriverSpec.OpcUa spec, MessageSecurityMode securityMode, long publishingMs, Path clientDir) {
    this.spec = spec;
    this.securityMode = securityMode;
    this.clientDir = clientDir;
    this.host = EndpointUtil.getHost(spec.endpoint());
    this.port = EndpointUtil.getPort(spec.endpoint());
    this.publishingMs = publishingMs;
  }

  /**
   * Connects once: discovery, endpoint choice, session, namespace lookup, the nodes' data types and
   * one subscription with a monitored item per tag.
   *
   * @param gen the driver's generation, handed back with every callback
   * @param clientOut receives the client as soon as it exists, so a failed attempt can drop it
   * @param badTags filled with the tags that got no node or no monitored item, and why
   * @throws Refused when the server cannot serve this driver as configured
   */
  Link connect(
      long gen,
      List<TagSpec> tags,
      OpcUaClient[] clientOut,
      Map<String, String> badTags,
      Clients clients,
      Listener listener)
      throws Exception {
    String url = spec.endpoint();
    List<EndpointDescription> endpoints =
        await(
            DiscoveryClient.getEndpoints(url, t -> t.setConnectTimeout(uint(CONNECT_TIMEOUT_MS))),
            CONNECT_TIMEOUT_MS * 2);
    EndpointDescription endpoint =
        PlcEndpoints.selectEndpoint(endpoints, securityMode, !userName().isEmpty());
    // The server announces its own idea of its host name, which may not resolve from here.
    if (host != null) {
      endpoint = EndpointUtil.updateUrl(endpoint, host, port);
    }
    OpcUaClientConfigBuilder config =
        OpcUaClientConfig.builder()
            .setEndpoint(endpoint)
            .setApplicationName(LocalizedText.english("hotstandby runtime " + spec.name()))
            .setApplicationUri(applicationUri())
            .setProductUri(PRODUCT_URI)
            .setSessionName(() -> "hotstandby " + spec.name())
            .setSessionTimeout(uint(SESSION_TIMEOUT_MS))
            .setRequestTimeout(uint(REQUEST_TIMEOUT_MS))
            .setKeepAliveInterval(uint(KEEP_ALIVE_INTERVAL_MS))
            .setKeepAliveTimeout(uint(KEEP_ALIVE_TIMEOUT_MS))
            .setKeepAliveFailuresAllowed(uint(KEEP_ALIVE_FAILURES_ALLOWED))
            .setIdentityProvider(identity());
    ServerPin pin = new ServerPin(url, spec.certificate());
    if (securityMode != MessageSecurityMode.None) {
      // Before any client exists, so an unknown server never sees the password or a request.
      pin.check(
          endpoint.getServer().getApplicationUri(), endpoint.getServerCertificate().bytesOrEmpty());
      ClientIdentity id = clientIdentity();
      config
          .setKeyPair(id.keyPair())
          .setCertificate(id.certificate())
          .setCertificateChain(new X509Certificate[] {id.certificate()})
          .setCertificateValidator(pin.validator());
    }
    OpcUaClient client =
        OpcUaClient.create(config.build(), t -> t.setConnectTimeout(uint(CONNECT_TIMEOUT_MS)));
    clientOut[0] = client;
    clients.add(client);
    client.addSessionActivityListener(
        new SessionActivityListener() {
          @Override
          public void onSessionInactive(UaSession session) {
            listener.lost(gen, "connection to " + url + " lost");
          }
        });
    try {
      await(client.connectAsync(), CONNECT_TIMEOUT_MS * 2);
    } catch (ExecutionException e) {
      if (pin.refusal() != null) {
        throw new Refused(pin.refusal());
      }
      throw e;
    }

    NamespaceTable namespaces = client.getNamespaceTable();
    if (tags.stream().anyMatch(t -> OpcUaAddress.byUri(t.address()))) {
      namespaces = await(client.readNamespaceTableAsync(), REQUEST_TIMEOUT_MS);
    }
    Map<String, NodeId> nodes = new LinkedHashMap<>();
    Map<String, TagSpec> byPath = new HashMap<>();
    for (TagSpec tag : tags) {
      byPath.put(tag.path(), tag);
      try {
        nodes.put(tag.path(), OpcUaAddress.resolve(tag.address(), namespaces));
      } catch (IllegalArgumentException e) {
        badTags.put(tag.path(), e.getMessage());
      }
    }
    Map<String, NodeId> dataTypes = readDataTypes(client, nodes);
    if (!nodes.isEmpty()) {
      subscribe(gen, client, nodes, byPath, badTags, listener);
    }
    String policy =
        SecurityPolicy.fromUriSafe(endpoint.getSecurityPolicyUri())
            .map(SecurityPolicy::name)
            .orElse(endpoint.getSecurityPolicyUri());
    return new Link(client, policy, Map.copyOf(nodes), Map.copyOf(dataTypes), namespaces);
  }

  private void subscribe(
      long gen,
      OpcUaClient client,
      Map<String, NodeId> nodes,
      Map<String, TagSpec> byPath,
      Map<String, String> badTags,
      Listener listener)
      throws UaException {
    var subscription = new OpcUaSubscription(client, (double) publishingMs);
    subscription.setSubscriptionListener(
        new OpcUaSubscription.SubscriptionListener() {
          @Override
          public void onStatusChanged(OpcUaSubscription s, StatusCode status) {
            if (status.isBad()) {
              listener.lost(
                  gen,
                  "subscription on "
                      + spec.endpoint()
                      + " ended: "
                      + OpcUaErrorText.status(status));
            }
          }

          @Override
          public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
            listener.lost(
                gen,
                "subscription on " + spec.endpoint() + " lost: " + OpcUaErrorText.status(status));
          }

          @Override
          public void onWatchdogTimerElapsed(OpcUaSubscription s) {
            listener.lost(gen, "no answer from " + spec.endpoint() + " (subscription watchdog)");
          }
        });
    subscription.create();
    Map<OpcUaMonitoredItem, TagSpec> items = new HashMap<>();
    nodes.forEach(
        (path, nodeId) -> {
          TagSpec tag = byPath.get(path);
          OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(nodeId);
          item.setSamplingInterval(samplingMs(tag));
          if (tag.deadband() > 0
              && tag.type() != DataType.BOOLEAN
              && tag.type() != DataType.STRING) {
            item.setFilter(
                new DataChangeFilter(
                    DataChangeTrigger.StatusValue,
                    uint(DeadbandType.Absolute.getValue()),
                    tag.deadband()));
          }
          item.setDataValueListener((i, value) -> listener.value(gen, tag, value));
          subscription.addMonitoredItem(item);
          items.put(item, tag);
        });
    for (MonitoredItemServiceOperationResult r : subscription.createMonitoredItems()) {
      if (!r.serviceResult().isGood()) {
        throw new UaException(r.serviceResult(), "cannot create monitored items");
      }
      StatusCode operation = r.operationResult().orElse(StatusCode.BAD);
      if (!operation.isGood()) {
        TagSpec tag = items.get(r.monitoredItem());
        badTags.put(
            tag.path(),
            "node "
                + nodes.get(tag.path()).toParseableString()
                + ": "
                + OpcUaErrorText.status(operation));
      }
    }
  }

  private double samplingMs(TagSpec tag) {
    if (tag.samplingMs() > 0) {
      return tag.samplingMs();
    }
    // -1: the publishing interval, as OPC UA defines it.
    return spec.samplingMs() > 0 ? spec.samplingMs() : -1.0;
  }

  /** The DataType attribute of every node, for writes; missing where it cannot be read. */
  private Map<String, NodeId> readDataTypes(OpcUaClient client, Map<String, NodeId> nodes)
      throws InterruptedException {
    if (nodes.isEmpty()) {
      return Map.of();
    }
    List<String> paths = new ArrayList<>(nodes.keySet());
    List<ReadValueId> reads =
        paths.stream()
            .map(
                p ->
                    new ReadValueId(
                        nodes.get(p), AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE))
            .toList();
    Map<String, NodeId> types = new HashMap<>();
    try {
      DataValue[] results =
          await(client.readAsync(0.0, TimestampsToReturn.Neither, reads), REQUEST_TIMEOUT_MS)
              .getResults();
      for (int i = 0; results != null && i < results.length && i < paths.size(); i++) {
        if (results[i].value() != null && results[i].value().value() instanceof NodeId type) {
          types.put(paths.get(i), type);
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      log.debug("OPC UA driver {}: cannot read the data types of its nodes: {}", spec.name(), e);
    }
    return types;
  }

  String userName() {
    return spec.user() == null ? "" : spec.user();
  }

  private IdentityProvider identity() {
    if (userName().isEmpty()) {
      return new AnonymousProvider();
    }
    return new UsernameProvider(userName(), spec.password() == null ? "" : spec.password());
  }

  private String applicationUri() {
    return PRODUCT_URI + ":opcua:" + spec.name();
  }

  /** The driver's client key and certificate, read or made on the first secure connect. */
  private ClientIdentity clientIdentity() throws Refused {
    if (identity == null) {
      try {
        identity = ClientIdentity.load(clientDir, spec.name(), applicationUri());
      } catch (IOException e) {
        throw new Refused(e.getMessage());
      }
    }
    return identity;
  }

  static <T> T await(CompletionStage<T> stage, long timeoutMs)
      throws ExecutionException, TimeoutException, InterruptedException {
    CompletableFuture<T> future = stage.toCompletableFuture();
    try {
      return future.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | InterruptedException e) {
      future.cancel(false);
      throw e;
    }
  }
}
