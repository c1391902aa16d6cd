package io.hotstandby.server;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.Heartbeat;
import io.hotstandby.rec.PeerView;
import io.hotstandby.rec.RecLink;
import io.hotstandby.rec.ServerState;
import io.hotstandby.runtime.ProjectRuntime;
import io.hotstandby.server.mirror.MirrorHost;
import io.hotstandby.server.mirror.StateMirror;
import io.hotstandby.server.role.RoleSnapshot;
import java.util.Map;
import java.util.function.Supplier;

/** The state mirror's view of this server: its runtime, its peers, its cluster member and logs. */
final class MirrorWiring implements MirrorHost {
  private final ServerParts parts;
  private final Supplier<RoleSnapshot> role;

  MirrorWiring(ServerParts parts, Supplier<RoleSnapshot> role) {
    this.parts = parts;
    this.role = role;
  }

  @Override
  public String self() {
    return parts.self;
  }

  @Override
  public ProjectRuntime runtime() {
    return parts.runtime;
  }

  @Override
  public void publish(byte[] message) {
    ClusterMember c = parts.cluster;
    if (c != null) {
      c.publish(StateMirror.TOPIC, message);
    }
  }

  @Override
  public String activePeer() {
    return activePeerOf(parts.rec);
  }

  /** The peer {@code rec} hears alive and ACTIVE, or "" (also when there is no link). */
  static String activePeerOf(RecLink rec) {
    if (rec == null) {
      return "";
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

  @Override
  public boolean stopped(String peer) {
    Heartbeat last = lastHeard(parts.rec, peer);
    return last != null && last.state() == ServerState.STOPPED;
  }

  @Override
  public long announcedSeq(String peer) {
    Heartbeat last = lastHeard(parts.rec, peer);
    return last == null ? 0 : last.mirrorSeq();
  }

  /**
   * The last heartbeat {@code rec} heard from {@code peer}, or null (also when there is no link).
   */
  static Heartbeat lastHeard(RecLink rec, String peer) {
    PeerView p = rec == null ? null : rec.peers().get(peer);
    return p == null ? null : p.last();
  }

  @Override
  public long term() {
    RoleSnapshot s = role.get();
    return s == null ? 0 : s.term();
  }

  @Override
  public long maxLagMillis() {
    return parts.mirrorMaxLagMillis();
  }

  @Override
  public long confirmTimeoutMillis() {
    return Math.max(500, parts.failoverTimeoutMillis());
  }

  @Override
  public void event(Weight weight, String message, Map<String, Object> details) {
    parts.events.record(weight, "mirror", message, details);
  }

  @Override
  public void mirroredEvent(String line) {
    parts.events.appendMirrored(line);
  }
}
