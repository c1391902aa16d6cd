package io.hotstandby.plantsim;

import io.hotstandby.domain.ProductVersion;
import io.hotstandby.opcua.ApplicationPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.util.HostnameUtil;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's OPC UA server: {@code opc.tcp://HOST:PORT/plant}, SecurityPolicy None and
 * Basic256Sha256 with SignAndEncrypt (its certificate kept in the PKI folder, so a client can pin
 * it; every client certificate accepted, as a simulator), anonymous read and write, serving a
 * {@link PlantModel} through a {@link PlantNamespace} that ticks every {@code tick}.
 */
public final class PlantServer implements AutoCloseable {
  /** The endpoint's path. */
  public static final String PATH = "/plant";

  /** The server's application URI (not the namespace URI: Milo gives that one index 1). */
  public static final String APPLICATION_URI = "urn:hotstandby:plant-simulator:server";

  /** The URI of the namespace that holds the plant's nodes. */
  public static final String NAMESPACE_URI = PlantNamespace.URI;

  private static final Logger log = LoggerFactory.getLogger(PlantServer.class);

  private final String bindHost;
  private final String host;
  private final int port;
  private final Path pkiDir;
  private final Duration tick;
  private final CountDownLatch closedLatch = new CountDownLatch(1);

  // Guarded by this.
  private boolean started;
  private boolean closed;
  private Path tempPki;
  private ApplicationPki pki;
  private OpcUaServer server;
  private boolean serverStarting;
  private PlantNamespace namespace;
  private ScheduledExecutorService ticker;

