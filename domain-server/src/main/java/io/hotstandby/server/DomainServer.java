package io.hotstandby.server;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.cluster.sync.DomainHistoryJson;
import io.hotstandby.cluster.sync.DomainReplicator;
import io.hotstandby.cluster.sync.ProjectFiles;
import io.hotstandby.cluster.sync.ProjectManifest;
import io.hotstandby.cluster.sync.ProjectSync;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileException;
import io.hotstandby.domain.DomainRole;
import io.hotstandby.domain.IntegrityAddress;
import io.hotstandby.domain.RecEndpoint;
import io.hotstandby.domain.ServerSpec;
import io.hotstandby.domain.Sha256;
import io.hotstandby.domain.sync.DomainFileWatcher;
import io.hotstandby.domain.sync.DomainStore;
import io.hotstandby.domain.sync.DomainStore.Proposal;
import io.hotstandby.domain.sync.DomainVersion;
import io.hotstandby.domain.sync.HistoryEntry;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.Heartbeat;
import io.hotstandby.rec.IntegrityCheck;
import io.hotstandby.rec.LocalStatus;
import io.hotstandby.rec.PeerView;
import io.hotstandby.rec.RecLink;
import io.hotstandby.rec.RecListener;
import io.hotstandby.rec.ServerState;
import io.hotstandby.runtime.ProjectRuntime;
import io.hotstandby.runtime.RuntimeLoadException;
import io.hotstandby.runtime.StandbyMode;
import io.hotstandby.runtime.driver.DefaultDrivers;
import io.hotstandby.server.events.AuditLog;
import io.hotstandby.server.events.EventLog;
import io.hotstandby.server.opcua.ActivateResult;
import io.hotstandby.server.opcua.DomainAdmin;
import io.hotstandby.server.opcua.DomainAdminResult;
import io.hotstandby.server.opcua.OpcUaEndpoint;
import io.hotstandby.server.opcua.OpcUaEndpointConfig;
import io.hotstandby.server.opcua.OpcUaEndpointException;
import io.hotstandby.server.role.FileTermStore;
import io.hotstandby.server.role.Outcome;
import io.hotstandby.server.role.RoleEvent;
import io.hotstandby.server.role.RoleMachine;
import io.hotstandby.server.role.RoleNotice;
import io.hotstandby.server.role.RoleSnapshot;
import io.hotstandby.server.role.ServiceLevels;
import io.hotstandby.server.role.Transition;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One domain server process: the REC link, the integrity check, the runtime, the OPC UA endpoint
 * and the Hazelcast member, composed around the role machine. Every role event runs on one thread
 * ("role"), so the machine sees events in order and needs no locks; what it decides is applied
 * there too: term stored, runtime activated or deactivated, new state announced at once.
 */
