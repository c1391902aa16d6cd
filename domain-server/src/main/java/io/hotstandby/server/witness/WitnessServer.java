package io.hotstandby.server.witness;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.ProductVersion;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.Heartbeat;
import io.hotstandby.rec.LocalStatus;
import io.hotstandby.rec.PeerView;
import io.hotstandby.rec.RecLink;
import io.hotstandby.rec.RecListener;
import io.hotstandby.rec.RecState;
import io.hotstandby.rec.ServerState;
import io.hotstandby.rec.quorum.WitnessArbiter;
import io.hotstandby.rec.quorum.WitnessArbiter.Decision;
import io.hotstandby.server.PartConfigs;
import io.hotstandby.server.StartupException;
import io.hotstandby.server.events.EventLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A server started as its domain's quorum witness: no runtime, no OPC UA endpoint, no cluster
 * member; only the REC link, the lease ({@link WitnessArbiter}) and an event log. It announces the
 * lease holder in every heartbeat ({@link ServerState#WITNESS}) and sends one at once when the
 * lease changes hands, so a standby waiting for the vote hears it without waiting a heartbeat.
 * Reads its domain file at start; a change of REC paths or timing needs a restart.
 */
public final class WitnessServer implements AutoCloseable {
  private final Domain domain;
  private final String self;
  private final Path dataDir;
  private final EventLog events;
  private final WitnessArbiter arbiter;
  private final Map<String, String> lastRefusal = new HashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "witness-lease");
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
          });
  private volatile RecLink rec;
  private String announced = "";
  private long announcedEcho;
  private String expired = "";

  public WitnessServer(Domain domain, String self, Path dataDir) {
    this.domain = domain;
    this.self = self;
    this.dataDir = dataDir;
    this.events = new EventLog(dataDir.resolve("events.jsonl"), self);
    this.arbiter = new WitnessArbiter(domain.hotStandby().failoverTimeoutMs(), System.nanoTime());
  }

  /** Starts the REC link. */
  public void start() throws StartupException {
    RecState state;
    try {
      state = RecState.in(dataDir);
    } catch (IOException e) {
      throw new StartupException(
          StartupException.RESOURCE, "REC boot numbers: " + e.getMessage(), e);
    }
    RecLink link = PartConfigs.recLink(domain, self, new Listener(), state);
    link.setStatus(status("", 0));
    try {
      link.start();
    } catch (IOException e) {
      throw new StartupException(
          StartupException.RESOURCE, domain.file() + ": rec: " + e.getMessage(), e);
    }
    rec = link;
    long beat = domain.hotStandby().heartbeatMs();
    timer.scheduleAtFixedRate(this::refresh, beat, beat, TimeUnit.MILLISECONDS);
    events.record(
        Weight.NOTICE,
        "witness",
        "witness of domain "
            + domain.name()
            + " started: lease "
            + domain.hotStandby().failoverTimeoutMs()
            + " ms, no vote for "
            + domain.hotStandby().failoverTimeoutMs()
            + " ms while the servers are heard");
  }

  /** The server holding the lease now, "" for none. */
  public String holder() {
    return arbiter.holder(System.nanoTime());
  }

  private LocalStatus status(String holder, long echo) {
    return new LocalStatus(
        ServerState.WITNESS,
        0,
        0,
        0,
        false,
        domain.version(),
        0,
        ProductVersion.current(),
        "",
        "",
        holder,
        false,
        echo);
  }

  private synchronized void heard(Heartbeat hb) {
    long now = System.nanoTime();
    Decision d = arbiter.heard(hb.server(), hb.state(), hb.leaseRequest(), hb.sentAtNanos(), now);
    // The holder and the echo of its renewal go out together, before anything slower is done.
    announce(now);
    switch (d) {
      case GRANTED -> {
        lastRefusal.remove(hb.server());
        events.record(
            Weight.NOTICE,
            "witness",
            "lease granted to "
                + hb.server()
                + (hb.state() == ServerState.ACTIVE
                    ? " (ACTIVE, term " + hb.term() + ")"
                    : " (STANDBY asking to take over)"));
      }
      case RELEASED ->
          events.record(
              Weight.NOTICE,
              "witness",
              hb.server() + " released the lease (now " + hb.state() + ")");
      case REFUSED -> {
        String holder = arbiter.holder(now);
        String why =
            holder.isEmpty()
                ? "no vote during the first lease period after the witness started"
                : holder + " holds the lease (" + arbiter.remainingMillis(now) + " ms left)";
        // Once per claimant and holder: a standby cut from the active asks every heartbeat.
        if (!holder.equals(lastRefusal.put(hb.server(), holder))) {
          events.record(
              Weight.WARNING,
              "witness",
              "refused the lease to " + hb.server() + " (" + hb.state() + "): " + why);
        }
      }
      default -> {}
    }
    logExpiry();
  }

  private void logExpiry() {
    if (!expired.isEmpty()) {
      events.record(Weight.WARNING, "witness", "lease of " + expired + " expired");
      expired = "";
    }
  }

  private void refresh() {
    synchronized (this) {
      announce(System.nanoTime());
      logExpiry();
    }
  }

  /**
   * Puts the current holder and the echo of its last renewal into the heartbeats (one status
   * object, so a heartbeat never pairs a holder with another's echo); sends at once when the holder
   * changed.
   */
  private void announce(long now) {
    String holder = arbiter.holder(now);
    long echo = arbiter.holderEcho(now);
    RecLink link = rec;
    if (link == null || (holder.equals(announced) && echo == announcedEcho)) {
      return;
    }
    link.setStatus(status(holder, echo));
    announcedEcho = echo;
    if (holder.equals(announced)) {
      return;
    }
    if (holder.isEmpty() && !announced.isEmpty()) {
      expired = announced;
    }
    announced = holder;
    link.sendNow();
  }

  private final class Listener implements RecListener {
    @Override
    public void onHeartbeat(PeerView peer, Heartbeat hb, String path) {
      heard(hb);
    }

    @Override
    public void onLivenessChanged(PeerView peer, PeerView.Liveness from, PeerView.Liveness to) {
      if (to == PeerView.Liveness.LOST) {
        events.record(Weight.WARNING, "rec", "server " + peer.name() + " lost on all paths");
      } else if (to == PeerView.Liveness.ALIVE && from != PeerView.Liveness.UNKNOWN) {
        events.record(Weight.NOTICE, "rec", "server " + peer.name() + " heard again");
      } else if (to == PeerView.Liveness.ALIVE) {
        events.record(Weight.NOTICE, "rec", "server " + peer.name() + " heard");
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    RecLink link = rec;
    if (link != null) {
      link.setStatus(
          new LocalStatus(ServerState.STOPPED, 0, 0, 0, false, domain.version(), 0, "", "", ""));
      link.sendNow();
      link.close();
    }
    events.record(Weight.NOTICE, "witness", "witness stopped");
    events.close();
  }
}
