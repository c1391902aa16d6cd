package io.hotstandby.rec;

import io.hotstandby.rec.PathState.Outgoing;
import io.hotstandby.rec.PeerView.Liveness;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers of a link and the failure detector. One lock guards all of it; methods that change
 * something return the listener calls to make, so the caller makes them after the lock is released.
 */
final class PeerTable {
  private static final Logger log = LoggerFactory.getLogger(PeerTable.class);

  private final Object lock = new Object();
  private final Map<String, PeerState> peers = new LinkedHashMap<>();
  private final long suspectNanos;
  private final long timeoutNanos;
  private final long startNanos;

  /**
   * @param startNanos the link's clock at its creation: echoes of earlier times are not ours
   */
  private final BootSink boots;

  /** Told, outside the lock, the new boot of a peer, to persist it. */
  interface BootSink {
    long floor(String peer);

    void booted(String peer, long boot);
  }

  /**
   * @param timeoutNanos silence after which a punctual peer is lost (paths count as down after it)
   * @param maxTimeoutNanos how far a peer's loss timeout may grow (see {@link LossTimeout})
   */
  PeerTable(
      Map<String, Map<String, InetSocketAddress>> targets,
      long heartbeatNanos,
      long timeoutNanos,
      long maxTimeoutNanos,
      long startNanos,
      BootSink boots) {
    this.boots = boots;
    targets.forEach(
        (name, paths) ->
            peers.put(
                name,
                new PeerState(
                    name,
                    paths,
                    boots.floor(name),
                    new LossTimeout(timeoutNanos, maxTimeoutNanos, startNanos))));
    this.suspectNanos = heartbeatNanos + heartbeatNanos / 2;
    this.timeoutNanos = timeoutNanos;
    this.startNanos = startNanos;
  }

  /**
   * Takes an authenticated heartbeat received on {@code path} from {@code source}.
   *
   * @param events receives the listener calls to make if accepted
   * @return null if accepted, else why it was dropped
   */
  String accept(
      Heartbeat hb,
      String path,
      SocketAddress source,
      long now,
      Instant wall,
      List<Consumer<RecListener>> events) {
    synchronized (lock) {
      PeerState peer = peers.get(hb.server());
      if (peer == null) {
        return "heartbeat of unknown server '" + HeartbeatCodec.printable(hb.server()) + "'";
      }
      PathState ps = peer.paths.get(path);
      if (ps == null) {
        return "heartbeat of " + peer.name + ", which has no path '" + path + "' configured";
      }
      if (!DeclaredSources.matches(ps.target, source)) {
        return "heartbeat of " + peer.name + " from an address not declared for it on this path";
      }
      long bootBefore = peer.boot();
      String refused = peer.admit(hb, ps);
      if (refused != null) {
        return refused;
      }
      if (peer.boot() > bootBefore) {
        peer.loss.booted(now);
        String name = peer.name;
        long boot = peer.boot();
        // Runs on the dispatcher thread: a file write must not hold the lock.
        events.add(l -> boots.booted(name, boot));
      }
      peer.heard(hb, now);
      ps.accept(hb, now, wall, startNanos, timeoutNanos);
      Liveness from = peer.liveness;
      peer.liveness = Liveness.ALIVE;
      PeerView view = peer.view(now, timeoutNanos);
      if (from != Liveness.ALIVE) {
        log.info("REC peer {}: {} -> ALIVE (heard on path '{}')", peer.name, from, path);
        events.add(l -> l.onLivenessChanged(view, from, Liveness.ALIVE));
      }
      events.add(l -> l.onHeartbeat(view, hb, path));
      return null;
    }
  }

  /** Escalates the liveness of silent peers; returns the listener calls to make. */
  List<Consumer<RecListener>> evaluate(long now) {
    List<Consumer<RecListener>> events = new ArrayList<>();
    synchronized (lock) {
      for (PeerState peer : peers.values()) {
        Liveness from = peer.liveness;
        Liveness to = peer.due(now, suspectNanos);
        // Only a heartbeat makes a peer better; silence only makes it worse.
        if (to.compareTo(from) > 0) {
          peer.liveness = to;
          PeerView view = peer.view(now, timeoutNanos);
          long silentMs = (now - view.lastSeenNanos()) / 1_000_000;
          log.info("REC peer {}: {} -> {} (silent for {} ms)", peer.name, from, to, silentMs);
          events.add(l -> l.onLivenessChanged(view, from, to));
        }
      }
    }
    return events;
  }

  /**
   * The link's scheduler was frozen from {@code beforePause} to {@code now}: restarts the loss
   * timeout of every peer and path that was not already lost, because our own freeze says nothing
   * about them.
   */
  void resume(long now, long beforePause) {
    synchronized (lock) {
      peers.values().forEach(p -> p.resume(now, beforePause, timeoutNanos));
    }
  }

  /**
   * The link's scheduler ran {@code lateNanos} late, less than a pause: holds every peer's loss
   * timeout for as long (see {@link PeerState#delayed}).
   */
  void delayed(long lateNanos, long now) {
    synchronized (lock) {
      peers.values().forEach(p -> p.delayed(lateNanos, now));
    }
  }

  /** One heartbeat to send per peer and path, with what to echo on it. */
  List<Outgoing> outgoing() {
    List<Outgoing> out = new ArrayList<>();
    synchronized (lock) {
      for (PeerState peer : peers.values()) {
        peer.paths.values().forEach(p -> out.add(p.outgoing(peer.name)));
      }
    }
    return out;
  }

  Map<String, PeerView> views(long now) {
    Map<String, PeerView> views = new LinkedHashMap<>();
    synchronized (lock) {
      peers.forEach((name, p) -> views.put(name, p.view(now, timeoutNanos)));
    }
    return Collections.unmodifiableMap(views);
  }

  /** The peer's view, null if {@code name} is not a configured peer. */
  PeerView view(String name, long now) {
    synchronized (lock) {
      PeerState p = peers.get(name);
      return p == null ? null : p.view(now, timeoutNanos);
    }
  }
}
