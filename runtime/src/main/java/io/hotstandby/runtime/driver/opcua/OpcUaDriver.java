package io.hotstandby.runtime.driver.opcua;

import static io.hotstandby.opcua.OpcUaErrorText.describe;
import static io.hotstandby.opcua.OpcUaErrorText.status;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.hotstandby.runtime.driver.Driver;
import io.hotstandby.runtime.driver.DriverSink;
import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.Quality;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A driver that reads and writes the nodes of one OPC UA server with an Eclipse Milo client.
 *
 * <p>Tags address nodes by NodeId ({@code ns=2;s=Tank1.Level}, or {@code nsu=<uri>;s=...} with the
 * namespace index looked up at every connect). One subscription (the driver's publishing interval)
 * holds a data-change monitored item per tag (the tag's sampling interval or the driver's; the
 * tag's deadband as an absolute filter); every notification goes to the sink as the tag's type with
 * the OPC UA status class as quality.
 *
 * <p>All connection work runs on one daemon thread, {@code opcua-<name>}, which is also the only
 * thread that calls the sink. {@link #start} returns at once; the first connect happens there. When
 * the connection is lost (the socket closes, or the session keep-alive fails: {@value
 * #KEEP_ALIVE_INTERVAL_MS} ms interval, {@value #KEEP_ALIVE_TIMEOUT_MS} ms timeout, one failure
 * allowed, so a silent server is noticed within about 2 s) every tag gets its last value with
 * quality BAD, the sink hears {@code connection(name, false, detail)}, the Milo client is dropped,
 * and a fresh one is connected after {@code reconnectMinMs}, doubling up to {@code reconnectMaxMs},
 * until it succeeds or the driver is closed. A new connection means a new session and a new
 * subscription.
 *
 * <p>Security: the endpoint with the configured message security mode is chosen (the highest
 * security level among them); for Sign and SignAndEncrypt the driver makes a self-signed
 * application certificate in memory, which the server must trust. The server's certificate is not
 * checked against a trust list.
 */
public final class OpcUaDriver implements Driver {
  /** How often the session is checked with a read of the server state. */
  static final long KEEP_ALIVE_INTERVAL_MS = 500;

  /** How long such a read may take before it counts as failed. */
  static final long KEEP_ALIVE_TIMEOUT_MS = 1000;

  /** Failed keep-alive reads tolerated in a row; the next one ends the connection. */
  static final long KEEP_ALIVE_FAILURES_ALLOWED = 1;

  /** The longest a TCP connect, and each request of a connect attempt, may take. */
  static final long CONNECT_TIMEOUT_MS = 5000;

  /** The longest a write or other service call may take. */
  static final long REQUEST_TIMEOUT_MS = 5000;

  private static final long SESSION_TIMEOUT_MS = 60_000;
  private static final long CLOSE_WAIT_MS = 2000;
  private static final String PRODUCT_URI = "urn:hotstandby:runtime";

  private static final Logger log = LoggerFactory.getLogger(OpcUaDriver.class);

  private final DriverSpec.OpcUa spec;
  private final MessageSecurityMode securityMode;
  private final String host;
  private final int port;
  private final long publishingMs;
  private final long reconnectMinMs;
  private final long reconnectMaxMs;
  private final ScheduledThreadPoolExecutor executor;

  // Guards started, closed and clients; never held while calling Milo or the sink.
  private final Object lock = new Object();
  private boolean started;
  private volatile boolean closed;
  private final Set<OpcUaClient> clients = new HashSet<>();

  private volatile Thread driverThread;

  /** The connection writes use; null while down. */
  private volatile Link live;

  // Confined to the driver thread.
  private List<TagSpec> tags = List.of();
  private DriverSink sink;
  private long generation;
  private Link current;
  private long nextDelayMs;
  private Boolean reportedUp; // null until the first report
  private String downDetail;
  private final Map<String, Object> lastValues = new HashMap<>();
  private final Set<String> conversionWarned = new HashSet<>();
  private KeyPair keyPair;
  private X509Certificate certificate;

  /** One connected client with what was learnt about the server's nodes. */
  private record Link(
      OpcUaClient client,
      String securityPolicy,
      Map<String, NodeId> nodes,
      Map<String, NodeId> dataTypes,
      NamespaceTable namespaces) {}

  /** A connect attempt that cannot succeed as configured; the message is the whole detail. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @throws IllegalArgumentException if the security mode is not None, Sign or SignAndEncrypt
   */
  public OpcUaDriver(DriverSpec.OpcUa spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.securityMode = parseSecurityMode(spec.name(), spec.securityMode());
    String url = Objects.requireNonNull(spec.endpoint(), "endpoint");
    this.host = EndpointUtil.getHost(url);
    this.port = EndpointUtil.getPort(url);
    this.publishingMs = spec.publishingMs() > 0 ? spec.publishingMs() : 1000;
    this.reconnectMinMs = spec.reconnectMinMs() > 0 ? spec.reconnectMinMs() : 1000;
    this.reconnectMaxMs = Math.max(reconnectMinMs, spec.reconnectMaxMs());
    this.nextDelayMs = reconnectMinMs;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "opcua-" + spec.name());
              t.setDaemon(true);
              driverThread = t;
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public String name() {
    return spec.name();
  }

  /**
   * Starts connecting in the background and returns at once.
   *
   * @throws IllegalStateException if already started or closed
   */
  @Override
  public void start(List<TagSpec> tags, DriverSink sink) {
    Objects.requireNonNull(sink, "sink");
    List<TagSpec> copy = List.copyOf(tags);
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("OPC UA driver " + name() + " is closed");
      }
      if (started) {
        throw new IllegalStateException("OPC UA driver " + name() + " already started");
      }
      started = true;
    }
    post(
        () -> {
          this.tags = copy;
          this.sink = sink;
          attempt();
        });
  }

  @Override
  public boolean connected() {
    return live != null && !closed;
  }

  /**
   * Writes the Value attribute of the tag's node, converted to the node's built-in type (read at
   * connect; the tag's type when unknown). Completes exceptionally with an {@link
   * OpcUaWriteException}: "device NAME not connected", or a message naming the tag and the reason.
   */
  @Override
  public CompletableFuture<Void> write(TagSpec tag, Object value) {
    Link link = live;
    if (link == null || closed) {
      return CompletableFuture.failedFuture(
          new OpcUaWriteException("device " + name() + " not connected"));
    }
    NodeId node;
    Variant variant;
    try {
      node = link.nodes().get(tag.path());
      if (node == null) {
        node = OpcUaAddress.resolve(tag.address(), link.namespaces());
      }
      variant =
          OpcUaValues.toVariant(
              value, OpcUaValues.builtinFor(link.dataTypes().get(tag.path()), tag.type()));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new OpcUaWriteException("cannot write " + tag.path() + ": " + e.getMessage()));
    }
    var result = new CompletableFuture<Void>();
    link.client()
        .writeValuesAsync(List.of(node), List.of(DataValue.valueOnly(variant)))
        .whenComplete(
            (codes, ex) -> {
              if (ex != null) {
                result.completeExceptionally(
                    new OpcUaWriteException(
                        "cannot write "
                            + tag.path()
                            + " to "
                            + name()
                            + ": "
                            + describe(ex, REQUEST_TIMEOUT_MS),
                        ex));
              } else if (codes.isEmpty() || !codes.get(0).isGood()) {
                StatusCode code = codes.isEmpty() ? StatusCode.BAD : codes.get(0);
                result.completeExceptionally(
                    new OpcUaWriteException(
                        "write of " + tag.path() + " refused by " + name() + ": " + status(code)));
              } else {
                result.complete(null);
              }
            });
    return result;
  }

  /** Stops reconnecting, closes the session and the connection; waits at most about 2 s. */
  @Override
  public void close() {
    List<OpcUaClient> toClose;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(clients);
      clients.clear();
    }
    live = null;
    executor.shutdownNow();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
    List<CompletableFuture<?>> disconnects = new ArrayList<>();
    for (OpcUaClient client : toClose) {
      disconnects.add(client.disconnectAsync());
    }
    try {
      if (!onDriverThread()) {
        executor.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
      }
      CompletableFuture.allOf(disconnects.toArray(CompletableFuture[]::new))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("OPC UA driver {}: disconnect did not finish: {}", name(), e.toString());
    }
  }

  // ---- the driver thread ----

  private void attempt() {
    if (closed) {
      return;
    }
    long gen = ++generation;
    OpcUaClient[] client = new OpcUaClient[1];
    try {
      Map<String, String> badTags = new LinkedHashMap<>();
      Link link = connect(gen, client, badTags);
      current = link;
      live = link;
      nextDelayMs = reconnectMinMs;
      up(link, badTags);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drop(client[0]);
    } catch (Exception e) {
      drop(client[0]);
      if (closed) {
        return;
      }
      generation++; // what the failed client still reports is stale
      String detail =
          e instanceof Refused
              ? e.getMessage()
              : "cannot connect to " + spec.endpoint() + ": " + describe(e, CONNECT_TIMEOUT_MS);
      down(detail);
      scheduleReconnect();
    }
  }

  private Link connect(long gen, OpcUaClient[] clientOut, Map<String, String> badTags)
      throws Exception {
    String url = spec.endpoint();
    List<EndpointDescription> endpoints =
        await(
            DiscoveryClient.getEndpoints(url, t -> t.setConnectTimeout(uint(CONNECT_TIMEOUT_MS))),
            CONNECT_TIMEOUT_MS * 2);
    EndpointDescription endpoint = selectEndpoint(endpoints, securityMode, !userName().isEmpty());
    // The server announces its own idea of its host name, which may not resolve from here.
    if (host != null) {
      endpoint = EndpointUtil.updateUrl(endpoint, host, port);
    }
    OpcUaClientConfigBuilder config =
        OpcUaClientConfig.builder()
            .setEndpoint(endpoint)
            .setApplicationName(LocalizedText.english("hotstandby runtime " + name()))
            .setApplicationUri(applicationUri())
            .setProductUri(PRODUCT_URI)
            .setSessionName(() -> "hotstandby " + name())
            .setSessionTimeout(uint(SESSION_TIMEOUT_MS))
            .setRequestTimeout(uint(REQUEST_TIMEOUT_MS))
            .setKeepAliveInterval(uint(KEEP_ALIVE_INTERVAL_MS))
            .setKeepAliveTimeout(uint(KEEP_ALIVE_TIMEOUT_MS))
            .setKeepAliveFailuresAllowed(uint(KEEP_ALIVE_FAILURES_ALLOWED))
            .setIdentityProvider(identity());
    if (securityMode != MessageSecurityMode.None) {
      ensureCertificate();
      config
          .setKeyPair(keyPair)
          .setCertificate(certificate)
          .setCertificateChain(new X509Certificate[] {certificate});
    }
    OpcUaClient client =
        OpcUaClient.create(config.build(), t -> t.setConnectTimeout(uint(CONNECT_TIMEOUT_MS)));
    clientOut[0] = client;
    synchronized (lock) {
      if (closed) {
        throw new InterruptedException("closed");
      }
      clients.add(client);
    }
    client.addSessionActivityListener(
        new SessionActivityListener() {
          @Override
          public void onSessionInactive(UaSession session) {
            post(() -> lost(gen, "connection to " + url + " lost"));
          }
        });
    await(client.connectAsync(), CONNECT_TIMEOUT_MS * 2);

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
      subscribe(gen, client, nodes, byPath, badTags);
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
      Map<String, String> badTags)
      throws UaException {
    var subscription = new OpcUaSubscription(client, (double) publishingMs);
    subscription.setSubscriptionListener(
        new OpcUaSubscription.SubscriptionListener() {
          @Override
          public void onStatusChanged(OpcUaSubscription s, StatusCode status) {
            if (status.isBad()) {
              post(
                  () ->
                      lost(
                          gen, "subscription on " + spec.endpoint() + " ended: " + status(status)));
            }
          }

          @Override
          public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
            post(
                () -> lost(gen, "subscription on " + spec.endpoint() + " lost: " + status(status)));
          }

          @Override
          public void onWatchdogTimerElapsed(OpcUaSubscription s) {
            post(() -> lost(gen, "no answer from " + spec.endpoint() + " (subscription watchdog)"));
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
          item.setDataValueListener((i, value) -> post(() -> onValue(gen, tag, value)));
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
            "node " + nodes.get(tag.path()).toParseableString() + ": " + status(operation));
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
      log.debug("OPC UA driver {}: cannot read the data types of its nodes: {}", name(), e);
    }
    return types;
  }

  private void up(Link link, Map<String, String> badTags) {
    reportedUp = true;
    downDetail = null;
    String detail =
        "connected to "
            + spec.endpoint()
            + " (security "
            + securityMode
            + (securityMode == MessageSecurityMode.None ? "" : "/" + link.securityPolicy())
            + ", "
            + (userName().isEmpty() ? "anonymous" : "user " + userName())
            + ")";
    log.info("OPC UA driver {}: {}", name(), detail);
    emitConnection(true, detail);
    Instant now = Instant.now();
    badTags.forEach(
        (path, reason) -> {
          log.warn("OPC UA driver {}: tag {} has no value: {}", name(), path, reason);
          emitValue(path, lastValues.get(path), Quality.BAD, now);
        });
  }

  private void lost(long gen, String detail) {
    if (closed || gen != generation || current == null) {
      return;
    }
    Link old = current;
    current = null;
    live = null;
    generation++;
    drop(old.client());
    down(detail);
    scheduleReconnect();
  }

  /** Marks every tag BAD once per outage and reports the outage, and any change of its reason. */
  private void down(String detail) {
    live = null;
    boolean transition = !Boolean.FALSE.equals(reportedUp);
    if (transition) {
      Instant now = Instant.now();
      for (TagSpec tag : tags) {
        emitValue(tag.path(), lastValues.get(tag.path()), Quality.BAD, now);
      }
    }
    if (transition || !detail.equals(downDetail)) {
      if (Boolean.TRUE.equals(reportedUp)) {
        log.warn("OPC UA driver {}: {}", name(), detail);
      } else {
        log.info("OPC UA driver {}: {}", name(), detail);
      }
      emitConnection(false, detail);
    } else {
      log.debug("OPC UA driver {}: {}", name(), detail);
    }
    reportedUp = false;
    downDetail = detail;
  }

  private void scheduleReconnect() {
    long delay = nextDelayMs;
    nextDelayMs = Math.min(reconnectMaxMs, delay * 2);
    try {
      executor.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closed meanwhile.
    }
  }

  private void onValue(long gen, TagSpec tag, DataValue value) {
    if (closed || gen != generation || current == null) {
      return;
    }
    String path = tag.path();
    StatusCode code = value.statusCode() != null ? value.statusCode() : StatusCode.GOOD;
    Quality quality =
        code.isGood() ? Quality.GOOD : code.isUncertain() ? Quality.UNCERTAIN : Quality.BAD;
    Object raw = value.value() != null ? value.value().value() : null;
    Object converted;
    if (raw == null) {
      // Nothing usable came: keep the last value, and never call "no value" GOOD.
      converted = lastValues.get(path);
      quality = quality == Quality.GOOD ? Quality.BAD : quality;
    } else {
      try {
        converted = OpcUaValues.toTag(raw, tag.type());
        if (quality != Quality.BAD) {
          lastValues.put(path, converted);
        }
        conversionWarned.remove(path);
      } catch (IllegalArgumentException e) {
        if (conversionWarned.add(path)) {
          log.warn("OPC UA driver {}: tag {} ({}): {}", name(), path, tag.type(), e.getMessage());
        }
        converted = lastValues.get(path);
        quality = Quality.BAD;
      }
    }
    emitValue(path, converted, quality, sourceTime(value));
  }

  private static Instant sourceTime(DataValue value) {
    for (DateTime t : new DateTime[] {value.sourceTime(), value.serverTime()}) {
      if (t != null && t.isValid() && t.isNotNull()) {
        return t.getJavaInstant();
      }
    }
    return Instant.now();
  }

  private void emitValue(String path, Object value, Quality quality, Instant sourceTime) {
    if (closed) {
      return;
    }
    try {
      sink.value(path, value, quality, sourceTime);
    } catch (RuntimeException e) {
      log.warn("OPC UA driver {}: the sink failed on a value of {}", name(), path, e);
    }
  }

  private void emitConnection(boolean up, String detail) {
    if (closed) {
      return;
    }
    try {
      sink.connection(name(), up, detail);
    } catch (RuntimeException e) {
      log.warn("OPC UA driver {}: the sink failed on a connection change", name(), e);
    }
  }

  // ---- helpers ----

  private void post(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // Closed: nothing more to deliver.
    }
  }

  private boolean onDriverThread() {
    return Thread.currentThread() == driverThread;
  }

  /** Forgets a client and closes it in the background, so Milo stops reconnecting it. */
  private void drop(OpcUaClient client) {
    if (client == null) {
      return;
    }
    synchronized (lock) {
      clients.remove(client);
    }
    client.disconnectAsync();
  }

  private String userName() {
    return spec.user() == null ? "" : spec.user();
  }

  private IdentityProvider identity() {
    if (userName().isEmpty()) {
      return new AnonymousProvider();
    }
    return new UsernameProvider(userName(), spec.password() == null ? "" : spec.password());
  }

  private String applicationUri() {
    return PRODUCT_URI + ":opcua:" + name();
  }

  private void ensureCertificate() throws Exception {
    if (certificate != null) {
      return;
    }
    KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    var builder =
        new SelfSignedCertificateBuilder(pair)
            .setCommonName("hotstandby runtime " + name())
            .setOrganization("hotstandby")
            .setApplicationUri(applicationUri());
    try {
      builder.addDnsName(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      builder.addDnsName("localhost");
    }
    certificate = builder.build();
    keyPair = pair;
  }

  /**
   * The endpoint to use: the configured security mode with a policy this client knows (the highest
   * security level first), accepting anonymous or user-name tokens as configured.
   */
  static EndpointDescription selectEndpoint(
      List<EndpointDescription> endpoints, MessageSecurityMode mode, boolean userName)
      throws Refused {
    UserTokenType token = userName ? UserTokenType.UserName : UserTokenType.Anonymous;
    List<EndpointDescription> withMode =
        endpoints.stream()
            .filter(e -> e.getSecurityMode() == mode)
            .filter(e -> knownPolicy(e.getSecurityPolicyUri(), mode))
            .sorted(
                Comparator.comparingInt(
                        (EndpointDescription e) ->
                            e.getSecurityLevel() == null ? 0 : e.getSecurityLevel().intValue())
                    .reversed())
            .toList();
    if (withMode.isEmpty()) {
      String offered =
          endpoints.stream()
              .map(e -> String.valueOf(e.getSecurityMode()))
              .collect(Collectors.toCollection(LinkedHashSet::new))
              .stream()
              .collect(Collectors.joining(", "));
      throw new Refused(
          endpointUrlOf(endpoints)
              + " offers no endpoint with security mode "
              + mode
              + (offered.isEmpty() ? "" : " (it offers " + offered + ")"));
    }
    return withMode.stream()
        .filter(e -> acceptsToken(e, token))
        .findFirst()
        .orElseThrow(
            () ->
                new Refused(
                    endpointUrlOf(endpoints)
                        + " accepts no "
                        + (userName ? "user name" : "anonymous")
                        + " login on its "
                        + mode
                        + " endpoints"));
  }

  private static String endpointUrlOf(List<EndpointDescription> endpoints) {
    return endpoints.isEmpty() ? "the server" : endpoints.get(0).getEndpointUrl();
  }

  private static boolean knownPolicy(String uri, MessageSecurityMode mode) {
    Optional<SecurityPolicy> policy = SecurityPolicy.fromUriSafe(uri);
    if (policy.isEmpty()) {
      return false;
    }
    return (mode == MessageSecurityMode.None) == (policy.get() == SecurityPolicy.None);
  }

  private static boolean acceptsToken(EndpointDescription e, UserTokenType token) {
    UserTokenPolicy[] policies = e.getUserIdentityTokens();
    return policies != null && Stream.of(policies).anyMatch(p -> p.getTokenType() == token);
  }

  private static MessageSecurityMode parseSecurityMode(String driver, String text) {
    String mode = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "", "none" -> MessageSecurityMode.None;
      case "sign" -> MessageSecurityMode.Sign;
      case "signandencrypt" -> MessageSecurityMode.SignAndEncrypt;
      default ->
          throw new IllegalArgumentException(
              "OPC UA driver "
                  + driver
                  + ": security mode "
                  + text
                  + " is not None, Sign or SignAndEncrypt");
    };
  }

  private static <T> T await(CompletionStage<T> stage, long timeoutMs)
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
