package io.hotstandby.server;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainRole;
import io.hotstandby.domain.IntegrityAddress;
import io.hotstandby.domain.RecEndpoint;
import io.hotstandby.domain.ServerSpec;
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
import io.hotstandby.server.cluster.ClusterMember;
import io.hotstandby.server.events.AuditLog;
import io.hotstandby.server.events.EventLog;
import io.hotstandby.server.opcua.ActivateResult;
import io.hotstandby.server.opcua.OpcUaEndpoint;
import io.hotstandby.server.opcua.OpcUaEndpointConfig;
import io.hotstandby.server.opcua.OpcUaEndpointException;
import io.hotstandby.server.role.FileTermStore;
import io.hotstandby.server.role.Outcome;
import io.hotstandby.server.role.RoleEvent;
import io.hotstandby.server.role.RoleMachine;
import io.hotstandby.server.role.RoleNotice;
import io.hotstandby.server.role.RoleNotice.Weight;
import io.hotstandby.server.role.RoleSnapshot;
import io.hotstandby.server.role.ServiceLevels;
import io.hotstandby.server.role.Transition;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private final Domain domain;
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

  private IntegrityCheck integrity;
  private RecLink rec;
  private OpcUaEndpoint opcUa;
  private volatile ClusterMember cluster;
  private RoleMachine machine;
  private ServerContext context;
  private volatile RoleSnapshot snapshot;
  private volatile boolean closed;

  public DomainServer(Domain domain, String self, Path dataDir, String productVersion) {
    this.domain = domain;
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
    loadRuntime();
    integrity = new IntegrityCheck(integrityAddresses(), 200);
    integrity.start(250);
    context = new ServerContext(domain, self, productVersion, integrity, runtime);
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

  private OpcUaEndpoint startOpcUa(ServerSpec me) throws StartupException {
    List<String> uris =
        domain.servers().stream()
            .map(s -> OpcUaEndpointConfig.applicationUri(domain.name(), s.name()))
            .toList();
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
    try {
      endpoint.start();
    } catch (OpcUaEndpointException e) {
      throw new StartupException(StartupException.RESOURCE, e.getMessage(), e);
    }
    return endpoint;
  }

  private void loadRuntime() throws StartupException {
    try {
      runtime.load(domain.projects());
    } catch (RuntimeLoadException e) {
      events.record(Weight.ERROR, "runtime", "runtime not ready: " + e.getMessage());
      System.err.println("domain-server: runtime not ready: " + e.getMessage());
    }
  }

  private List<InetSocketAddress> integrityAddresses() {
    List<InetSocketAddress> list = new ArrayList<>();
    for (IntegrityAddress a : domain.hotStandby().integrity()) {
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
          ClusterMember.start(domain, self, name -> roleThread.execute(() -> clusterRemoved(name)));
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

  private LocalStatus localStatus(RoleSnapshot s) {
    return new LocalStatus(
        s.state(),
        s.term(),
        s.activeSinceMillis(),
        runtime.health(),
        runtime.ready(),
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

  // ---- status -------------------------------------------------------------------------------

  private void publish() {
    if (opcUa == null || closed) {
      return;
    }
    try {
      RoleSnapshot s = snapshot;
      int level =
          ServiceLevels.of(s.state(), runtime.ready(), runtime.health(), s.writesSuspended());
      StatusReport report =
          new StatusReport(domain, self, productVersion, s, level, runtime, rec, cluster);
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
