package io.hotstandby.server;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.cluster.sync.DomainReplicator;
import io.hotstandby.cluster.sync.ProjectSync;
import io.hotstandby.domain.ServerSpec;
import io.hotstandby.events.Weight;
import io.hotstandby.server.lifecycle.AbstractPart;
import io.hotstandby.server.lifecycle.Parts;
import io.hotstandby.server.lifecycle.Termination;
import io.hotstandby.server.mirror.StateMirror;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * This server's Hazelcast member and what hangs on it: domain replication, project sync, the admin
 * topic, the switchover history. The member joins in the background (a join can take seconds and
 * the server must not wait for it to serve); a member that cannot start ends the server through
 * {@code failed}, as a port in use at the start would.
 */
final class ClusterMembership extends AbstractPart {
  private final ServerParts parts;
  private final PeerEvents peers;
  private final SecretRotation secrets;
  private final Switchover switchover;
  private final DomainReplicator replicator;
  private final Consumer<Termination> failed;
  private ExecutorService starter;

  ClusterMembership(
      ServerParts parts,
      PeerEvents peers,
      SecretRotation secrets,
      Switchover switchover,
      DomainReplicator replicator,
      Consumer<Termination> failed) {
    super("cluster");
    this.parts = parts;
    this.peers = peers;
    this.secrets = secrets;
    this.switchover = switchover;
    this.replicator = replicator;
    this.failed = failed;
  }

  /** Fails the start with a one-line error rather than stopping later from the cluster thread. */
  static void checkPortFree(ServerParts parts) throws StartupException {
    ServerSpec me = parts.domain.server(parts.self).orElseThrow();
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(me.host(), me.hazelcastPort()));
    } catch (IOException e) {
      throw new StartupException(
          StartupException.RESOURCE,
          parts.domain.file()
              + ": servers/server[@name='"
              + parts.self
              + "']/hazelcast/@port: cannot bind "
              + me.host()
              + ":"
              + me.hazelcastPort()
              + ": "
              + e.getMessage());
    }
  }

  @Override
  protected void doStart() {
    starter =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "cluster-start-" + parts.self);
              t.setDaemon(true);
              return t;
            });
    starter.execute(this::join);
  }

  private void join() {
    ClusterMember member;
    try {
      member =
          ClusterMember.start(
              parts.domain,
              parts.self,
              peers::clusterRemoved,
              name -> {
                replicator.peerJoined(name);
                ProjectSync p = parts.projectSync;
                if (p != null) {
                  p.peerJoined(name);
                }
                HistoryTopic h = parts.history;
                if (h != null) {
                  h.peerJoined(name);
                }
              });
    } catch (RuntimeException e) {
      ServerSpec me = parts.domain.server(parts.self).orElseThrow();
      String msg =
          "hazelcast: cannot start the cluster member on "
              + me.host()
              + ":"
              + me.hazelcastPort()
              + ": "
              + e.getMessage();
      parts.events.record(Weight.ERROR, "cluster", msg);
      boolean stopping = state() != State.STARTING && state() != State.RUNNING;
      fail(e);
      if (!stopping) {
        failed.accept(new Termination(StartupException.RESOURCE, msg));
      }
      return;
    }
    synchronized (this) {
      if (state() != State.RUNNING && state() != State.STARTING) {
        // Stopped while joining: nobody else will close it.
        Parts.closeQuietly("cluster member", member);
        return;
      }
      parts.cluster = member;
    }
    member.setKeys(secrets.topicKeys());
    member.setServers(parts.domain.servers()); // the domain may have changed while joining
    replicator.attach(member);
    parts.projectSync.attach(member);
    member.subscribe(Switchover.ADMIN_TOPIC, switchover::adminMessage);
    member.subscribe(StateMirror.TOPIC, parts.mirror::received);
    if (parts.history != null) {
      parts.history.attach(member);
    }
    parts.events.record(
        Weight.NOTICE, "cluster", "cluster member up with " + member.memberCount() + " member(s)");
  }

  @Override
  protected void doStop() {
    if (starter != null) {
      starter.shutdown();
    }
    // What talks on the member stops before it.
    Parts.closeQuietly("domain replication", replicator);
    Parts.closeQuietly("project sync", parts.projectSync);
    ClusterMember member;
    synchronized (this) {
      member = parts.cluster;
    }
    Parts.closeQuietly("cluster member", member);
  }
}
