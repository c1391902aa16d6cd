package io.hotstandby.server;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.cluster.sync.DomainReplicator;
import io.hotstandby.cluster.sync.ProjectSync;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.HotStandbySpec;
import io.hotstandby.domain.sync.DomainStore;
import io.hotstandby.rec.IntegrityCheck;
import io.hotstandby.rec.LocalStatus;
import io.hotstandby.rec.RecLink;
import io.hotstandby.rec.RecState;
import io.hotstandby.rec.quorum.WitnessLease;
import io.hotstandby.runtime.ProjectRuntime;
import io.hotstandby.server.events.AuditLog;
import io.hotstandby.server.events.EventLog;
import io.hotstandby.server.http.HttpEndpoint;
import io.hotstandby.server.mirror.MirrorStatus;
import io.hotstandby.server.mirror.StateMirror;
import io.hotstandby.server.opcua.OpcUaEndpoint;
import io.hotstandby.server.probe.ServiceProbe;
import io.hotstandby.server.role.RoleSnapshot;
import io.hotstandby.server.role.RoleTimings;
import io.hotstandby.server.vip.VirtualIp;
import java.nio.file.Path;

/**
 * The parts one server is made of, as they are now: a domain change may replace the REC link and
 * the integrity check, and the cluster member comes up after the start, so the classes that do the
 * server's jobs read them here rather than keep their own copies. Fields that change are volatile
 * and may be read from any thread; only the role thread replaces them.
 */
final class ServerParts {
  final String self;
  final String productVersion;
  final Path dataDir;
  final DomainStore store;
  final EventLog events;
  final AuditLog audit;
  final ProjectRuntime runtime;

  volatile Domain domain;
  volatile RecLink rec;

  /** The REC boot numbers on disk, shared by every REC link this server builds. */
  volatile RecState recState;

  volatile IntegrityCheck integrity;
  volatile ClusterMember cluster;
  volatile OpcUaEndpoint opcUa;

  /** The read-only HTTP endpoint, null when the domain file gives this server none. */
  volatile HttpEndpoint http;

  volatile ProjectSync projectSync;

  /** Replication of the domain file (knows the peers' hashes). */
  volatile DomainReplicator replicator;

  /** Actions arriving while this server hands the role over; set once before the role thread. */
  volatile SwapForwarding forwarding;

  /** State mirroring; set once before the role thread starts. */
  volatile StateMirror mirror;

  /** How far this server's mirror of the active's state lags; recorded with every takeover. */
  volatile MirrorLagProbe mirrorLag = MirrorLagProbe.NONE;

  /** The domain's virtual IP address on this server, or null when it holds none. */
  volatile VirtualIp virtualIp;

  /** The switchover history and its cluster topic. */
  volatile HistoryTopic history;

  /** The service probe; set once before it starts, null until then. */
  volatile ServiceProbes probes;

  /** Whether an operator stopped the domain here; read before the role machine starts. */
  final DomainStopMark stopMark;

  ServerParts(
      String self,
      String productVersion,
      Path dataDir,
      DomainStore store,
      Domain domain,
      EventLog events,
      AuditLog audit,
      ProjectRuntime runtime) {
    this.self = self;
    this.productVersion = productVersion;
    this.dataDir = dataDir;
    this.store = store;
    this.domain = domain;
    this.events = events;
    this.audit = audit;
    this.runtime = runtime;
    this.stopMark = DomainStopMark.in(dataDir);
  }

  /** How long a planned switchover may take, as the role machine bounds it. */
  long swapTimeoutMillis() {
    return RoleTimings.swapTimeoutMillis(domain.hotStandby().failoverTimeoutMs());
  }

  /** A standby is ready for a planned switchover when its mirror lag is at most this. */
  long mirrorMaxLagMillis() {
    return domain.hotStandby().mirrorMaxLagMs();
  }

  /**
   * Whether this server, as a standby, has the active's state: its mirror is caught up within the
   * domain's bound. True when not following (an active, or no active to follow is not a mirror
   * matter). What the ServiceLevel's standby band and a planned switchover go by; a takeover after
   * the active is lost does not wait for it.
   */
  boolean mirrorReady() {
    StateMirror m = mirror;
    if (m == null) {
      return true;
    }
    MirrorStatus s = m.status();
    return s.mode() != MirrorStatus.Mode.FOLLOWING || s.ready();
  }

  /** The domain's failover timeout. */
  long failoverTimeoutMillis() {
    return domain.hotStandby().failoverTimeoutMs();
  }

  /**
   * Whether this server could run the application: its runtime is loaded and, when the domain
   * synchronises project files, the files it loaded are the active's. What the role machine, the
   * heartbeats, the ServiceLevel and switchovers go by.
   */
  boolean ready() {
    ProjectSync p = projectSync;
    return runtime.ready() && (p == null || p.projectsMatchActive());
  }

  /**
   * This server's failure weight: its runtime's (devices it cannot reach), while its own OPC UA
   * endpoint fails the service probe the probe's, and a failure to add or remove the virtual IP
   * address. What heartbeats, ServiceLevel, status and the role machine go by.
   */
  int health() {
    ServiceProbes p = probes;
    VirtualIp v = virtualIp;
    return runtime.health()
        + (p == null ? 0 : p.failureWeight())
        + (v == null ? 0 : v.failureWeight());
  }

  /** What the service probe is doing, {@link ServiceProbe.Status#OFF} before it starts. */
  ServiceProbe.Status probeStatus() {
    ServiceProbes p = probes;
    return p == null ? ServiceProbe.Status.OFF : p.status();
  }

  /** What this server announces in its heartbeats. */
  LocalStatus localStatus(RoleSnapshot s) {
    return new LocalStatus(
        s.state(),
        s.term(),
        s.activeSinceMillis(),
        health(),
        ready(),
        domain.version(),
        mirror == null ? 0 : mirror.announcedSeq(),
        productVersion,
        s.takeoverRequest(),
        s.handoverTo(),
        "",
        s.leaseRequest(),
        0);
  }

  private WitnessLease witnessLease;

  /**
   * This server's view of the lease of the domain's quorum witness, or null when the domain has
   * none; made anew when the domain names another witness or changes the failover timeout.
   */
  synchronized WitnessLease witnessLease() {
    HotStandbySpec h = domain.hotStandby();
    if (!h.hasWitness()) {
      witnessLease = null;
    } else if (witnessLease == null
        || !witnessLease.witness().equals(h.witness())
        || witnessLease.leaseMillis() != h.failoverTimeoutMs()) {
      witnessLease = new WitnessLease(self, h.witness(), h.failoverTimeoutMs());
    }
    return witnessLease;
  }
}
