package io.hotstandby.server.opcua;

import io.hotstandby.domain.UserSpec;
import io.hotstandby.opcua.ApplicationPki;
import io.hotstandby.server.opcua.app.ApplicationNamespace;
import io.hotstandby.server.opcua.app.ApplicationView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.server.AddressSpace.WriteContext;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.util.HostnameUtil;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.RedundancySupport;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OPC UA server of one domain-server process, at {@code opc.tcp://host:port/hotstandby}.
 *
 * <p>It announces standard non-transparent redundancy ({@code RedundancySupport=HotAndMirrored},
 * {@code ServerUriArray} = all servers of the domain) and a live {@code ServiceLevel}, and serves
 * the admin namespace {@code urn:hotstandby:admin} (see {@link #publish}) and, once {@link
 * #registerApplication} gave it the runtime, the application namespace {@code
 * urn:hotstandby:application} ({@link ApplicationNamespace}). Once {@link #registerDomainAdmin}
 * gave it the domain store, the admin namespace's {@code Domain.Apply}, {@code Domain.History},
 * {@code Domain.Show} and {@code Domain.Rollback} methods reach it (see {@link AdminNamespace});
 * without it they answer that domain administration is not available.
 *
 * <p>Endpoints: SignAndEncrypt with Basic256Sha256, Aes128_Sha256_RsaOaep and Aes256_Sha256_RsaPss,
 * each with the user-name token only; with {@link #allowAnonymousRead} also SecurityPolicy None
 * with the anonymous token, where sessions are Viewers. Discovery (GetEndpoints, FindServers, which
 * lists every server of the domain: {@link #listServers}) answers on a channel without security in
 * any case, as OPC UA allows. Clients are authenticated by user name and password ({@link
 * #registerUsers}); their application certificates only secure the channel and are accepted without
 * a trust list ({@link ClientCertificateCheck}). What each session may do is decided by one {@link
 * AccessPolicy}, which also records every action in the audit log ({@link #registerAudit}).
 *
 * <p>{@link #setServiceLevel} and {@link #publish} may be called from any thread, before or after
 * {@link #start}; values given before start are in place when the port opens.
 */
public final class OpcUaEndpoint implements AutoCloseable {
  /** The ServiceLevel until {@link #setServiceLevel} says otherwise: 1, "no data" (starting). */
  public static final int INITIAL_SERVICE_LEVEL = 1;

  /**
   * How long {@code Domain.Apply} and {@code Domain.Rollback} wait for the {@link DomainAdmin} by
   * default: a change may include a planned switchover and take ~15 s.
   */
  public static final Duration DEFAULT_DOMAIN_CHANGE_TIMEOUT = Duration.ofSeconds(30);

  /** How long {@code Domain.History} and {@code Domain.Show} wait for the {@link DomainAdmin}. */
  static final Duration DOMAIN_QUERY_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(OpcUaEndpoint.class);

  private final OpcUaEndpointConfig config;
  private final String host;

  /** Activations waiting behind the one under way beyond which one is refused at once. */
  static final int MAX_WAITING_ACTIVATIONS = 4;

  private final BoundedQueue activations;

  // Guards the values and the Milo nodes they are written to, so the last caller wins.
  private final Object valueLock = new Object();
  private int serviceLevel = INITIAL_SERVICE_LEVEL;
  private AdminStatus status;
  private StandardRedundancy redundancy;
  private AdminNamespace admin;

  // Guarded by this.
  private boolean started;
  private boolean closed;
  private OpcUaServer server;
  private ApplicationPki pki;
  private ApplicationView application;
  private Duration applicationWriteTimeout;
  private volatile ApplicationNamespace applicationNamespace;
  private DomainAdmin domainAdmin;
  private Duration domainChangeTimeout = DEFAULT_DOMAIN_CHANGE_TIMEOUT;
  private DomainAdminCalls domainAdminCalls;
  private volatile Supplier<List<ListedServer>> listed = List::of;
  private boolean anonymousRead;
  private String virtualHost = "";
  private AccessPolicy.Audit audit = AccessPolicy.Audit.none();
  private AccessPolicy access;
  private final Passwords passwords = new Passwords();
  private final LoginThrottle loginThrottle = new LoginThrottle(System::nanoTime);

  public OpcUaEndpoint(OpcUaEndpointConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.host = EndpointSecurity.advertisedHost(config.bindHost());
    // Activate may take seconds: never on a Milo thread, one at a time, and a few waiting at most.
    this.activations = new BoundedQueue("opcua-activate", "activations", MAX_WAITING_ACTIVATIONS);
  }

  /** The URL clients connect to. */
  public String endpointUrl() {
    return "opc.tcp://" + host + ":" + config.port() + OpcUaEndpointConfig.PATH;
  }

  /**
   * Builds the address space and opens the port; returns once clients can connect.
   *
   * @throws OpcUaEndpointException if the port cannot be bound (in use, address not local) or the
   *     application certificate cannot be made; the message names the cause
   */
  public synchronized void start() throws OpcUaEndpointException {
    if (closed) {
      throw new IllegalStateException("OPC UA endpoint is closed");
    }
    if (started) {
      throw new IllegalStateException("OPC UA endpoint already started");
    }
    started = true;
    // Fails fast, before Milo loads its nodes, and without Milo's stack trace for a busy port.
    String busy = bindFailure();
    if (busy != null) {
      close();
      throw new OpcUaEndpointException(cannotListen(busy), null);
    }
    try {
      pki =
          ApplicationPki.open(
              config.pkiDir(),
              config.applicationUri(),
              config.productName() + " " + config.domain() + "/" + config.server(),
              certificateHosts(),
              new ClientCertificateCheck(),
              virtualHost.isEmpty() ? Set.of() : Set.of(virtualHost));
    } catch (Exception e) {
      close();
      throw new OpcUaEndpointException(
          "cannot create the OPC UA application certificate in " + config.pkiDir() + ": " + e, e);
    }
    try {
      createServer();
      server.startup().get();
    } catch (ExecutionException | InterruptedException | RuntimeException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // Someone took the port since the check above, or Milo failed otherwise.
      String reason = bindFailure();
      close();
      throw new OpcUaEndpointException(cannotListen(reason != null ? reason : e.toString()), e);
    }
    log.info("OPC UA endpoint {} ({}) listening", endpointUrl(), config.applicationUri());
  }

  private void createServer() {
    server =
        new AsyncOpcUaServer(
            serverConfig(),
            profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
    DomainDiscovery.install(server, config.applicationUri(), () -> listed.get());
    // The constructor has loaded the standard nodes; the port is not open yet.
    var newRedundancy =
        StandardRedundancy.install(server, RedundancySupport.HotAndMirrored, config.serverUris());
    domainAdminCalls =
        new DomainAdminCalls(
            domainAdmin, domainChangeTimeout, DOMAIN_QUERY_TIMEOUT, this::publishedDomainVersion);
    access = new AccessPolicy(passwords::users, anonymousRead, audit);
    var newAdmin = new AdminNamespace(server, this::activate, domainAdminCalls, access);
    newAdmin.startup();
    synchronized (valueLock) {
      newRedundancy.setServiceLevel(serviceLevel);
      if (status != null) {
        newAdmin.publish(status);
      }
      redundancy = newRedundancy;
      admin = newAdmin;
    }
    if (application != null) {
      startApplication();
    }
  }

  /** {@link #registerApplication(ApplicationView, Duration)} with the default write timeout. */
  public void registerApplication(ApplicationView view) {
    registerApplication(view, ApplicationNamespace.DEFAULT_WRITE_TIMEOUT);
  }

  /**
   * Serves the runtime's tags and alarms in the application namespace {@code
   * urn:hotstandby:application}: the namespace is built from {@code view} when {@link #start} runs,
   * before the port opens, with the tags and alarms {@code view} lists then. Once only, before
   * start.
   *
   * @param writeTimeout how long a client's write waits for {@link ApplicationView#write}
   * @throws IllegalStateException if an application is already registered, or the endpoint was
   *     started or closed
   */
  public synchronized void registerApplication(ApplicationView view, Duration writeTimeout) {
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(writeTimeout, "writeTimeout");
    if (started || closed) {
      throw new IllegalStateException("register the application before the endpoint starts");
    }
    if (application != null) {
      throw new IllegalStateException("an application is already registered");
    }
    application = view;
    applicationWriteTimeout = writeTimeout;
  }

  /** {@link #registerDomainAdmin(DomainAdmin, Duration)} with the default change timeout. */
  public void registerDomainAdmin(DomainAdmin admin) {
    registerDomainAdmin(admin, DEFAULT_DOMAIN_CHANGE_TIMEOUT);
  }

  /**
   * Serves domain-file administration through the admin namespace's {@code Domain.Apply}, {@code
   * Domain.History}, {@code Domain.Show} and {@code Domain.Rollback} methods. {@code admin} is
   * called on threads of the endpoint, never on Milo's, one change at a time. Once only, before
   * start.
   *
   * @param changeTimeout how long a client's {@code Apply} or {@code Rollback} waits for {@code
   *     admin}; a change that takes longer is reported as not accepted (it may still complete)
   * @throws IllegalStateException if a domain admin is already registered, or the endpoint was
   *     started or closed
   */
  public synchronized void registerDomainAdmin(DomainAdmin admin, Duration changeTimeout) {
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(changeTimeout, "changeTimeout");
    if (started || closed) {
      throw new IllegalStateException("register the domain admin before the endpoint starts");
    }
    if (domainAdmin != null) {
      throw new IllegalStateException("a domain admin is already registered");
    }
    domainAdmin = admin;
    domainChangeTimeout = changeTimeout;
  }

  // A faulty view must not take the endpoint (admin namespace, redundancy) down with it.
  private void startApplication() {
    ApplicationNamespace namespace = null;
    try {
      namespace = new ApplicationNamespace(server, application, applicationWriteTimeout, access);
      namespace.startup();
      // Tag writes are answered when the runtime has, without holding a Milo thread meanwhile.
      ApplicationNamespace writer = namespace;
      ((AsyncOpcUaServer) server)
          .registerWriter(
              new AsyncOpcUaServer.AsyncWriter() {
                @Override
                public boolean answersLater(WriteValue value) {
                  return writer.answersLater(value);
                }

                @Override
                public CompletableFuture<List<StatusCode>> writeLater(
                    WriteContext context, List<WriteValue> values) {
                  return writer.writeLater(context, values);
                }
              });
      applicationNamespace = namespace;
    } catch (RuntimeException e) {
      log.error("OPC UA application namespace not served", e);
      if (namespace != null) {
        namespace.shutdown();
      }
    }
  }

  private String cannotListen(String reason) {
    return "cannot listen for OPC UA on " + config.bindHost() + ":" + config.port() + ": " + reason;
  }

  /** Sets the standard {@code Server/ServiceLevel} (0..255); subscribed clients see it. */
  public void setServiceLevel(int level) {
    if (level < 0 || level > 255) {
      throw new IllegalArgumentException("ServiceLevel must be 0..255, not " + level);
    }
    synchronized (valueLock) {
      serviceLevel = level;
      if (redundancy != null) {
        redundancy.setServiceLevel(level);
      }
    }
  }

  /** Sets the standard {@code ServerUriArray} when the domain's servers change; after start. */
  public void setServerUris(List<String> serverUris) {
    synchronized (valueLock) {
      if (redundancy != null) {
        redundancy.setServerUris(serverUris);
      }
    }
  }

  /**
   * The users who may log in (user name and password, over an encrypted channel) and their roles,
   * read at each login and each action so a new domain version applies at once. Without it nobody
   * can log in.
   */
  public void registerUsers(Supplier<List<UserSpec>> users) {
    passwords.registerUsers(users);
  }

  /**
   * Lets the service probe of the other servers log in ({@link
   * io.hotstandby.server.probe.ProbeLogin}) with the probe keys in force, read at each login.
   */
  public void acceptProbeLogins(Supplier<List<byte[]>> keys) {
    passwords.acceptProbeLogins(keys);
  }

  /** The servers of the domain FindServers lists (read at each request); only itself without. */
  public void listServers(Supplier<List<ListedServer>> servers) {
    this.listed = Objects.requireNonNull(servers, "servers");
  }

  /**
   * Also offers an endpoint without security where anonymous sessions may read (the Viewer role).
   * Before start.
   */
  public synchronized void allowAnonymousRead(boolean allow) {
    if (started || closed) {
      throw new IllegalStateException("allow anonymous reading before the endpoint starts");
    }
    anonymousRead = allow;
  }

  /** Also listens and offers endpoints at the domain's virtual IP {@code address}. Before start. */
  public synchronized void alsoReachableAt(String address) {
    virtualHost = address;
  }

  /**
   * Where every action (allowed or refused) of a session is recorded, with the session's user and
   * client address; tag writes and acknowledgements that reach the runtime are recorded by the
   * runtime instead. Before start.
   */
  public synchronized void registerAudit(AccessPolicy.Audit audit) {
    if (started || closed) {
      throw new IllegalStateException("register the audit log before the endpoint starts");
    }
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /** Delays and locks out repeated failed logins; see {@link LoginThrottle} for the rule. */
  public LoginThrottle loginThrottle() {
    return loginThrottle;
  }

  /**
   * Tells alarm event subscribers to call ConditionRefresh: call it when this server has become
   * ACTIVE after being something else. See {@link ApplicationNamespace#announceRefreshRequired}.
   */
  public void announceAlarmRefreshRequired() {
    ApplicationNamespace namespace = applicationNamespace;
    if (namespace != null) {
      namespace.announceRefreshRequired();
    }
  }

  /** The ServiceLevel last set. */
  public int serviceLevel() {
    synchronized (valueLock) {
      return serviceLevel;
    }
  }

  /**
   * Shows {@code status} in the admin namespace; subscribed clients see the variables that changed.
   * Does not touch the standard ServiceLevel: call {@link #setServiceLevel} for that.
   */
  public void publish(AdminStatus status) {
    Objects.requireNonNull(status, "status");
    synchronized (valueLock) {
      this.status = status;
      if (admin != null) {
        admin.publish(status);
      }
    }
  }

  /** Closes the port and releases the server; harmless when called again or before start. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    AdminNamespace oldAdmin;
    synchronized (valueLock) {
      oldAdmin = admin;
      admin = null;
      redundancy = null;
    }
    if (server != null) {
      try {
        server.shutdown().get(5, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.warn("OPC UA server did not shut down cleanly: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (oldAdmin != null) {
      oldAdmin.shutdown();
    }
    if (applicationNamespace != null) {
      applicationNamespace.shutdown();
      applicationNamespace = null;
    }
    if (pki != null) {
      try {
        pki.close();
      } catch (IOException e) {
        log.warn("cannot close the OPC UA trust list: {}", e.toString());
      }
    }
    activations.close();
    if (domainAdminCalls != null) {
      domainAdminCalls.close();
    }
  }

  private OpcUaServerConfig serverConfig() {
    String productUri = "urn:hotstandby:domain-server";
    return OpcUaServerConfig.builder()
        .setApplicationUri(config.applicationUri())
        .setApplicationName(
            LocalizedText.english(
                config.productName() + " " + config.domain() + "/" + config.server()))
        .setProductUri(productUri)
        .setBuildInfo(
            new BuildInfo(
                productUri,
                "hotstandby",
                config.productName(),
                config.productVersion(),
                "",
                DateTime.now()))
        .setEndpoints(endpoints())
        .setCertificateManager(pki.certificateManager())
        .setIdentityValidator(identityValidator())
        .build();
  }

  private IdentityValidator identityValidator() {
    // Throttled per user and address before the password is checked at all.
    return EndpointSecurity.identities(anonymousRead, loginThrottle.validator(passwords));
  }

  private Set<EndpointConfig> endpoints() {
    return EndpointSecurity.endpoints(
        EndpointConfig.newBuilder()
            .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
            .setBindAddress(config.bindHost())
            .setBindPort(config.port())
            .setHostname(host)
            .setPath(OpcUaEndpointConfig.PATH)
            .setCertificate(pki.certificate()),
        anonymousRead,
        virtualHost);
  }

  /**
   * Answers an allowed {@code Server.Activate} of {@code user} when the handler has, and records
   * the answer in the audit log; the Milo thread is not held.
   */
  private CompletableFuture<ActivateResult> activate(SessionUser user) {
    return ask(user)
        .whenComplete(
            (r, e) ->
                access.audit(
                    user,
                    AccessPolicy.Action.ACTIVATE,
                    "Server.Activate",
                    null,
                    e != null
                        ? "refused: " + BoundedQueue.unwrap(e).getMessage()
                        : (r.accepted() ? "" : "not accepted: ") + r.message()));
  }

  /**
   * Asks the handler; a full queue answers {@code Bad_TooManyOperations} at once, and an activation
   * still queued at the timeout is cancelled (see {@link BoundedQueue}).
   */
  private CompletableFuture<ActivateResult> ask(SessionUser user) {
    long timeoutMs = config.activateTimeout().toMillis();
    return activations
        .submit(() -> config.activateHandler().activate(user.name()), timeoutMs)
        .handle(
            (result, e) -> {
              if (e == null) {
                return result != null
                    ? result
                    : new ActivateResult(false, "activation gave no answer");
              }
              Throwable cause = BoundedQueue.unwrap(e);
              if (cause instanceof UaException refused) {
                throw new CompletionException(refused); // the call's status
              }
              if (cause instanceof CancellationException) {
                return new ActivateResult(
                    false,
                    "not started within " + timeoutMs + " ms behind other activations; cancelled");
              }
              if (cause instanceof TimeoutException) {
                return new ActivateResult(
                    false,
                    "no answer within " + timeoutMs + " ms; the activation may still complete");
              }
              log.warn("Activate failed", cause);
              return new ActivateResult(false, "activation failed: " + cause);
            });
  }

  // The version in force as last published: what a refused change reports when nobody said.
  private long publishedDomainVersion() {
    synchronized (valueLock) {
      return status == null ? 0 : status.domainVersion();
    }
  }

  // Milo only logs why a bind failed; binding the address ourselves tells why. Null: bindable.
  private String bindFailure() {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true); // as Netty's listening socket, so TIME_WAIT does not count
      probe.bind(new InetSocketAddress(config.bindHost(), config.port()));
      return null;
    } catch (IOException e) {
      String m = e.getMessage();
      return m == null ? e.toString() : m.substring(0, 1).toLowerCase() + m.substring(1);
    }
  }

  private Set<String> certificateHosts() {
    var hosts = new LinkedHashSet<String>();
    hosts.add(host);
    hosts.add(HostnameUtil.getHostname());
    return hosts;
  }
}
