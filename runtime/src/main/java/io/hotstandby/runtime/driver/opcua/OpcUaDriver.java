package io.hotstandby.runtime.driver.opcua;

import static io.hotstandby.opcua.OpcUaErrorText.describe;
import static io.hotstandby.opcua.OpcUaErrorText.status;

import io.hotstandby.runtime.driver.Driver;
import io.hotstandby.runtime.driver.DriverSink;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.Quality;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
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
 * security level among them). For Sign and SignAndEncrypt the server's certificate must have the
 * SHA-256 fingerprint the project pins ({@code certificate}); an unknown or other certificate is
 * refused before any client is made, reported as the reason the device is down (naming the endpoint
 * and both fingerprints), and tried again as any failed connect. The driver presents a self-signed
 * application certificate of its own, which the server must trust: kept in {@code clientDir} (the
 * server's data folder) so it survives restarts, or made in memory without one.
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

  private static final long CLOSE_WAIT_MS = 2000;

  private static final Logger log = LoggerFactory.getLogger(OpcUaDriver.class);

  private final DriverSpec.OpcUa spec;
  private final MessageSecurityMode securityMode;
  private final PlcConnector connector;
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
  private volatile PlcConnector.Link live;

  // Confined to the driver thread.
  private List<TagSpec> tags = List.of();
  private DriverSink sink;
  private long generation;
  private PlcConnector.Link current;
  private long nextDelayMs;
  private Boolean reportedUp; // null until the first report
  private String downDetail;
  private final Map<String, Object> lastValues = new HashMap<>();
  private final Set<String> conversionWarned = new HashSet<>();

  /**
   * A driver whose client certificate lives in memory only: a new one every start.
   *
   * @throws IllegalArgumentException if the security mode is not None, Sign or SignAndEncrypt
   */
  public OpcUaDriver(DriverSpec.OpcUa spec) {
    this(spec, null);
  }

  /**
   * A driver keeping its client key and certificate in {@code clientDir/<name>.pfx}.
   *
   * @param clientDir the folder, made owner-only on first use; null for a certificate in memory
   * @throws IllegalArgumentException if the security mode is not None, Sign or SignAndEncrypt
   */
  public OpcUaDriver(DriverSpec.OpcUa spec, Path clientDir) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.securityMode = PlcEndpoints.parseSecurityMode(spec.name(), spec.securityMode());
    Objects.requireNonNull(spec.endpoint(), "endpoint");
    this.connector =
        new PlcConnector(
            spec, securityMode, spec.publishingMs() > 0 ? spec.publishingMs() : 1000, clientDir);
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
    PlcConnector.Link link = live;
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
      PlcConnector.Link link =
          connector.connect(
              gen,
              tags,
              client,
              badTags,
              this::register,
              new PlcConnector.Listener() {
                @Override
                public void lost(long g, String detail) {
                  post(() -> OpcUaDriver.this.lost(g, detail));
                }

                @Override
                public void value(long g, TagSpec tag, DataValue value) {
                  post(() -> onValue(g, tag, value));
                }
              });
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
          e instanceof PlcEndpoints.Refused
              ? e.getMessage()
              : "cannot connect to " + spec.endpoint() + ": " + describe(e, CONNECT_TIMEOUT_MS);
      down(detail);
      scheduleReconnect();
    }
  }

  private void up(PlcConnector.Link link, Map<String, String> badTags) {
    reportedUp = true;
    downDetail = null;
    String detail =
        "connected to "
            + spec.endpoint()
            + " (security "
            + securityMode
            + (securityMode == MessageSecurityMode.None ? "" : "/" + link.securityPolicy())
            + ", "
            + (connector.userName().isEmpty() ? "anonymous" : "user " + connector.userName())
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
    PlcConnector.Link old = current;
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

  /** Keeps a new client so that closing the driver closes it. */
  private void register(OpcUaClient client) throws InterruptedException {
    synchronized (lock) {
      if (closed) {
        throw new InterruptedException("closed");
      }
      clients.add(client);
    }
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
}
