package io.hotstandby.server;

import io.hotstandby.cluster.sync.ProjectSync;
import io.hotstandby.events.ReportThrottle;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.RecLink;
import io.hotstandby.rec.ServerState;
import io.hotstandby.server.lifecycle.AbstractPart;
import io.hotstandby.server.opcua.OpcUaEndpoint;
import io.hotstandby.server.role.Effect;
import io.hotstandby.server.role.FileTermStore;
import io.hotstandby.server.role.Outcome;
import io.hotstandby.server.role.RoleEvent;
import io.hotstandby.server.role.RoleMachine;
import io.hotstandby.server.role.RoleNotice;
import io.hotstandby.server.role.RoleSnapshot;
import io.hotstandby.server.role.RoleTimings;
import io.hotstandby.server.role.Takeover;
import io.hotstandby.server.role.Transition;
import io.hotstandby.server.vip.VirtualIp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role thread ("role-NAME"): the only caller of the {@link RoleMachine}, the one place that
 * schedules the timers it arms (on the scheduler's monotonic clock; none before every part of the
 * server is up), that samples the facts it decides on ({@link FactsWatch}), and the one that
 * carries out its effects: transitions into the event log, term and state announced at once on the
 * REC link, the runtime activated or deactivated before that announcement, writes suspended or
 * resumed, project sync told, status published. Closing a cold standby's device connections runs on
 * a thread of its own, in order, so a slow driver never holds up the role thread.
 *
 * <p>Whoever waits for the role to change registers a {@link #watch}: it is checked on the role
 * thread after every event, so it sees every snapshot and every peer heartbeat without polling.
 */
final class RoleDriver extends AbstractPart {
  private static final Logger log = LoggerFactory.getLogger(RoleDriver.class);

  private final ServerParts parts;
  private final ServerContext context;
  private final Runnable publish;
  private final List<Watch<?>> watches = new ArrayList<>(); // role thread only
  private volatile ScheduledExecutorService roleThread;
  private volatile Thread thread;
  private volatile ExecutorService runtimeThread;
  private volatile RoleMachine machine;
  private volatile RoleSnapshot snapshot;
  private FactsWatch facts;
  private final ReportThrottle factsFailures =
      new ReportThrottle(Duration.ofMinutes(1), System::nanoTime);
  // Role thread only: timers armed before every part is up wait here for startTimers().
  private boolean timersStarted;
  private final List<Effect.StartTimer> deferredTimers = new ArrayList<>();

  /**
   * @param publish publishes the status and ServiceLevel; called on the role thread after a change
   */
  RoleDriver(ServerParts parts, ServerContext context, Runnable publish) {
    super("role");
    this.parts = parts;
    this.context = context;
    this.publish = publish;
  }

  /** Creates the machine and decides what the domain alone decides before any peer is heard. */
  @Override
  protected void doStart() throws StartupException {
    try {
      machine =
          new RoleMachine(
              context,
              new FileTermStore(parts.dataDir.resolve("term")),
              System::currentTimeMillis,
              System::nanoTime);
    } catch (RuntimeException e) {
      String cause = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      throw new StartupException(StartupException.RESOURCE, cause, e);
    }
    snapshot = machine.snapshot();
    facts =
        new FactsWatch(
            context,
            () -> RoleTimings.pauseMillis(parts.failoverTimeoutMillis()),
            System::nanoTime,
            this::handle);
    roleThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              thread = new Thread(r, "role-" + parts.self);
              return thread;
            });
    runtimeThread =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "runtime-role-" + parts.self));
    try {
      submit(new RoleEvent.Started()).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new StartupException(StartupException.RESOURCE, "role machine: " + e, e);
    }
  }

  /**
   * Starts the machine's timers (the join window first among them) and the facts watch, once every
   * part is up: a server listens for its whole join window with its endpoints open.
   */
  void startTimers() {
    execute(
        () -> {
          timersStarted = true;
          deferredTimers.forEach(this::startTimer);
          deferredTimers.clear();
        });
    // Fixed delay, not fixed rate: after a pause the samples must not pile up ahead of REC events.
    roleThread.scheduleWithFixedDelay(
        this::sampleFacts, FactsWatch.PERIOD_MS, FactsWatch.PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  /** One sample of the facts; a failure is logged and the next sample runs as usual. */
  private void sampleFacts() {
    try {
      facts.sample();
    } catch (RuntimeException e) {
      // Forty samples a second: the same failure is reported once a minute.
      if (factsFailures.admit(e.toString()) != ReportThrottle.HELD) {
        log.error("sampling the role facts failed", e);
        parts.events.record(Weight.ERROR, "role", "sampling the role facts failed: " + e);
      }
    }
  }

  private void startTimer(Effect.StartTimer t) {
    schedule(() -> handle(new RoleEvent.Timeout(t.timer())), t.delayMillis());
  }

  /** Announces STOPPED so that the standby takes over at once; waits for it at most 2 s. */
  void announceShutdown() {
    if (roleThread == null || roleThread.isShutdown()) {
      return;
    }
    try {
      submit(new RoleEvent.Shutdown()).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("announcing shutdown: {}", e.toString());
    }
  }

  @Override
  protected void doStop() {
    if (roleThread != null) {
      roleThread.shutdownNow();
      try {
        // A role event under way finishes before the parts it may touch are stopped.
        roleThread.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (runtimeThread != null) {
      // Let a deactivation under way finish before the runtime is closed after this part.
      runtimeThread.shutdown();
      try {
        runtimeThread.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      runtimeThread.shutdownNow();
    }
  }

  /** The latest snapshot of the role machine; any thread. */
  RoleSnapshot snapshot() {
    return snapshot;
  }

  /** Posts an event to the role thread. */
  void post(RoleEvent event) {
    execute(() -> handle(event));
  }

  /** Runs {@code task} on the role thread; dropped once the server stops. */
  void execute(Runnable task) {
    ScheduledExecutorService t = roleThread;
    if (t == null) {
      return;
    }
    try {
      t.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("role thread not running; dropped {}", task);
    }
  }

  /** Runs {@code task} on the role thread after {@code delayMillis}. */
  void schedule(Runnable task, long delayMillis) {
    try {
      roleThread.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("role thread not running; dropped {}", task);
    }
  }

  /** Runs {@code task} on the role thread every {@code periodMillis}, the first time at once. */
  void every(Runnable task, long periodMillis) {
    roleThread.scheduleWithFixedDelay(task, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code event} through the machine on the role thread; the future has its outcome. */
  CompletableFuture<Outcome> submit(RoleEvent event) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    try {
      roleThread.execute(
          () -> {
            try {
              done.complete(handleOrThrow(event));
            } catch (Throwable t) {
              done.completeExceptionally(t);
            }
          });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  /**
   * Completes with the first non-null answer of {@code check}, asked on the role thread now and
   * after every event, or with {@code onTimeout} after {@code timeoutMillis}.
   */
  <T> CompletableFuture<T> watch(Function<RoleSnapshot, T> check, long timeoutMillis, T onTimeout) {
    CompletableFuture<T> done = new CompletableFuture<>();
    done.completeOnTimeout(onTimeout, timeoutMillis, TimeUnit.MILLISECONDS);
    Watch<T> w = new Watch<>(check, done);
    if (Thread.currentThread() == thread) {
      register(w);
    } else {
      execute(() -> register(w));
    }
    return done;
  }

  private void register(Watch<?> w) {
    if (!w.test(snapshot)) {
      watches.add(w);
    }
  }

  private void checkWatches() {
    RoleSnapshot now = snapshot;
    for (Iterator<Watch<?>> it = watches.iterator(); it.hasNext(); ) {
      Watch<?> w = it.next();
      if (w.done.isDone() || w.test(now)) {
        it.remove();
      }
    }
  }

  /**
   * The state mirror applied more of the active's changes: a standby waiting for the old active's
   * last changes before it takes the role (a planned switchover) decides again now rather than at
   * the next heartbeat. Any thread.
   */
  void mirrorAdvanced() {
    RoleSnapshot s = snapshot;
    if (s == null || s.takeoverRequest().isEmpty()) {
      return;
    }
    execute(
        () -> {
          RoleMachine m = machine;
          RoleEvent.PeerHeard p = m == null ? null : m.lastPartnerHeartbeat();
          if (p != null && p.handoverTo().equals(parts.self)) {
            handle(p);
          }
        });
  }

  /** Runs one event through the machine and applies what it decided. Role thread only. */
  void handle(RoleEvent event) {
    try {
      handleOrThrow(event);
    } catch (Throwable t) {
      // Never let a failure stop a scheduled timer task or vanish into a future.
      log.error("role event {} failed", event, t);
      parts.events.record(Weight.ERROR, "role", "handling " + event + " failed: " + t);
    }
  }

  private Outcome handleOrThrow(RoleEvent event) {
    if (machine == null) {
      return new Outcome(List.of(), List.of(), List.of(), List.of());
    }
    Outcome o = machine.handle(event);
    Takeover takeover = machine.takeover();
    apply(o);
    // After the effects: the mirror's lag just before this activation is known by now.
    HistoryTopic history = parts.history;
    if (takeover != null && history != null) {
      history.tookOver(takeover);
    }
    checkWatches();
    return o;
  }

  /** A new domain version is in force: the machine follows it (a STARTING one listens again). */
  void domainChanged(long version) {
    handle(new RoleEvent.DomainChanged(version));
  }

  /** Readiness may have changed: announce it now rather than at the next heartbeat. Role thread. */
  void readinessChanged() {
    sampleFacts();
    RecLink rec = parts.rec;
    if (rec != null) {
      rec.setStatus(parts.localStatus(snapshot));
      rec.sendNow();
    }
    publish.run();
  }

  private void apply(Outcome outcome) {
    for (RoleNotice n : outcome.notices()) {
      Map<String, Object> details = new HashMap<>();
      if (n.durationMillis() >= 0) {
        details.put("durationMs", n.durationMillis());
      }
      parts.events.record(n.weight(), "role", n.message(), details);
    }
    for (Transition t : outcome.transitions()) {
      parts.events.record(
          Weight.NOTICE,
          "role",
          t.message(),
          Map.of("from", t.from().name(), "to", t.to().name(), "term", t.term()));
    }
    RoleSnapshot before = snapshot;
    RoleSnapshot now = machine.snapshot();
    snapshot = now;
    boolean announce = false;
    boolean refreshAlarms = false;
    for (Effect effect : outcome.effects()) {
      if (effect instanceof Effect.StartTimer t) {
        if (timersStarted) {
          startTimer(t);
        } else {
          deferredTimers.add(t);
        }
      } else if (effect instanceof Effect.ActivateRuntime) {
        // First, off this thread: the address is added while the runtime activates.
        holdVirtualIp(true);
        // Before the new state is announced: a client told "ACTIVE" may write at once. The mirror
        // starts its stream first, so the activation's own changes are in it.
        if (parts.mirror != null) {
          parts.mirror.becomingActive();
        }
        changeRuntime(parts.runtime::activate);
        refreshAlarms = before.state() != ServerState.ACTIVE;
      } else if (effect instanceof Effect.DeactivateRuntime) {
        holdVirtualIp(false);
        // Writes and alarms stop before STANDBY is announced; a cold standby's device sessions
        // close afterwards, off this thread.
        changeRuntime(parts.runtime::deactivate);
        if (parts.mirror != null) {
          parts.mirror.noLongerActive();
        }
        onRuntimeThread(parts.runtime::releaseDevices);
      } else if (effect instanceof Effect.SuspendWrites w) {
        parts.runtime.suspendWrites(w.suspended());
      } else if (effect instanceof Effect.Announce) {
        announce = true;
      }
    }
    SwapForwarding forwarding = parts.forwarding;
    if (!before.handoverTo().isEmpty() && now.handoverTo().isEmpty() && forwarding != null) {
      forwarding.handedOver();
    }
    ProjectSync projects = parts.projectSync;
    if (now.state() != before.state() && projects != null) {
      projects.roleChanged();
    }
    RecLink rec = parts.rec;
    if (rec == null) {
      return;
    }
    rec.setStatus(parts.localStatus(now));
    if (announce) {
      rec.sendNow();
      publish.run();
    }
    OpcUaEndpoint endpoint = parts.opcUa;
    if (refreshAlarms && endpoint != null) {
      // Part 9: a server that takes over tells alarm clients to refresh their conditions. Off the
      // role thread and after the announcement: making the event can take Milo a while.
      onRuntimeThread(endpoint::announceAlarmRefreshRequired);
    }
  }

  /** Asks for the virtual IP address to be added or removed; returns at once. */
  private void holdVirtualIp(boolean hold) {
    VirtualIp v = parts.virtualIp;
    if (v != null && hold) {
      v.hold();
    } else if (v != null) {
      v.drop();
    }
  }

  /** Activation or deactivation of the runtime's state, on the role thread. */
  private void changeRuntime(Runnable change) {
    try {
      change.run();
    } catch (RuntimeException e) {
      log.error("runtime role change failed", e);
      parts.events.record(Weight.ERROR, "runtime", "role change failed: " + e);
    }
  }

  /** Slow device work in the order decided, then the status with the new health. */
  private void onRuntimeThread(Runnable change) {
    try {
      runtimeThread.execute(
          () -> {
            try {
              change.run();
            } catch (RuntimeException e) {
              log.error("runtime role change failed", e);
              parts.events.record(Weight.ERROR, "runtime", "role change failed: " + e);
            }
            execute(publish);
          });
    } catch (RejectedExecutionException e) {
      log.debug("runtime thread stopped; role change not applied");
    }
  }

  /** A waiter for the role or the peers to reach some condition. */
  private record Watch<T>(Function<RoleSnapshot, T> check, CompletableFuture<T> done) {
    /** Whether the watch is over: answered now, or completed meanwhile (timed out). */
    boolean test(RoleSnapshot s) {
      if (done.isDone()) {
        return true;
      }
      T answer;
      try {
        answer = check.apply(s);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
        return true;
      }
      if (answer == null) {
        return false;
      }
      done.complete(answer);
      return true;
    }
  }
}