  /**
   * @param bindHost the address to listen on; a wildcard advertises this machine's host name
   * @param port the TCP port
   * @param pkiDir where the certificate is kept; null: a temporary folder, deleted on close
   * @param tick how often the plant advances
   */
  public PlantServer(String bindHost, int port, Path pkiDir, Duration tick) {
    this.bindHost = Objects.requireNonNull(bindHost, "bindHost");
    this.port = port;
    this.pkiDir = pkiDir;
    this.tick = Objects.requireNonNull(tick, "tick");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, not " + port);
    }
    if (tick.toMillis() < 1) {
      throw new IllegalArgumentException("tick must be at least 1 ms, not " + tick);
    }
    boolean wildcard = bindHost.isEmpty() || bindHost.equals("0.0.0.0") || bindHost.equals("::");
    this.host = wildcard ? HostnameUtil.getHostname() : bindHost;
  }

  /** The URL clients connect to. */
  public String endpointUrl() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "opc.tcp://" + h + ":" + port + PATH;
  }

  /**
   * Makes the certificate, builds the address space, opens the port and starts the ticks; returns
   * once clients can connect.
   *
   * @throws PlantStartException the port cannot be bound, or the certificate cannot be made
   */
  public synchronized void start() throws PlantStartException {
    if (closed || started) {
      throw new IllegalStateException(closed ? "plant server is closed" : "already started");
    }
    started = true;
    boolean running = false;
    try {
      startParts();
      running = true;
    } finally {
      if (!running) {
        close(); // whatever stopped the start, nothing is left behind
      }
    }
    log.info("plant simulator listening on {}", endpointUrl());
  }

  private void startParts() throws PlantStartException {
    String busy = bindFailure();
    if (busy != null) {
      throw new PlantStartException(cannotListen(busy), null);
    }
    Path dir = pkiDir;
    try {
      if (dir == null) {
        tempPki = Files.createTempDirectory("plant-sim-pki");
        dir = tempPki;
      }
      pki =
          ApplicationPki.open(
              dir,
              APPLICATION_URI,
              "plant-simulator",
              new LinkedHashSet<>(certificateHosts()),
              ApplicationPki.ACCEPT_EVERY_CLIENT);
    } catch (Exception e) {
      throw new PlantStartException("cannot create the certificate in " + dir + ": " + e, e);
    }
    try {
      server =
          new OpcUaServer(
              serverConfig(),
              profile ->
                  new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
      namespace = new PlantNamespace(server, new PlantModel(tick), tick.toMillis());
      namespace.startup();
      serverStarting = true;
      server.startup().get();
    } catch (ExecutionException | InterruptedException | RuntimeException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // Someone took the port since the check above, or Milo failed otherwise.
      String reason = bindFailure();
      throw new PlantStartException(cannotListen(reason != null ? reason : e.toString()), e);
    }
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "plant-tick");
              t.setDaemon(true);
              return t;
            });
    long nanos = tick.toNanos();
    PlantNamespace ns = namespace;
    ticker.scheduleAtFixedRate(
        () -> {
          try {
            ns.tick();
          } catch (RuntimeException e) {
            // A failed tick must not stop the next one.
            log.warn("plant tick failed", e);
          }
        },
        nanos,
        nanos,
        TimeUnit.NANOSECONDS);
  }

  /** The plant as it is now (for tests and diagnostics); null before {@link #start}. */
  public synchronized PlantState state() {
    return namespace == null ? null : namespace.state();
  }

  /** Waits until {@link #close} has finished. */
  public void awaitClosed() throws InterruptedException {
    closedLatch.await();
  }

  /** Stops the ticks and the server and releases the port; harmless when called again. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (ticker != null) {
        ticker.shutdownNow();
      }
      if (server != null && serverStarting) {
        try {
          server.shutdown().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
          log.warn("OPC UA server did not shut down cleanly: {}", e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (namespace != null) {
        try {
          namespace.shutdown();
        } catch (RuntimeException e) {
          log.warn("plant namespace did not shut down cleanly: {}", e.toString());
        }
      }
      if (pki != null) {
        try {
          pki.close();
        } catch (IOException e) {
          log.warn("cannot close the certificate store: {}", e.toString());
        }
      }
      if (tempPki != null) {
        deleteTree(tempPki);
      }
    } finally {
      closedLatch.countDown();
    }
  }

  private OpcUaServerConfig serverConfig() {
    return OpcUaServerConfig.builder()
        .setApplicationUri(APPLICATION_URI)
        .setApplicationName(LocalizedText.english("Plant simulator"))
        .setProductUri("urn:hotstandby:plant-simulator")
        .setBuildInfo(
            new BuildInfo(
                "urn:hotstandby:plant-simulator",
                "hotstandby",
                "plant-simulator",
                ProductVersion.current(),
                "",
                DateTime.now()))
        .setEndpoints(
            Set.of(
                endpoint(SecurityPolicy.None, MessageSecurityMode.None),
                endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt)))
        .setCertificateManager(pki.certificateManager())
        .setIdentityValidator(AnonymousIdentityValidator.INSTANCE)
        .build();
  }

  private EndpointConfig endpoint(SecurityPolicy policy, MessageSecurityMode mode) {
    return EndpointConfig.newBuilder()
        .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
        .setBindAddress(bindHost)
        .setBindPort(port)
        .setHostname(host)
        .setPath(PATH)
        .setCertificate(pki.certificate())
        .setSecurityPolicy(policy)
        .setSecurityMode(mode)
        .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS)
        .build();
  }

  /** The server's certificate (after {@link #start}), for a client that pins it. */
  public synchronized X509Certificate certificate() {
    return pki == null ? null : pki.certificate();
  }

  private String cannotListen(String reason) {
    return "cannot listen on " + bindHost + ":" + port + ": " + reason;
  }

  // Milo only logs why a bind failed, with a stack trace; a bind of our own says why. Null: free.
  private String bindFailure() {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true); // as the listening socket will, so TIME_WAIT does not count
      probe.bind(new InetSocketAddress(bindHost, port));
      return null;
    } catch (IOException | RuntimeException e) {
      String m = e.getMessage();
      if (m == null || m.isBlank()) {
        return e.getClass().getSimpleName();
      }
      return Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }
  }

  private List<String> certificateHosts() {
    Set<String> hosts = new LinkedHashSet<>();
    hosts.add(host);
    hosts.add(HostnameUtil.getHostname());
    hosts.add("localhost");
    return new ArrayList<>(hosts);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      log.warn("cannot delete {}: {}", dir, e.toString());
    }
  }
}
