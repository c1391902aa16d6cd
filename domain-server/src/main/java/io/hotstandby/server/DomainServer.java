package io.hotstandby.server;

import io.hotstandby.cluster.sync.DomainReplicator;
import io.hotstandby.cluster.sync.ProjectFiles;
import io.hotstandby.cluster.sync.ProjectSync;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.HttpSpec;
import io.hotstandby.domain.ServerSpec;
import io.hotstandby.domain.sync.DomainStore;
import io.hotstandby.domain.sync.DomainVersion;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.IntegrityCheck;
import io.hotstandby.rec.RecState;
import io.hotstandby.rec.ServerState;
import io.hotstandby.runtime.ProjectRuntime;
import io.hotstandby.runtime.RuntimeLoadException;
import io.hotstandby.runtime.StandbyMode;
import io.hotstandby.runtime.driver.DefaultDrivers;
import io.hotstandby.server.events.AuditLog;
import io.hotstandby.server.events.EventLog;
import io.hotstandby.server.events.SwitchoverHistory;
import io.hotstandby.server.http.HttpEndpoint;
import io.hotstandby.server.http.ServerMetrics;
import io.hotstandby.server.lifecycle.Parts;
import io.hotstandby.server.lifecycle.Termination;
import io.hotstandby.server.mirror.MirrorStatus;
import io.hotstandby.server.mirror.StateMirror;
import io.hotstandby.server.opcua.OpcUaEndpoint;
import io.hotstandby.server.opcua.OpcUaEndpointConfig;
import io.hotstandby.server.opcua.OpcUaEndpointException;
import io.hotstandby.server.probe.OpcUaProbe;
import io.hotstandby.server.role.RoleSnapshot;
import io.hotstandby.server.vip.VirtualIp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One domain server: the event and audit logs, the runtime, the integrity check, the role thread,
 * the REC link, domain changes, the OPC UA endpoint, the HTTP endpoint and the cluster member,
 * composed and started in this order, stopped in the reverse order. The jobs live in classes of
 * their own: {@link RoleDriver} (the role thread), {@link PeerEvents} (what the peers do, as role
 * events), {@link Switchover}, {@link DomainChanges}, {@link Reconfiguration}, {@link
 * SecretRotation}, {@link StatusPublisher}.
 *
 * <p>The constructor starts nothing. A server that ends on its own (its cluster member cannot
 * start, a domain version removed it) completes {@link #termination()}; the program that runs it
 * decides what that means (for {@link ServerMain}: the exit code). Several servers can run in one
 * JVM.
 */
public final class DomainServer implements AutoCloseable {
  private final DomainStore store;
  private final DomainStore.Opened opened;
  private final String self;
  private final Path dataDir;
  private final String productVersion;
  private final Parts lifecycle = new Parts();
  private final CompletableFuture<Termination> termination = new CompletableFuture<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile RoleDriver role;
  private volatile EventLog events;
  private ProjectFiles.Loaded loadedProjects;

  /**
   * @param store the domain file and its history, opened
   * @param opened what opening it found (reported as events when the server starts)
   */
  public DomainServer(
      DomainStore store,
      DomainStore.Opened opened,
      String self,
      Path dataDir,
      String productVersion) {
    this.store = store;
    this.opened = opened;
    this.self = self;
    this.dataDir = dataDir;
    this.productVersion = productVersion;
  }

  /**
   * Starts every part and the role machine; throws with a one-line reason if a part fails. The
   * caller closes the server either way.
   */
  public void start() throws StartupException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("a domain server starts once");
    }
    Domain domain = opened.domain();
    EventLog events = new EventLog(dataDir.resolve("events.jsonl"), self);
    this.events = events;
    lifecycle.start(Parts.closing("event log", events));
    AuditLog audit = new AuditLog(dataDir.resolve("audit.jsonl"), self);
    lifecycle.start(Parts.closing("audit log", audit::close));
    events.record(
        Weight.NOTICE,
        "server",
        "starting "
            + self
            + " of domain "
            + domain.name()
            + " (domain version "
            + domain.version()
            + ", product "
            + productVersion
            + ", pid "
            + ProcessHandle.current().pid()
            + ")");
    opened.notices().forEach(n -> events.record(Weight.NOTICE, "domain", n));
    opened.errors().forEach(n -> events.record(Weight.ERROR, "domain", n));
    ProjectRuntime runtime = newRuntime(domain, dataDir, events, audit);
    ServerParts parts =
        new ServerParts(self, productVersion, dataDir, store, domain, events, audit, runtime);
    SwitchoverHistory switchovers = new SwitchoverHistory(dataDir.resolve("switchovers.jsonl"));
    lifecycle.start(Parts.closing("switchover history", switchovers));
    switchovers.skipped().forEach(line -> events.record(Weight.WARNING, "history", line));
    // The lag a takeover records is the mirror's just before this server became ACTIVE.
    parts.mirrorLag =
        new MirrorLagProbe() {
          @Override
          public long lagEntries() {
            MirrorStatus m = followedBeforeActivation(parts);
            return m == null ? 0 : m.lagEntries();
          }

          @Override
          public long lagMillis() {
            MirrorStatus m = followedBeforeActivation(parts);
            return m == null ? 0 : m.lagMillis();
          }
        };
    parts.history = new HistoryTopic(parts, switchovers);
    lifecycle.start(Parts.closing("history topic", parts.history));
    ServerMetrics httpMetrics = httpMetrics(parts, switchovers);
    lifecycle.start(Parts.of("runtime", () -> loadRuntime(parts), runtime::close));

    lifecycle.start(
        Parts.of(
            "state mirror",
            () -> {
              StateMirror mirror = new StateMirror(new MirrorWiring(parts, this::snapshot));
              parts.mirror = mirror;
              events.tap(mirror::eventLogged);
              mirror.start();
            },
            () -> {
              events.tap(line -> {});
              Parts.closeQuietly("state mirror", parts.mirror);
            }));

    SecretRotation secrets = new SecretRotation(parts);
    StatusPublisher status = new StatusPublisher(parts, secrets, this::snapshot);
    lifecycle.start(
        Parts.of(
            "integrity check",
            () -> {
              parts.integrity = new IntegrityCheck(PartConfigs.integrityAddresses(domain), 200);
              parts.integrity.start(250);
            },
            () -> Parts.closeQuietly("integrity check", parts.integrity)));
    ServerContext context = new ServerContext(parts);
    RoleDriver driver = new RoleDriver(parts, context, status::publish);
    role = driver;
    parts.mirror.onAdvance(driver::mirrorAdvanced);
    parts.forwarding = new SwapForwarding(parts, driver);
    parts.mirror.handleForwards(parts.forwarding);
    PeerEvents peers = new PeerEvents(parts, driver);
    Switchover switchover = new Switchover(parts, driver);
    Reconfiguration reconfiguration =
        new Reconfiguration(
            parts, context, driver, peers, secrets, status::publish, this::removedFromDomain);
    DomainReplicator replicator =
        new DomainReplicator(store, self, new ReplicaEvents(events, reconfiguration));
    parts.replicator = replicator;
    lifecycle.start(Parts.closing("domain replication", replicator));
    lifecycle.start(
        Parts.of(
            "project sync",
            () -> parts.projectSync = newProjectSync(parts, driver),
            () -> Parts.closeQuietly("project sync", parts.projectSync)));

    ClusterMembership.checkPortFree(parts);
    try {
      parts.recState = RecState.in(dataDir);
    } catch (IOException e) {
      throw new StartupException(
          StartupException.RESOURCE, "REC boot numbers: " + e.getMessage(), e);
    }
    parts.rec = PartConfigs.recLink(domain, self, peers, parts.recState);
    parts.virtualIp =
        VirtualIp.of(
            domain.hotStandby().virtualIp(),
            self,
            (weight, message, details) -> parts.events.record(weight, "vip", message, details),
            () -> driver.execute(driver::readinessChanged));
    if (parts.virtualIp != null) {
      // A copy a crashed run left goes before the role machine may take the role.
      lifecycle.start(parts.virtualIp);
    }
    // Decide what the domain alone decides (maintenance, inactive) before any peer is heard.
    lifecycle.start(driver);
    lifecycle.start(
        Parts.of(
            "REC link", () -> startRec(parts), () -> Parts.closeQuietly("REC link", parts.rec)));
    DomainChanges changes = new DomainChanges(parts, switchover, replicator, reconfiguration::post);
    lifecycle.start(changes);
    lifecycle.start(
        Parts.of(
            "OPC UA endpoint",
            () -> parts.opcUa = startOpcUa(parts, switchover, changes, secrets),
            () -> Parts.closeQuietly("OPC UA endpoint", parts.opcUa)));
    lifecycle.start(
        Parts.of(
            "HTTP endpoint",
            () -> parts.http = startHttp(parts, httpMetrics),
            () -> Parts.closeQuietly("HTTP endpoint", parts.http)));
    OpcUaProbe prober = new OpcUaProbe(secrets::probeKey);
    ServiceProbes probes = new ServiceProbes(parts, driver, prober);
    parts.probes = probes;
    lifecycle.start(
        Parts.of(
            "service probe",
            probes::start,
            () -> {
              probes.close();
              prober.close(); // its thread has stopped
            }));
    lifecycle.start(
        new ClusterMembership(parts, peers, secrets, switchover, replicator, this::terminate));
    driver.startTimers();
    driver.every(status::publish, StatusPublisher.PERIOD_MS);
  }

  /**
   * The mirror just before this server last became ACTIVE, or null when it followed no active then
   * (a start, or a switchover taken back): nothing to be behind of.
   */
  private static MirrorStatus followedBeforeActivation(ServerParts parts) {
    StateMirror m = parts.mirror;
    MirrorStatus s = m == null ? null : m.atLastActivation();
    return s == null || s.active().isEmpty() ? null : s;
  }

  private static ProjectRuntime newRuntime(
      Domain domain, Path dataDir, EventLog events, AuditLog audit) {
    ProjectRuntime runtime =
        new ProjectRuntime(
            domain.hotStandby().standbyMode() == io.hotstandby.domain.StandbyMode.COLD
                ? StandbyMode.COLD
                : StandbyMode.WARM,
            new DefaultDrivers(dataDir),
            r -> audit.record(r.user(), r.client(), r.action(), r.target(), r.value(), r.result()),
            Clock.systemUTC());
    runtime.addHealthListener(
        e -> events.record(e.up() ? Weight.NOTICE : Weight.WARNING, "runtime", e.text()));
    return runtime;
  }

  /**
   * Loads the projects from bytes read once, so the manifest of what runs ({@link
   * ProjectSync#loaded}) is exactly what the runtime parsed.
   */
  private void loadRuntime(ServerParts parts) {
    parts.runtime.keepRetentiveValuesIn(dataDir.resolve("retentive.properties"));
    ProjectFiles.Loaded read = ProjectFiles.readForLoading(parts.domain);
    loadedProjects = read;
    try {
      parts.runtime.load(parts.domain.projects(), read.contents());
    } catch (RuntimeLoadException e) {
      parts.events.record(Weight.ERROR, "runtime", "runtime not ready: " + e.getMessage());
      System.err.println("domain-server: runtime not ready: " + e.getMessage());
    }
  }

  private ProjectSync newProjectSync(ServerParts parts, RoleDriver driver) {
    return new ProjectSync(
        () -> parts.domain,
        self,
        dataDir,
        loadedProjects.manifest(),
        () -> driver.snapshot() != null && driver.snapshot().state() == ServerState.ACTIVE,
        () -> driver.snapshot() == null ? 0 : driver.snapshot().term(),
        new ProjectEvents(parts.events, driver));
  }

  private void startRec(ServerParts parts) throws StartupException {
    try {
      parts.rec.start();
    } catch (IOException e) {
      throw new StartupException(
          StartupException.RESOURCE, parts.domain.file() + ": rec: " + e.getMessage(), e);
    }
  }

  private OpcUaEndpoint startOpcUa(
      ServerParts parts, Switchover switchover, DomainChanges changes, SecretRotation secrets)
      throws StartupException {
    Domain domain = parts.domain;
    ServerSpec me = domain.server(self).orElseThrow();
    OpcUaEndpoint endpoint =
        new OpcUaEndpoint(
            new OpcUaEndpointConfig(
                me.host(),
                me.opcUaPort(),
                domain.name(),
                self,
                "Hot-standby domain server",
                productVersion,
                dataDir.resolve("pki"),
                PartConfigs.serverUris(domain),
                switchover::activate,
                Duration.ofMillis(parts.swapTimeoutMillis() + 3000)));
    if (parts.runtime.ready()) {
      endpoint.registerApplication(
          new RuntimeApplicationView(parts.runtime, parts.mirror, parts.forwarding));
    }
    endpoint.registerDomainAdmin(new ServerOperations(parts, role, switchover, changes));
    endpoint.registerUsers(() -> parts.domain.users());
    endpoint.acceptProbeLogins(secrets::acceptedProbeKeys);
    endpoint.listServers(() -> PartConfigs.listedServers(parts.domain));
    endpoint.allowAnonymousRead(domain.security().anonymousRead());
    if (parts.virtualIp != null) {
      endpoint.alsoReachableAt(domain.hotStandby().virtualIp().address());
    }
    endpoint.registerAudit(
        (user, action, target, value, result) ->
            parts.audit.record(user.name(), user.client(), action, target, value, result));
    endpoint
        .loginThrottle()
        .auditTo(
            (user, address, result) ->
                parts.audit.record(user, address, "login", "", null, result));
    try {
      endpoint.start();
    } catch (OpcUaEndpointException e) {
      Parts.closeQuietly("OPC UA endpoint", endpoint);
      throw new StartupException(StartupException.RESOURCE, e.getMessage(), e);
    }
    return endpoint;
  }

  /**
   * The metrics of the HTTP endpoint the domain file gives this server, or null without one; made
   * before the runtime loads, so they count its tag updates and see every driver connect.
   */
  private static ServerMetrics httpMetrics(ServerParts parts, SwitchoverHistory switchovers) {
    if (parts.domain.server(parts.self).orElseThrow().http().isEmpty()) {
      return null;
    }
    ServerMetrics metrics =
        new ServerMetrics(
            () -> parts.http == null ? null : parts.http.latest(), switchovers::totals);
    parts.runtime.addTagListener((path, value) -> metrics.tagUpdated());
    parts.runtime.addHealthListener(e -> metrics.driverConnected(e.driver(), e.up()));
    return metrics;
  }

  /** Starts the HTTP endpoint, or none without metrics. Read at start only. */
  private HttpEndpoint startHttp(ServerParts parts, ServerMetrics metrics) throws StartupException {
    if (metrics == null) {
      return null;
    }
    HttpSpec spec = parts.domain.server(self).orElseThrow().http().orElseThrow();
    HttpEndpoint endpoint = new HttpEndpoint(spec.bind(), spec.port(), self, metrics);
    try {
      endpoint.start();
    } catch (IOException e) {
      throw new StartupException(
          StartupException.RESOURCE, parts.domain.file() + ": http: " + e.getMessage(), e);
    }
    return endpoint;
  }

  /** A domain version without this server: it ends, as if stopped by the operator. */
  private void removedFromDomain() {
    terminate(new Termination(0, ""));
  }

  private void terminate(Termination why) {
    termination.complete(why);
  }

  /**
   * Completes when the server ended on its own (see {@link Termination}) or was closed (exit code
   * 0, no message).
   */
  public CompletableFuture<Termination> termination() {
    return termination;
  }

  /** The current role snapshot, or null before the start. */
  public RoleSnapshot snapshot() {
    RoleDriver r = role;
    return r == null ? null : r.snapshot();
  }

  /**
   * Runs {@code task} on the role thread after what is queued there, or drops it before the start
   * and after the stop: a liveness probe for the service manager's watchdog.
   */
  public void onRoleThread(Runnable task) {
    RoleDriver r = role;
    if (r != null) {
      r.execute(task);
    }
  }

  /** Blocks until {@link #close()} has run. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /**
   * Announces STOPPED so the standby takes over at once, stops the role thread so that no decision
   * is applied to a part already stopped, then stops the parts in the reverse order of their start.
   * A second call returns at once.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    RoleDriver r = role;
    if (r != null) {
      r.announceShutdown();
      r.stop();
    }
    EventLog log = events;
    if (log != null) {
      log.record(Weight.NOTICE, "server", "stopped");
    }
    lifecycle.stopAll();
    termination.complete(new Termination(0, ""));
    stopped.countDown();
  }

  /** What the replicator finds, into the event log and the server. */
  private record ReplicaEvents(EventLog events, Reconfiguration reconfiguration)
      implements DomainReplicator.Listener {
    @Override
    public void inForce(Domain next, DomainVersion v, String how) {
      events.record(Weight.NOTICE, "domain", "domain " + v.label() + " in force (" + how + ")");
      reconfiguration.post();
    }

    @Override
    public void event(Weight weight, String message) {
      events.record(weight, "domain", message);
    }
  }

  /** What project synchronisation finds, into the event log and the server's readiness. */
  private record ProjectEvents(EventLog events, RoleDriver role) implements ProjectSync.Listener {
    @Override
    public void event(Weight weight, String message) {
      events.record(weight, "projects", message);
    }

    @Override
    public void inSyncChanged(boolean inSync) {
      role.execute(role::readinessChanged);
    }
  }
}