public final class DomainServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DomainServer.class);
  private static final long TICK_MS = 25;
  private static final long PUBLISH_MS = 250;

  /** A cluster removal followed this soon by missing heartbeats is a crash. */
  private static final long CRASH_CORRELATION_MS = 2000;

  private final DomainStore store;
  private final DomainStore.Opened opened;
  private final String self;
  private final Path dataDir;
  private final String productVersion;
  private final ProjectRuntime runtime;
  private final AuditLog audit;
  private final EventLog events;
  private final ScheduledExecutorService roleThread;
  private final ExecutorService operatorThread;
  private final Map<String, Long> clusterRemovedAt = new ConcurrentHashMap<>();
  private final List<CompletableFuture<Void>> stateWaiters = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private volatile Domain domain;
  private volatile IntegrityCheck integrity;
  private volatile RecLink rec;
  private DomainReplicator replicator;
  private volatile ProjectSync projectSync;
  private ProjectManifest loadedProjects = ProjectManifest.EMPTY;
  private DomainFileWatcher watcher;
  private final Object changeLock = new Object();
  private OpcUaEndpoint opcUa;
  private volatile ClusterMember cluster;
  private RoleMachine machine;
  private ServerContext context;
  private volatile RoleSnapshot snapshot;
  private volatile boolean closed;

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
    this.domain = opened.domain();
    this.self = self;
    this.dataDir = dataDir;
    this.productVersion = productVersion;
    this.events = new EventLog(dataDir.resolve("events.jsonl"), self);
    this.audit = new AuditLog(dataDir.resolve("audit.jsonl"), self);
    this.runtime =
        new ProjectRuntime(
            domain.hotStandby().standbyMode() == io.hotstandby.domain.StandbyMode.COLD
                ? StandbyMode.COLD
                : StandbyMode.WARM,
            new DefaultDrivers(),
            r -> audit.record(r.user(), r.action(), r.target(), r.value(), r.result()),
            Clock.systemUTC());
    runtime.keepRetentiveValuesIn(dataDir.resolve("retentive.properties"));
    runtime.addHealthListener(
        e -> events.record(e.up() ? Weight.NOTICE : Weight.WARNING, "runtime", e.text()));
    this.roleThread =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "role-" + self));
    this.operatorThread = Executors.newCachedThreadPool(r -> daemon(r, "operator-" + self));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts every part and the role machine; throws with a one-line reason if a part fails. */
  public void start() throws StartupException {
    ServerSpec me = domain.server(self).orElseThrow();
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
    replicator = new DomainReplicator(store, self, new ReplicaEvents());
    loadRuntime();
    projectSync =
        new ProjectSync(
            () -> domain,
            self,
            dataDir,
            loadedProjects,
            () -> snapshot != null && snapshot.state() == ServerState.ACTIVE,
            () -> snapshot == null ? 0 : snapshot.term(),
            new ProjectEvents());
    integrity = new IntegrityCheck(integrityAddresses(domain), 200);
    integrity.start(250);
    context = new ServerContext(domain, self, productVersion, integrity, runtime, this::ready);
    try {
      machine =
          new RoleMachine(
              context,
              new FileTermStore(dataDir.resolve("term")),
              System::currentTimeMillis,
              System::nanoTime);
    } catch (RuntimeException e) {
      String cause = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      throw new StartupException(StartupException.RESOURCE, cause, e);
    }
    snapshot = machine.snapshot();
    checkClusterPortFree(me);
    rec = buildRecLink(me);
    // Decide what the domain alone decides (maintenance, inactive) before any peer is heard.
    try {
      roleThread.submit(() -> handle(new RoleEvent.Started())).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new StartupException(StartupException.RESOURCE, "role machine: " + e, e);
    }
    try {
      rec.start();
    } catch (IOException e) {
      throw new StartupException(
          StartupException.RESOURCE, domain.file() + ": rec: " + e.getMessage(), e);
    }
    opcUa = startOpcUa(me);
    watchDomainFile();
    CompletableFuture.runAsync(this::startCluster, operatorThread);
    roleThread.schedule(
        () -> handle(new RoleEvent.JoinWindowElapsed()), joinWindowMillis(), TimeUnit.MILLISECONDS);
    // Fixed delay, not fixed rate: after a pause the ticks must not pile up ahead of REC events.
    roleThread.scheduleWithFixedDelay(
        () -> handle(new RoleEvent.Tick()), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    roleThread.scheduleWithFixedDelay(this::publish, 0, PUBLISH_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * How long a starting server listens before it may claim the role: two failover timeouts for the
   * main, four for the backup, so that when both start together the main takes the role.
   */
  private long joinWindowMillis() {
    long timeout = domain.hotStandby().failoverTimeoutMs();
    return domain.roleOf(self) == DomainRole.BACKUP ? 4 * timeout : 2 * timeout;
  }

  /** Fails the start with a one-line error rather than stopping later from the cluster thread. */
  private void checkClusterPortFree(ServerSpec me) throws StartupException {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(me.host(), me.hazelcastPort()));
    } catch (IOException e) {
      throw new StartupException(
          StartupException.RESOURCE,
          domain.file()
              + ": servers/server[@name='"
              + self
              + "']/hazelcast/@port: cannot bind "
              + me.host()
              + ":"
              + me.hazelcastPort()
              + ": "
              + e.getMessage());
    }
  }

  private static List<String> serverUris(Domain d) {
    return d.servers().stream()
        .map(s -> OpcUaEndpointConfig.applicationUri(d.name(), s.name()))
        .toList();
  }

  private OpcUaEndpoint startOpcUa(ServerSpec me) throws StartupException {
    List<String> uris = serverUris(domain);
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
                uris,
                () -> activateFromOperator("operator"),
                Duration.ofMillis(swapTimeoutMillis() + 3000)));
    if (runtime.ready()) {
      endpoint.registerApplication(new RuntimeApplicationView(runtime));
    }
    endpoint.registerDomainAdmin(new DomainChanges());
    endpoint.registerUsers(() -> domain.users());
    try {
      endpoint.start();
    } catch (OpcUaEndpointException e) {
      throw new StartupException(StartupException.RESOURCE, e.getMessage(), e);
    }
    return endpoint;
  }

  /**
   * Loads the projects from bytes read once, so the manifest of what runs ({@link
   * ProjectSync#loaded}) is exactly what the runtime parsed.
   */
  private void loadRuntime() throws StartupException {
    ProjectFiles.Loaded read = ProjectFiles.readForLoading(domain);
    loadedProjects = read.manifest();
    try {
      runtime.load(domain.projects(), read.contents());
    } catch (RuntimeLoadException e) {
      events.record(Weight.ERROR, "runtime", "runtime not ready: " + e.getMessage());
      System.err.println("domain-server: runtime not ready: " + e.getMessage());
    }
  }

  private static List<InetSocketAddress> integrityAddresses(Domain d) {
    List<InetSocketAddress> list = new ArrayList<>();
    for (IntegrityAddress a : d.hotStandby().integrity()) {
      list.add(new InetSocketAddress(a.host(), a.port()));
    }
    return list;
  }

  private RecLink buildRecLink(ServerSpec me) {
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
        .localEndpoints(local)
        .peers(peers)
        .listener(new RecEvents())
        .build();
  }

  private void startCluster() {
    try {
      cluster =
          ClusterMember.start(
              domain,
              self,
              name -> roleThread.execute(() -> clusterRemoved(name)),
              name -> {
                replicator.peerJoined(name);
                projectSync.peerJoined(name);
              });
      cluster.setKeys(topicKeys());
      replicator.attach(cluster);
      projectSync.attach(cluster);
      cluster.subscribe(ADMIN_TOPIC, this::adminMessage);
      events.record(
          Weight.NOTICE,
          "cluster",
          "cluster member up with " + cluster.memberCount() + " member(s)");
    } catch (RuntimeException e) {
      ServerSpec me = domain.server(self).orElseThrow();
      String msg =
          "hazelcast: cannot start the cluster member on "
              + me.host()
              + ":"
              + me.hazelcastPort()
              + ": "
              + e.getMessage();
      events.record(Weight.ERROR, "cluster", msg);
      System.err.println("domain-server: " + msg);
      if (!closed) {
        // exit (not halt) from a fresh thread: the shutdown hook then announces STOPPED.
        new Thread(() -> System.exit(StartupException.RESOURCE), "exit").start();
      }
    }
  }

  // ---- events into the machine ------------------------------------------------------------

  /** Translates what the REC link sees into role events, posted to the role thread. */
  private final class RecEvents implements RecListener {
    @Override
    public void onHeartbeat(PeerView peer, Heartbeat hb, String path) {
      roleThread.execute(() -> heard(hb));
    }

    @Override
    public void onLivenessChanged(PeerView peer, PeerView.Liveness from, PeerView.Liveness to) {
      roleThread.execute(() -> livenessChanged(peer, from, to));
    }

    @Override
    public void onPause(long lateMillis) {
      roleThread.execute(() -> handle(new RoleEvent.Paused(lateMillis)));
    }
  }

  private void heard(Heartbeat hb) {
    if (hb.state() == ServerState.STOPPED) {
      handle(new RoleEvent.PeerLost(hb.server(), "stopped"));
      return;
    }
    handle(
        new RoleEvent.PeerHeard(
            hb.server(),
            hb.state(),
            hb.term(),
            hb.activeSinceMillis(),
            hb.health(),
            hb.runtimeReady(),
            hb.domainVersion(),
            hb.productVersion(),
            hb.takeoverRequest(),
            hb.handoverTo(),
            hb.echoNanos()));
  }

  private void livenessChanged(PeerView peer, PeerView.Liveness from, PeerView.Liveness to) {
    long silent =
        peer.lastSeenNanos() == 0 ? 0 : (System.nanoTime() - peer.lastSeenNanos()) / 1_000_000;
    switch (to) {
      case LOST ->
          handle(new RoleEvent.PeerLost(peer.name(), "lost on all paths for " + silent + " ms"));
      case SUSPECT -> {
        Long removed = clusterRemovedAt.get(peer.name());
        // A crash only if nothing was heard since the cluster removed it, and that was recent.
        if (removed != null
            && peer.lastSeenNanos() - removed < 0
            && System.nanoTime() - removed < CRASH_CORRELATION_MS * 1_000_000) {
          handle(
              new RoleEvent.PeerLost(
                  peer.name(),
                  "crashed: cluster member removed and heartbeats missing for " + silent + " ms"));
        }
      }
      case ALIVE -> {
        clusterRemovedAt.remove(peer.name());
        if (from == PeerView.Liveness.LOST || from == PeerView.Liveness.SUSPECT) {
          events.record(Weight.NOTICE, "rec", "peer " + peer.name() + " heard again");
        }
      }
      default -> {}
    }
  }

  private void clusterRemoved(String name) {
    PeerView peer = rec.peers().get(name);
    if (peer == null) {
      return;
    }
    if (peer.liveness() == PeerView.Liveness.SUSPECT) {
      handle(
          new RoleEvent.PeerLost(name, "crashed: cluster member removed and heartbeats missing"));
    } else {
      clusterRemovedAt.put(name, System.nanoTime());
      if (peer.liveness() == PeerView.Liveness.ALIVE) {
        events.record(
            Weight.WARNING,
            "cluster",
            "cluster member " + name + " removed while its heartbeats still arrive");
      }
    }
  }

  /** Runs one event through the machine and applies what it decided. Role thread only. */
  private void handle(RoleEvent event) {
    if (machine == null) {
      return;
    }
    try {
      apply(machine.handle(event));
    } catch (Throwable t) {
      // Never let a failure cancel the periodic tick or vanish into a future.
      log.error("role event {} failed", event, t);
      events.record(Weight.ERROR, "role", "handling " + event + " failed: " + t);
    }
  }

  private void apply(Outcome outcome) {
    for (RoleNotice n : outcome.notices()) {
      Map<String, Object> details = new HashMap<>();
      if (n.durationMillis() >= 0) {
        details.put("durationMs", n.durationMillis());
      }
      events.record(n.weight(), "role", n.message(), details);
    }
    for (Transition t : outcome.transitions()) {
      events.record(
          Weight.NOTICE,
          "role",
          t.message(),
          Map.of("from", t.from().name(), "to", t.to().name(), "term", t.term()));
      if (t.to() == ServerState.ACTIVE) {
        runtime.activate();
      } else if (t.from() == ServerState.ACTIVE) {
        runtime.deactivate();
      }
    }
    RoleSnapshot before = snapshot;
    RoleSnapshot now = machine.snapshot();
    snapshot = now;
    if (now.writesSuspended() != before.writesSuspended()) {
      runtime.suspendWrites(now.writesSuspended());
    }
    if (now.state() != before.state() && projectSync != null) {
      projectSync.roleChanged();
    }
    if (rec == null) {
      return;
    }
    rec.setStatus(localStatus(now));
    if (!now.equals(before)) {
      rec.sendNow();
      publish();
      completeWaiters();
    }
  }

  /**
   * Whether this server could run the application: its runtime is loaded and, when the domain
   * synchronises project files, the files it loaded are the active's. What the role machine, the
   * heartbeats, the ServiceLevel and switchovers go by.
   */
  boolean ready() {
    ProjectSync p = projectSync;
    return runtime.ready() && (p == null || p.projectsMatchActive());
  }

  /** Readiness may have changed: announce it now rather than at the next heartbeat. Role thread. */
  private void readinessChanged() {
    handle(new RoleEvent.Tick());
    if (rec != null) {
      rec.setStatus(localStatus(snapshot));
      rec.sendNow();
    }
    publish();
  }

  /** What project synchronisation finds, into the event log and the server's readiness. */
  private final class ProjectEvents implements ProjectSync.Listener {
    @Override
    public void event(Weight weight, String message) {
      events.record(weight, "projects", message);
    }

    @Override
    public void inSyncChanged(boolean inSync) {
      if (!closed) {
        roleThread.execute(DomainServer.this::readinessChanged);
      }
    }
  }

  private LocalStatus localStatus(RoleSnapshot s) {
    return new LocalStatus(
        s.state(),
        s.term(),
        s.activeSinceMillis(),
        runtime.health(),
        ready(),
        domain.version(),
        0,
        productVersion,
        s.takeoverRequest(),
        s.handoverTo());
  }

  // ---- operators ----------------------------------------------------------------------------

  /**
   * An operator's Activate: refused at once with every unmet precondition, or carried out and
   * answered when this server is active or the switchover was aborted.
   */
  ActivateResult activateFromOperator(String user) {
    CompletableFuture<Outcome> asked = new CompletableFuture<>();
    CompletableFuture<Void> changed = new CompletableFuture<>();
    roleThread.execute(
        () -> {
          synchronized (stateWaiters) {
            stateWaiters.add(changed);
          }
          try {
            Outcome o = machine.handle(new RoleEvent.ActivateRequested(user));
            apply(o);
            asked.complete(o);
          } catch (Throwable t) {
            asked.completeExceptionally(t);
          }
        });
    try {
      Outcome o = asked.get(5, TimeUnit.SECONDS);
      if (!o.unmet().isEmpty()) {
        return new ActivateResult(false, "refused: " + String.join("; ", o.unmet()));
      }
      long deadline = System.currentTimeMillis() + swapTimeoutMillis() + 1000;
      while (System.currentTimeMillis() < deadline) {
        RoleSnapshot s = snapshot;
        if (s.state() == ServerState.ACTIVE) {
          return new ActivateResult(true, self + " is now ACTIVE (term " + s.term() + ")");
        }
        if (s.takeoverRequest().isEmpty()) {
          return new ActivateResult(
              false, "switchover aborted: the active did not hand over; nothing changed");
        }
        CompletableFuture<Void> next = new CompletableFuture<>();
        synchronized (stateWaiters) {
          stateWaiters.add(next);
        }
        try {
          next.get(PUBLISH_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // re-check the snapshot
        }
      }
      return new ActivateResult(false, "switchover did not complete in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ActivateResult(false, "interrupted");
    } catch (Exception e) {
      return new ActivateResult(false, "failed: " + e.getMessage());
    }
  }

  /** As the role machine bounds a switchover: max(2 s, 4 × failover timeout). */
  private long swapTimeoutMillis() {
    return Math.max(2000, 4L * domain.hotStandby().failoverTimeoutMs());
  }

  private void completeWaiters() {
    List<CompletableFuture<Void>> waiting;
    synchronized (stateWaiters) {
      waiting = new ArrayList<>(stateWaiters);
      stateWaiters.clear();
    }
    waiting.forEach(f -> f.complete(null));
  }

  // ---- the domain file ----------------------------------------------------------------------

  /** Carries requests between servers that the REC link does not: "activate SERVER USER". */
  private static final String ADMIN_TOPIC = "hotstandby.admin";

  private void watchDomainFile() {
    try {
      watcher = new DomainFileWatcher(store.file(), 150, this::localEdit);
    } catch (IOException e) {
      events.record(
          Weight.WARNING,
          "domain",
          "cannot watch " + store.file() + " for local edits: " + e.getMessage());
    }
  }

  /** The file changed on disk: a local edit, unless it is a version this server wrote. */
  private void localEdit(byte[] content) {
    String sha = Sha256.hex(content);
    // The version in force, or a file this server wrote itself a moment ago: not an edit. Any
    // other content, an older version's included (a backup copied back), is a change.
    if (closed || sha.equals(store.current().sha256()) || store.wroteRecently(sha)) {
      return;
    }
    operatorThread.execute(() -> change(content, "local", "edit of " + store.file(), true));
  }

  /**
   * Validates and puts in force a change made on this server (an apply, a rollback, a local edit),
   * first performing the planned switchover it needs; one change at a time.
   *
   * @param edit whether the change is already on disk (a local edit), so that a refusal writes the
   *     version in force back
   */
  DomainAdminResult change(byte[] content, String user, String source, boolean edit) {
    synchronized (changeLock) {
      DomainVersion before = store.current();
      Proposal p;
      try {
        p = store.propose(content, user, source);
      } catch (DomainFileException e) {
        return refused(content, user, source, edit, e.getMessage());
      } catch (RuntimeException e) {
        return refused(content, user, source, edit, store.file() + ": " + e.getMessage());
      }
      if (p == null) {
        return new DomainAdminResult(
            true, "no change: " + before.label() + " is already in force", before.number());
      }
      String active = activeServer();
      String blocked = switchoverFor(p.domain(), user);
      if (!blocked.isEmpty()) {
        return refused(content, user, source, edit, blocked);
      }
      boolean switched = !active.isEmpty() && !activeServer().equals(active);
      DomainVersion v;
      try {
        v = store.commit(p);
      } catch (IOException | IllegalStateException e) {
        String msg =
            "cannot put the domain file change in force ("
                + source
                + "): "
                + e.getMessage()
                + "; "
                + store.current().label()
                + " stays in force"
                + (switched
                    ? " (the switchover it needed was made: " + activeServer() + " is ACTIVE)"
                    : "");
        events.record(Weight.ERROR, "domain", msg);
        audit.record(user, "domain.change", store.file().toString(), source, "failed: " + msg);
        return new DomainAdminResult(false, msg, store.current().number());
      }
      String msg = "domain " + v.label() + " in force (" + source + " by " + user + ")";
      events.record(Weight.NOTICE, "domain", msg);
      audit.record(user, "domain.change", store.file().toString(), source, v.label());
      replicator.changedHere();
      roleThread.execute(this::reconfigure);
      return new DomainAdminResult(true, msg + "; sent to every server", v.number());
    }
  }

  private DomainAdminResult refused(
      byte[] content, String user, String source, boolean edit, String why) {
    String msg =
        edit
            ? store.refuse(content, user, source, why)
            : "domain file change refused ("
                + source
                + "): "
                + why
                + "; "
                + store.current().label()
                + " stays in force";
    events.record(Weight.ERROR, "domain", msg);
    audit.record(user, "domain.change", store.file().toString(), source, "refused: " + why);
    return new DomainAdminResult(false, msg, store.current().number());
  }

  /**
   * A change that takes the active role from the active server (maintenance, removed, neither main
   * nor backup) first hands it to the standby that keeps a role in the new version.
   *
   * @return "" when the change may go ahead, else why not
   */
  private String switchoverFor(Domain next, String user) {
    String active = activeServer();
    if (active.isEmpty() || keepsActiveRole(next, active)) {
      return "";
    }
    Domain now = domain;
    String successor =
        now.roleOf(active) == DomainRole.MAIN
            ? now.hotStandby().backup()
            : now.roleOf(active) == DomainRole.BACKUP ? now.hotStandby().main() : "";
    String why = "";
    if (successor.isEmpty() || !standingByReady(successor)) {
      why = successor.isEmpty() ? "no partner" : successor + " is not a ready STANDBY";
    } else if (!keepsActiveRole(next, successor)) {
      why = successor + " would have no role either";
    }
    if (!why.isEmpty()) {
      return "domain version "
          + next.version()
          + " takes the active role from "
          + active
          + " and no standby can take over ("
          + why
          + ")";
    }
    events.record(
        Weight.NOTICE,
        "domain",
        "domain version "
            + next.version()
            + " takes the active role from "
            + active
            + ": switching over to "
            + successor
            + " first");
    ActivateResult r =
        successor.equals(self)
            ? activateFromOperator(user)
            : activateRemotely(successor, user, active);
    return r.accepted() ? "" : "the switchover to " + successor + " failed: " + r.message();
  }

  private static boolean keepsActiveRole(Domain next, String server) {
    return next.server(server).map(s -> !s.maintenance()).orElse(false)
        && (next.roleOf(server) == DomainRole.MAIN
            || (next.roleOf(server) == DomainRole.BACKUP && next.hotStandby().enabled()));
  }

  /** The server that is ACTIVE now as far as this one knows, or "". */
  private String activeServer() {
    if (snapshot.state() == ServerState.ACTIVE) {
      return self;
    }
    for (PeerView p : rec.peers().values()) {
      if (p.liveness() == PeerView.Liveness.ALIVE
          && p.last() != null
          && p.last().state() == ServerState.ACTIVE) {
        return p.name();
      }
    }
    return "";
  }

  private boolean standingByReady(String server) {
    if (server.equals(self)) {
      return snapshot.state() == ServerState.STANDBY && ready();
    }
    PeerView p = rec.peers().get(server);
    return p != null
        && p.liveness() == PeerView.Liveness.ALIVE
        && p.last() != null
        && p.last().state() == ServerState.STANDBY
        && p.last().runtimeReady();
  }

  /** Asks {@code server} over the cluster to activate, and waits until it is ACTIVE. */
  private ActivateResult activateRemotely(String server, String user, String active) {
    ClusterMember c = cluster;
    if (c == null) {
      return new ActivateResult(false, "the cluster member of " + self + " is not up yet");
    }
    c.publish(ADMIN_TOPIC, ("activate\n" + server + "\n" + user).getBytes(StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + (swapTimeoutMillis() + 3000) * 1_000_000;
    while (System.nanoTime() < deadline) {
      PeerView p = rec.peers().get(server);
      boolean isActive = p != null && p.last() != null && p.last().state() == ServerState.ACTIVE;
      boolean oldGone =
          active.equals(self)
              ? snapshot.state() != ServerState.ACTIVE
              : !activeServer().equals(active);
      if (isActive && oldGone) {
        return new ActivateResult(true, server + " is ACTIVE");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ActivateResult(false, "interrupted");
      }
    }
    return new ActivateResult(false, server + " did not become ACTIVE in time");
  }

  private void adminMessage(byte[] bytes) {
    String[] parts = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
    if (parts.length == 3 && parts[0].equals("activate") && parts[1].equals(self)) {
      operatorThread.execute(
          () -> {
            ActivateResult r = activateFromOperator(parts[2]);
            if (!r.accepted()) {
              events.record(
                  Weight.WARNING, "domain", "activation for a domain change: " + r.message());
            }
          });
    }
  }

  /** A new version is in force: every part follows it. Role thread. */
  /**
   * Makes every part follow the version in force. Role thread. It reads the store when it runs, not
   * what the caller saw: two changes posted out of order still end on the newest.
   */
  private void reconfigure() {
    Domain next = store.domain();
    Domain old = domain;
    if (next.sha256().equals(old.sha256()) || closed) {
      return;
    }
    domain = next;
    context.setDomain(next);
    if (next.server(self).isEmpty()) {
      events.record(
          Weight.NOTICE,
          "domain",
          "domain version " + next.version() + " no longer has " + self + "; stopping");
      // Give the version time to reach the peers before the cluster member goes.
      roleThread.schedule(
          () -> new Thread(() -> System.exit(0), "exit").start(), 2, TimeUnit.SECONDS);
      return;
    }
    try {
      reportRestartNeeded(old, next);
      step("secret", () -> secretChanged(old, next));
      step("integrity check", () -> followIntegrity(old, next));
      if (recChanged(old, next)) {
        step("REC link", () -> restartRec(next.server(self).orElseThrow()));
      }
      if (!serverUris(next).equals(serverUris(old))) {
        step("ServerUriArray", () -> opcUa.setServerUris(serverUris(next)));
      }
      if (!next.projectSync().equals(old.projectSync())) {
        events.record(
            Weight.NOTICE,
            "projects",
            "domain version "
                + next.version()
                + ": project sync "
                + (next.projectSync().enabled()
                    ? "on, at most " + next.projectSync().bandwidthKBps() + " KiB/s"
                    : "off")
                + ", in force now");
      }
      step("project sync", projectSync::domainChanged);
    } finally {
      // Whatever failed above, the role machine follows the domain.
      handle(new RoleEvent.DomainChanged(next.version()));
      replayPartner();
      if (machine.state() == ServerState.STARTING) {
        roleThread.schedule(
            () -> handle(new RoleEvent.JoinWindowElapsed()),
            joinWindowMillis(),
            TimeUnit.MILLISECONDS);
      }
      publish();
    }
  }

  /**
   * A new partner is already heard on the REC link: tell the machine now rather than at its next
   * heartbeat, so it never decides for a moment as if nobody were there (an active with integrity
   * addresses configured would think itself isolated).
   */
  private void replayPartner() {
    String partner = context.partner();
    PeerView v = partner.isEmpty() || rec == null ? null : rec.peers().get(partner);
    if (v != null && v.liveness() == PeerView.Liveness.ALIVE && v.last() != null) {
      heard(v.last());
    }
  }

  /** One part's reconfiguration; a failure is an ERROR event and the others go on. */
  private void step(String part, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("reconfiguring the {} failed", part, e);
      events.record(
          Weight.ERROR,
          "domain",
          "domain version " + domain.version() + ": reconfiguring the " + part + " failed: " + e);
    }
  }

  private void reportRestartNeeded(Domain old, Domain next) {
    ServerSpec me = next.server(self).orElseThrow();
    ServerSpec was = old.server(self).orElse(me);
    List<String> restart = new ArrayList<>();
    if (!me.host().equals(was.host())
        || me.opcUaPort() != was.opcUaPort()
        || me.hazelcastPort() != was.hazelcastPort()
        || me.hazelcastPublicPort() != was.hazelcastPublicPort()) {
      restart.add("this server's host or ports");
    }
    if (!next.projects().equals(old.projects())) {
      restart.add("the project list");
    }
    if (next.hotStandby().standbyMode() != old.hotStandby().standbyMode()) {
      restart.add("the standby mode");
    }
    if (!next.name().equals(old.name())) {
      restart.add("the domain name");
    }
    if (!restart.isEmpty()) {
      events.record(
          Weight.WARNING,
          "domain",
          "domain version "
              + next.version()
              + " changes "
              + String.join(", ", restart)
              + "; that takes effect when the server restarts");
    }
  }

  private void followIntegrity(Domain old, Domain next) {
    if (integrityAddresses(next).equals(integrityAddresses(old))) {
      return;
    }
    IntegrityCheck fresh = new IntegrityCheck(integrityAddresses(next), 200);
    fresh.start(250);
    IntegrityCheck stale = integrity;
    integrity = fresh;
    context.setIntegrity(fresh);
    closeQuietly(stale);
  }

  // ---- secret rotation ---------------------------------------------------------------------

  /**
   * A new secret is rotated in without a gap: until every server of the domain has been heard
   * running the version that brought it, this server signs with the old secret (which every server
   * still knows) and accepts both; then it signs with the new one and drops the old.
   */
  private volatile byte[] previousSecret;

  private volatile long rotationVersion;

  private void secretChanged(Domain old, Domain next) {
    if (Arrays.equals(old.secret(), next.secret())) {
      return;
    }
    previousSecret = old.secret();
    rotationVersion = next.version();
    events.record(
        Weight.NOTICE,
        "domain",
        "domain version "
            + next.version()
            + " brings a new secret: signing with the old one until every server runs it");
    applySecrets();
  }

  /** Ends a rotation once every other server announces the version that brought the secret. */
  private void checkRotation() {
    if (previousSecret == null || rec == null) {
      return;
    }
    for (ServerSpec peer : domain.peersOf(self)) {
      PeerView v = rec.peers().get(peer.name());
      if (v == null || v.last() == null || v.last().domainVersion() < rotationVersion) {
        return;
      }
    }
    previousSecret = null;
    applySecrets();
    events.record(
        Weight.NOTICE,
        "domain",
        "every server runs domain version "
            + rotationVersion
            + " or later: signing with its secret, the old one is no longer accepted");
  }

  private void applySecrets() {
    RecLink link = rec;
    byte[] old = previousSecret;
    byte[] current = domain.secret();
    if (link != null) {
      link.setSecrets(
          old != null ? old : current, old != null ? List.of(current, old) : List.of(current));
    }
    ClusterMember c = cluster;
    if (c != null) {
      c.setKeys(topicKeys());
    }
  }

  private ClusterMember.TopicKeys topicKeys() {
    byte[] old = previousSecret;
    byte[] current = domain.secret();
    return old != null
        ? new ClusterMember.TopicKeys(old, List.of(current, old))
        : new ClusterMember.TopicKeys(current, List.of(current));
  }

  private boolean recChanged(Domain old, Domain next) {
    return old.hotStandby().heartbeatMs() != next.hotStandby().heartbeatMs()
        || old.hotStandby().failoverTimeoutMs() != next.hotStandby().failoverTimeoutMs()
        || !recPaths(old).equals(recPaths(next));
  }

  private static Map<String, List<RecEndpoint>> recPaths(Domain d) {
    Map<String, List<RecEndpoint>> m = new LinkedHashMap<>();
    d.servers().forEach(s -> m.put(s.name(), s.recPaths()));
    return m;
  }

  private void restartRec(ServerSpec me) {
    RecLink stale = rec;
    RecLink fresh = buildRecLink(me);
    fresh.setStatus(localStatus(snapshot));
    byte[] old = previousSecret;
    if (old != null) {
      fresh.setSecrets(old, List.of(domain.secret(), old));
    }
    closeQuietly(stale);
    try {
      fresh.start();
      rec = fresh;
      events.record(
          Weight.NOTICE,
          "rec",
          "REC link restarted for domain version "
              + domain.version()
              + " (heartbeat "
              + domain.hotStandby().heartbeatMs()
              + " ms, failover timeout "
              + domain.hotStandby().failoverTimeoutMs()
              + " ms)");
    } catch (IOException e) {
      closeQuietly(fresh);
      events.record(
          Weight.ERROR,
          "rec",
          "REC link cannot start for domain version "
              + domain.version()
              + ": "
              + e.getMessage()
              + "; retrying in 5 s");
      rec = fresh; // closed: status reads still work; the retry replaces it
      roleThread.schedule(
          () -> {
            if (!closed && rec == fresh) {
              restartRec(domain.server(self).orElse(me));
            }
          },
          5,
          TimeUnit.SECONDS);
    }
  }

  /** What the replicator finds, into the event log and the server. */
  private final class ReplicaEvents implements DomainReplicator.Listener {
    @Override
    public void inForce(Domain next, DomainVersion v, String how) {
      events.record(Weight.NOTICE, "domain", "domain " + v.label() + " in force (" + how + ")");
      roleThread.execute(DomainServer.this::reconfigure);
    }

    @Override
    public void event(Weight weight, String message) {
      events.record(weight, "domain", message);
    }
  }

  /** The admin namespace's Domain.* methods. */
  private final class DomainChanges implements DomainAdmin {
    @Override
    public DomainAdminResult apply(byte[] content, String user) {
      return change(content, user, "apply", false);
    }

    @Override
    public String historyJson() {
      return DomainHistoryJson.of(store);
    }

    @Override
    public Optional<byte[]> show(String version) {
      return store.find(version).map(e -> e.version().content());
    }

    @Override
    public DomainAdminResult rollback(String version, String user) {
      Optional<HistoryEntry> e = store.find(version);
      if (e.isEmpty()) {
        return new DomainAdminResult(
            false, "no version " + version + " in the history", store.current().number());
      }
      return change(
          e.get().version().content(),
          user,
          "rollback to version " + e.get().version().number(),
          false);
    }
  }

  // ---- status -------------------------------------------------------------------------------

  private void publish() {
    if (opcUa == null || closed) {
      return;
    }
    try {
      checkRotation();
      RoleSnapshot s = snapshot;
      boolean ready = ready();
      int level = ServiceLevels.of(s.state(), ready, runtime.health(), s.writesSuspended());
      StatusReport report =
          new StatusReport(
              domain,
              self,
              productVersion,
              s,
              level,
              runtime,
              ready,
              projectSync.status(),
              rec,
              cluster,
              store.conflict(),
              integrity);
      opcUa.setServiceLevel(level);
      opcUa.publish(report.adminStatus());
    } catch (RuntimeException e) {
      log.warn("publishing status failed: {}", e.toString());
    }
  }

  /** The current role snapshot. */
  public RoleSnapshot snapshot() {
    return snapshot;
  }

  /** Blocks until {@link #close()} has run. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /** Announces STOPPED so the standby takes over at once, then stops in reverse order. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      roleThread.submit(() -> handle(new RoleEvent.Shutdown())).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("announcing shutdown: {}", e.toString());
    }
    closed = true;
    events.record(Weight.NOTICE, "server", "stopped");
    roleThread.shutdownNow();
    closeQuietly(watcher);
    closeQuietly(replicator);
    closeQuietly(projectSync);
    closeQuietly(cluster);
    closeQuietly(opcUa);
    closeQuietly(rec);
    closeQuietly(integrity);
    closeQuietly(runtime);
    audit.close();
    operatorThread.shutdownNow();
    events.close();
    stopped.countDown();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.warn("closing {}: {}", c.getClass().getSimpleName(), e.toString());
    }
  }
}
