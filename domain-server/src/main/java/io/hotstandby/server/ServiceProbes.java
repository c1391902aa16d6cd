package io.hotstandby.server;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.ServiceProbeSpec;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.Heartbeat;
import io.hotstandby.rec.PeerView;
import io.hotstandby.rec.RecLink;
import io.hotstandby.rec.ServerState;
import io.hotstandby.server.probe.ServiceProbe;
import io.hotstandby.server.role.RoleEvent;
import io.hotstandby.server.role.RoleSnapshot;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ServiceProbe} of this server on a thread of its own ("probe-NAME"), so a probe
 * waiting for a wedged endpoint holds up nothing else: a STANDBY probes the partner it hears ACTIVE
 * on the REC link, an ACTIVE probes itself. The active declared failed becomes a lost partner for
 * the role machine, which decides as for any loss (integrity check, readiness); this server's own
 * failing endpoint is a failure weight in its health ({@link #failureWeight}).
 */
final class ServiceProbes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceProbes.class);

  private final ServerParts parts;
  private final RoleDriver role;
  private final ServiceProbe probe;
  private final ScheduledExecutorService thread;

  ServiceProbes(ServerParts parts, RoleDriver role, ServiceProbe.Prober prober) {
    this.parts = parts;
    this.role = role;
    this.probe =
        new ServiceProbe(this::spec, this::target, prober, new Verdicts(), InstantSource.system());
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "probe-" + parts.self);
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    next(0);
  }

  /** The failure weight of this server's own endpoint, 0 while it answers; any thread. */
  int failureWeight() {
    return probe.failureWeight();
  }

  /** What the probe is doing, for the status; any thread. */
  ServiceProbe.Status status() {
    return probe.status();
  }

  private void next(long delayMillis) {
    try {
      thread.schedule(this::run, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  private void run() {
    long delay = ServiceProbe.IDLE_MILLIS;
    try {
      delay = probe.tick(System.nanoTime());
    } catch (RuntimeException e) {
      log.warn("service probe failed unexpectedly: {}", e.toString());
    }
    if (!Thread.currentThread().isInterrupted()) {
      next(delay);
    }
  }

  private ServiceProbeSpec spec() {
    return parts.domain.hotStandby().probe();
  }

  /**
   * Only a server that takes part in hot standby probes: the active itself, a standby the active.
   */
  private ServiceProbe.Target target() {
    RoleSnapshot s = role.snapshot();
    Domain d = parts.domain;
    if (s == null || !d.hotStandby().enabled()) {
      return null;
    }
    if (s.state() == ServerState.ACTIVE) {
      return d.server(parts.self)
          .map(me -> new ServiceProbe.Target(me.name(), me.opcUaUrl(), true, s.term()))
          .orElse(null);
    }
    if (s.state() != ServerState.STANDBY) {
      return null;
    }
    String partner = partner(d);
    RecLink rec = parts.rec;
    PeerView v = partner.isEmpty() || rec == null ? null : rec.peers().get(partner);
    Heartbeat last = v == null ? null : v.last();
    if (last == null
        || v.liveness() != PeerView.Liveness.ALIVE
        || last.state() != ServerState.ACTIVE) {
      return null;
    }
    return d.server(partner)
        .map(p -> new ServiceProbe.Target(partner, p.opcUaUrl(), false, last.term()))
        .orElse(null);
  }

  private String partner(Domain d) {
    return switch (d.roleOf(parts.self)) {
      case MAIN -> d.hotStandby().backup();
      case BACKUP -> d.hotStandby().main();
      case NONE -> "";
    };
  }

  private final class Verdicts implements ServiceProbe.Listener {
    @Override
    public void failed(ServiceProbe.Target t, int failures, String error) {
      if (Thread.currentThread().isInterrupted()) {
        return; // the probe was cut short by the server stopping: no verdict
      }
      String what = t.self() ? "this server's own endpoint " + t.url() : t.server() + " " + t.url();
      if (failures == spec().failures()) {
        parts.events.record(
            Weight.WARNING,
            "probe",
            "service probe of "
                + what
                + " failed "
                + failures
                + " times in a row: "
                + error
                + (t.self()
                    ? "; failure weight " + spec().failureWeight() + " added to its health"
                    : "; its heartbeats still arrive: taking it for failed"));
      }
      if (!t.self()) {
        role.post(
            new RoleEvent.PeerLost(
                t.server(), "service probe failed " + failures + " times in a row: " + error));
      }
    }

    @Override
    public void recovered(ServiceProbe.Target t, int failures) {
      parts.events.record(
          Weight.NOTICE,
          "probe",
          "service probe of "
              + (t.self() ? "this server's own endpoint " : t.server() + " ")
              + t.url()
              + " answers again after "
              + failures
              + " failures"
              + (t.self() ? "; failure weight removed" : ""));
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(2, TimeUnit.SECONDS)) {
        log.warn("service probe thread did not stop within 2 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
