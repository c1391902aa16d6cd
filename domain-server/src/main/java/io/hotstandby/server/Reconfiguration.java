package io.hotstandby.server;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.ServerSpec;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.IntegrityCheck;
import io.hotstandby.rec.RecLink;
import io.hotstandby.server.lifecycle.Parts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every part follow the domain version in force: the secret, the integrity addresses, the REC
 * link, the ServerUriArray, project sync and the role machine; reports what needs a restart; and
 * when the version no longer has this server, ends it once the version had time to reach the peers.
 * Runs on the role thread; a part that fails to follow is reported and the others go on.
 */
final class Reconfiguration {
  private static final Logger log = LoggerFactory.getLogger(Reconfiguration.class);

  /** How long a removed server keeps going so that the version reaches the peers first. */
  static final long REMOVED_GRACE_MS = 2000;

  private final ServerParts parts;
  private final ServerContext context;
  private final RoleDriver role;
  private final PeerEvents peers;
  private final SecretRotation secrets;
  private final Runnable publish;
  private final Runnable removed;

  /**
   * @param removed ends the server; called on the role thread when a version no longer has it
   */
  Reconfiguration(
      ServerParts parts,
      ServerContext context,
      RoleDriver role,
      PeerEvents peers,
      SecretRotation secrets,
      Runnable publish,
      Runnable removed) {
    this.parts = parts;
    this.context = context;
    this.role = role;
    this.peers = peers;
    this.secrets = secrets;
    this.publish = publish;
    this.removed = removed;
  }

  /** Posts {@link #follow} to the role thread. */
  void post() {
    role.execute(this::follow);
  }

  /**
   * Makes every part follow the version in force. It reads the store when it runs, not what the
   * caller saw: two changes posted out of order still end on the newest. Role thread.
   */
  void follow() {
    Domain next = parts.store.domain();
    Domain old = parts.domain;
    if (next.sha256().equals(old.sha256())) {
      return;
    }
    parts.domain = next;
    if (next.server(parts.self).isEmpty()) {
      parts.events.record(
          Weight.NOTICE,
          "domain",
          "domain version " + next.version() + " no longer has " + parts.self + "; stopping");
      role.schedule(removed, REMOVED_GRACE_MS);
      return;
    }
    try {
      reportRestartNeeded(old, next);
      step("secret", () -> secrets.domainChanged(old, next));
      step("cluster senders", () -> followClusterSenders(next));
      step("integrity check", () -> followIntegrity(old, next));
      if (PartConfigs.recChanged(old, next)) {
        step("REC link", () -> restartRec(next.server(parts.self).orElseThrow()));
      }
      List<String> uris = PartConfigs.serverUris(next);
      if (!uris.equals(PartConfigs.serverUris(old))) {
        step("ServerUriArray", () -> parts.opcUa.setServerUris(uris));
      }
      if (!next.projectSync().equals(old.projectSync())) {
        parts.events.record(
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
      step("project sync", () -> parts.projectSync.domainChanged());
    } finally {
      // Whatever failed above, the role machine follows the domain.
      role.domainChanged(next.version());
      peers.replay(context.partner());
      publish.run();
    }
  }

  /** One part's reconfiguration; a failure is an ERROR event and the others go on. */
  private void step(String part, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("reconfiguring the {} failed", part, e);
      parts.events.record(
          Weight.ERROR,
          "domain",
          "domain version "
              + parts.domain.version()
              + ": reconfiguring the "
              + part
              + " failed: "
              + e);
    }
  }

  private void reportRestartNeeded(Domain old, Domain next) {
    ServerSpec me = next.server(parts.self).orElseThrow();
    ServerSpec was = old.server(parts.self).orElse(me);
    List<String> restart = new ArrayList<>();
    if (!me.host().equals(was.host())
        || me.opcUaPort() != was.opcUaPort()
        || me.hazelcastPort() != was.hazelcastPort()
        || me.hazelcastPublicPort() != was.hazelcastPublicPort()) {
      restart.add("this server's host or ports");
    }
    if (!me.http().equals(was.http())) {
      restart.add("this server's HTTP endpoint");
    }
    if (!next.projects().equals(old.projects())) {
      restart.add("the project list");
    }
    if (next.hotStandby().standbyMode() != old.hotStandby().standbyMode()) {
      restart.add("the standby mode");
    }
    if (next.security().anonymousRead() != old.security().anonymousRead()) {
      restart.add("anonymous reading");
    }
    if (!next.hotStandby().virtualIp().equals(old.hotStandby().virtualIp())) {
      restart.add("the virtual IP address");
    }
    if (!next.name().equals(old.name())) {
      restart.add("the domain name");
    }
    if (!restart.isEmpty()) {
      parts.events.record(
          Weight.WARNING,
          "domain",
          "domain version "
              + next.version()
              + " changes "
              + String.join(", ", restart)
              + "; that takes effect when the server restarts");
    }
  }

  // Topic messages sealed by a server no longer in the domain are dropped from now on.
  private void followClusterSenders(Domain next) {
    ClusterMember c = parts.cluster;
    if (c != null) {
      c.setServers(next.servers());
    }
  }

  private void followIntegrity(Domain old, Domain next) {
    if (PartConfigs.integrityAddresses(next).equals(PartConfigs.integrityAddresses(old))) {
      return;
    }
    IntegrityCheck fresh = new IntegrityCheck(PartConfigs.integrityAddresses(next), 200);
    fresh.start(250);
    IntegrityCheck stale = parts.integrity;
    parts.integrity = fresh;
    Parts.closeQuietly("integrity check", stale);
  }

  private void restartRec(ServerSpec me) {
    RecLink stale = parts.rec;
    RecLink fresh = PartConfigs.recLink(parts.domain, parts.self, peers, parts.recState);
    fresh.setStatus(parts.localStatus(role.snapshot()));
    secrets.applyTo(fresh);
    Parts.closeQuietly("REC link", stale);
    Domain domain = parts.domain;
    try {
      fresh.start();
      parts.rec = fresh;
      parts.events.record(
          Weight.NOTICE,
          "rec",
          "REC link restarted for domain version "
              + domain.version()
              + " (heartbeat "
              + domain.hotStandby().heartbeatMs()
              + " ms, failover timeout "
              + domain.hotStandby().failoverTimeoutMs()
              + " ms, at most "
              + domain.hotStandby().failoverTimeoutMaxMs()
              + " ms on a busy machine)");
    } catch (IOException e) {
      Parts.closeQuietly("REC link", fresh);
      parts.events.record(
          Weight.ERROR,
          "rec",
          "REC link cannot start for domain version "
              + domain.version()
              + ": "
              + e.getMessage()
              + "; retrying in 5 s");
      parts.rec = fresh; // closed: status reads still work; the retry replaces it
      role.schedule(
          () -> {
            if (parts.rec == fresh) {
              restartRec(parts.domain.server(parts.self).orElse(me));
            }
          },
          5000);
    }
  }
}
