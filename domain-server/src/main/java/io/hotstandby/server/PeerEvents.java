package io.hotstandby.server;

import io.hotstandby.events.Weight;
import io.hotstandby.rec.Heartbeat;
import io.hotstandby.rec.PeerView;
import io.hotstandby.rec.RecLink;
import io.hotstandby.rec.RecListener;
import io.hotstandby.rec.ServerState;
import io.hotstandby.rec.quorum.WitnessLease;
import io.hotstandby.server.role.RoleEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns what the REC link and the cluster member see of the peers into role events on the role
 * thread. A peer is lost when every REC path has been silent for the failover timeout, or at once
 * when it announces STOPPED; it has crashed when the cluster removed its member and its heartbeats
 * went missing soon after (or before): then the standby need not wait for the full timeout.
 */
final class PeerEvents implements RecListener {
  /** A cluster removal followed this soon by missing heartbeats is a crash. */
  private static final long CRASH_CORRELATION_MS = 2000;

  private final ServerParts parts;
  private final RoleDriver role;
  private final Map<String, Long> clusterRemovedAt = new ConcurrentHashMap<>();

  /**
   * How long after its own pause a server does not take a cluster removal for a crash: Hazelcast
   * checks its members' heartbeats every second, so a removal that the pause caused comes within
   * about that.
   */
  static final long OWN_PAUSE_MS = 3000;

  private volatile long pausedAt;

  PeerEvents(ServerParts parts, RoleDriver role) {
    this.parts = parts;
    this.role = role;
  }

  @Override
  public void onHeartbeat(PeerView peer, Heartbeat hb, String path) {
    if (isWitness(hb.server())) {
      witnessHeard(hb);
      return;
    }
    role.execute(() -> heard(hb));
  }

  @Override
  public void onLivenessChanged(PeerView peer, PeerView.Liveness from, PeerView.Liveness to) {
    if (isWitness(peer.name())) {
      witnessLiveness(peer, from, to);
      return;
    }
    role.execute(() -> livenessChanged(peer, from, to));
  }

  private boolean isWitness(String server) {
    return server.equals(parts.domain.hotStandby().witness());
  }

  /**
   * The witness's heartbeat feeds the lease view on the receiving thread (its echo is measured
   * against the time it arrived); the role machine looks again when the holder changed or this
   * server's lease became valid or not; its lease timer covers the rest.
   */
  private void witnessHeard(Heartbeat hb) {
    WitnessLease lease = parts.witnessLease();
    if (lease == null) {
      return;
    }
    long now = System.nanoTime();
    String before = lease.holder(now);
    boolean held = lease.held(now);
    lease.heard(hb.leaseHolder(), hb.leaseEchoNanos(), now);
    if (!before.equals(lease.holder(now)) || held != lease.held(now)) {
      role.post(new RoleEvent.FactsChanged("witness " + hb.server() + " lease holder"));
    }
  }

  private void witnessLiveness(PeerView peer, PeerView.Liveness from, PeerView.Liveness to) {
    if (to == PeerView.Liveness.LOST) {
      parts.events.record(
          Weight.WARNING,
          "quorum",
          "witness "
              + peer.name()
              + " lost on all paths: roles stay as they are, but a standby cannot take over"
              + " from a lost active until it is heard again");
      role.post(new RoleEvent.FactsChanged("witness " + peer.name() + " lost"));
    } else if (to == PeerView.Liveness.ALIVE && from != PeerView.Liveness.SUSPECT) {
      parts.events.record(
          Weight.NOTICE,
          "quorum",
          "witness " + peer.name() + (from == PeerView.Liveness.LOST ? " heard again" : " heard"));
    }
  }

  @Override
  public void onPause(long lateMillis) {
    pausedAt = System.nanoTime();
    role.post(new RoleEvent.Paused(lateMillis));
  }

  /**
   * Whether this process was paused (its REC schedule ran late) within the last {@value
   * #OWN_PAUSE_MS} ms: then a peer's silence, or the cluster's removal of a peer, may be what the
   * pause caused here, not what happened to the peer.
   */
  private boolean pausedRecently() {
    long at = pausedAt;
    return at != 0 && System.nanoTime() - at < OWN_PAUSE_MS * 1_000_000;
  }

  /** The cluster member of {@code name} left the cluster; any thread. */
  void clusterRemoved(String name) {
    role.execute(() -> removed(name));
  }

  /**
   * Tells the machine now of a partner that is already heard, rather than at its next heartbeat, so
   * that after a domain change it never decides for a moment as if nobody were there (an active
   * with integrity addresses configured would think itself isolated). Role thread.
   */
  void replay(String partner) {
    RecLink rec = parts.rec;
    PeerView v = partner.isEmpty() || rec == null ? null : rec.peers().get(partner);
    if (v != null && v.liveness() == PeerView.Liveness.ALIVE && v.last() != null) {
      heard(v.last());
    }
  }

  private void heard(Heartbeat hb) {
    if (hb.state() == ServerState.STOPPED) {
      role.handle(new RoleEvent.PeerLost(hb.server(), "stopped"));
      return;
    }
    role.handle(
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
            hb.echoNanos(),
            hb.leaseRequest()));
  }

  private void livenessChanged(PeerView peer, PeerView.Liveness from, PeerView.Liveness to) {
    long silent =
        peer.lastSeenNanos() == 0 ? 0 : (System.nanoTime() - peer.lastSeenNanos()) / 1_000_000;
    switch (to) {
      case LOST ->
          role.handle(
              new RoleEvent.PeerLost(peer.name(), "lost on all paths for " + silent + " ms"));
      case SUSPECT -> {
        Long removed = clusterRemovedAt.get(peer.name());
        // A crash only if nothing was heard since the cluster removed it, and that was recent.
        if (removed != null
            && !pausedRecently()
            && peer.lastSeenNanos() - removed < 0
            && System.nanoTime() - removed < CRASH_CORRELATION_MS * 1_000_000) {
          role.handle(
              new RoleEvent.PeerLost(
                  peer.name(),
                  "crashed: cluster member removed and heartbeats missing for " + silent + " ms"));
        }
      }
      case ALIVE -> {
        clusterRemovedAt.remove(peer.name());
        if (from == PeerView.Liveness.LOST || from == PeerView.Liveness.SUSPECT) {
          parts.events.record(Weight.NOTICE, "rec", "peer " + peer.name() + " heard again");
        }
      }
      default -> {}
    }
  }

  private void removed(String name) {
    RecLink rec = parts.rec;
    PeerView peer = rec == null ? null : rec.peers().get(name);
    if (peer == null) {
      return;
    }
    if (pausedRecently()) {
      // This server was starved or frozen just now: the cluster may have given up on the peer
      // because this side stopped answering, and the REC link decides on its own evidence.
      parts.events.record(
          Weight.NOTICE,
          "cluster",
          "cluster member "
              + name
              + " removed right after this server was paused: not taken as a crash of "
              + name);
      return;
    }
    if (peer.liveness() == PeerView.Liveness.SUSPECT) {
      role.handle(
          new RoleEvent.PeerLost(name, "crashed: cluster member removed and heartbeats missing"));
    } else {
      clusterRemovedAt.put(name, System.nanoTime());
      if (peer.liveness() == PeerView.Liveness.ALIVE) {
        parts.events.record(
            Weight.WARNING,
            "cluster",
            "cluster member " + name + " removed while its heartbeats still arrive");
      }
    }
  }
}
