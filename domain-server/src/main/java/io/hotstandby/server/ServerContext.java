package io.hotstandby.server;

import io.hotstandby.cluster.sync.DomainReplicator;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainRole;
import io.hotstandby.domain.ReturnPolicy;
import io.hotstandby.rec.Heartbeat;
import io.hotstandby.rec.IntegrityCheck;
import io.hotstandby.rec.IntegrityResult;
import io.hotstandby.rec.RecLink;
import io.hotstandby.rec.quorum.WitnessLease;
import io.hotstandby.server.mirror.MirrorStatus;
import io.hotstandby.server.mirror.StateMirror;
import io.hotstandby.server.role.RoleContext;
import java.util.Set;

/**
 * The facts the role machine decides on, read at every question from the server's live parts (the
 * domain in force, the integrity check, the runtime and the server's readiness), so a part that a
 * domain change replaces is seen at once and no copy has to follow it.
 */
final class ServerContext implements RoleContext {

  private final ServerParts parts;

  ServerContext(ServerParts parts) {
    this.parts = parts;
  }

  @Override
  public String self() {
    return parts.self;
  }

  @Override
  public DomainRole domainRole() {
    return parts.domain.roleOf(parts.self);
  }

  @Override
  public String partner() {
    Domain domain = parts.domain;
    return switch (domain.roleOf(parts.self)) {
      case MAIN -> domain.hotStandby().backup();
      case BACKUP -> domain.hotStandby().main();
      case NONE -> "";
    };
  }

  @Override
  public boolean domainStopped() {
    return parts.stopMark.stopped();
  }

  @Override
  public boolean maintenance() {
    return parts.domain.server(parts.self).orElseThrow().maintenance();
  }

  @Override
  public boolean hotStandbyEnabled() {
    return parts.domain.hotStandby().enabled();
  }

  /**
   * Reads the background check's latest result and never blocks the role thread. A result older
   * than the failover timeout counts as failing: a slow check means connects are timing out.
   */
  @Override
  public boolean integrityPasses() {
    IntegrityCheck integrity = parts.integrity;
    if (!integrity.configured()) {
      return true;
    }
    IntegrityResult r = integrity.latest();
    return r != null && r.ageMillis() <= failoverTimeoutMillis() && r.anyReachable();
  }

  @Override
  public boolean integrityConfigured() {
    return parts.integrity.configured();
  }

  /** The server's readiness: runtime loaded and, when synchronised, the active's project files. */
  @Override
  public boolean runtimeReady() {
    return parts.ready();
  }

  @Override
  public int health() {
    return parts.health();
  }

  @Override
  public int localFailureWeight() {
    return parts.runtime.health();
  }

  @Override
  public long domainVersion() {
    return parts.domain.version();
  }

  @Override
  public String productVersion() {
    return parts.productVersion;
  }

  @Override
  public boolean activateBackupOnLocalFailure() {
    return parts.domain.hotStandby().activateBackupOnLocalFailure();
  }

  @Override
  public boolean automaticReturn() {
    return parts.domain.hotStandby().returnToMain() == ReturnPolicy.AUTOMATIC;
  }

  @Override
  public long returnStableMillis() {
    return parts.domain.hotStandby().returnStableMs();
  }

  @Override
  public boolean versionMismatchBlocksTakeover() {
    return parts.domain.hotStandby().versionMismatchBlocksTakeover();
  }

  @Override
  public long failoverTimeoutMillis() {
    return parts.domain.hotStandby().failoverTimeoutMs();
  }

  @Override
  public Set<String> foreignKeyPeers() {
    RecLink rec = parts.rec;
    return rec == null ? Set.of() : rec.foreignKeyPeers().keySet();
  }

  @Override
  public boolean mirrorCaughtUpWith(String peer) {
    StateMirror m = parts.mirror;
    Heartbeat last = MirrorWiring.lastHeard(parts.rec, peer);
    return m == null || last == null || m.holdsUpTo(peer, last.mirrorSeq());
  }

  @Override
  public String mirrorProblem() {
    StateMirror m = parts.mirror;
    if (m == null || parts.mirrorReady()) {
      return "";
    }
    MirrorStatus s = m.status();
    if (s.lagEntries() < 0) {
      return "the state mirror of " + parts.self + " has no snapshot of the active's state yet";
    }
    return "the state mirror of "
        + parts.self
        + " is "
        + s.lagEntries()
        + " change(s) and "
        + s.lagMillis()
        + " ms behind (mirrorMaxLagMs "
        + parts.mirrorMaxLagMillis()
        + ")";
  }

  @Override
  public String domainFileProblem(String peer) {
    DomainReplicator r = parts.replicator;
    String theirs = r == null ? "" : r.lastHashOf(peer, parts.domain.version());
    String mine = parts.store.current().sha256();
    if (theirs.isEmpty() || theirs.equals(mine)) {
      return "";
    }
    return "domain files differ with the same version number (here "
        + mine.substring(0, 12)
        + ", "
        + peer
        + " "
        + theirs.substring(0, Math.min(12, theirs.length()))
        + ")";
  }

  @Override
  public String witness() {
    return parts.domain.hotStandby().witness();
  }

  @Override
  public WitnessLease witnessLease() {
    return parts.witnessLease();
  }
}
