package io.hotstandby.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.cluster.sync.ProjectSync;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.ServerSpec;
import io.hotstandby.rec.Heartbeat;
import io.hotstandby.rec.IntegrityCheck;
import io.hotstandby.rec.IntegrityResult;
import io.hotstandby.rec.PathStatus;
import io.hotstandby.rec.PeerView;
import io.hotstandby.rec.RecLink;
import io.hotstandby.rec.quorum.WitnessLease;
import io.hotstandby.runtime.ApplicationRuntime;
import io.hotstandby.server.events.EventLog;
import io.hotstandby.server.http.StatusSnapshot;
import io.hotstandby.server.mirror.MirrorStatus;
import io.hotstandby.server.opcua.AdminStatus;
import io.hotstandby.server.probe.ServiceProbe;
import io.hotstandby.server.role.RoleSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One server's status as operators' tools read it: the JSON document of {@code StatusJson} (what
 * {@code domainctl status --json} prints for this server) and the admin namespace's variables.
 */
final class StatusReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Domain domain;
  private final String self;
  private final String productVersion;
  private final RoleSnapshot role;
  private final int serviceLevel;
  private final ApplicationRuntime runtime;
  private final boolean ready;
  private final ProjectSync.Status projects;
  private final RecLink rec;
  private final ClusterMember cluster;
  private final String domainConflict;
  private final IntegrityCheck integrity;
  private final MirrorStatus mirror;
  private final WitnessLease witness;
  private final String domainStoppedBy;
  private final EventLog.Counts events;
  private final ServiceProbe.Status probe;

  /** The failure weight: the runtime's and the service probe's of this server's own endpoint. */
  private final int health;

  StatusReport(
      Domain domain,
      String self,
      String productVersion,
      RoleSnapshot role,
      int serviceLevel,
      ApplicationRuntime runtime,
      boolean ready,
      int health,
      ProjectSync.Status projects,
      RecLink rec,
      ClusterMember cluster,
      String domainConflict,
      IntegrityCheck integrity,
      MirrorStatus mirror,
      WitnessLease witness,
      String domainStoppedBy,
      EventLog.Counts events,
      ServiceProbe.Status probe) {
    this.domain = domain;
    this.self = self;
    this.productVersion = productVersion;
    this.role = role;
    this.serviceLevel = serviceLevel;
    this.runtime = runtime;
    this.ready = ready;
    this.health = health;
    this.projects = projects;
    this.rec = rec;
    this.cluster = cluster;
    this.domainConflict = domainConflict;
    this.integrity = integrity;
    this.mirror = mirror;
    this.witness = witness;
    this.domainStoppedBy = domainStoppedBy;
    this.events = events;
    this.probe = probe;
  }

  ObjectNode json() {
    ServerSpec me = domain.server(self).orElseThrow();
    ObjectNode o = JSON.createObjectNode();
    o.put("name", self);
    o.put("domain", domain.name());
    o.put("endpoint", me.opcUaUrl());
    o.put("pid", ProcessHandle.current().pid());
    o.put("state", role.state().name());
    o.put("term", role.term());
    o.put("serviceLevel", serviceLevel);
    o.put("health", health);
    // Ready as the role machine sees it: loaded, and running the active's project files when the
    // domain synchronises them; runtimeLoaded is the runtime alone.
    o.put("runtimeReady", ready);
    o.put("runtimeLoaded", runtime.ready());
    o.put("writesSuspended", role.writesSuspended());
    o.put("domainRole", domain.roleOf(self).name());
    o.put("domainVersion", domain.version());
    o.put("domainSha256", domain.sha256());
    o.put("domainConflict", domainConflict);
    // Who stopped the domain on this server and when, "" while it runs (state STOPPED then).
    o.put("domainStoppedBy", domainStoppedBy);
    o.put("lastEventSeq", events.lastSeq());
    o.put("unackedWarnings", events.unackedWarnings());
    o.put("unackedErrors", events.unackedErrors());
    o.set("integrity", integrity());
    o.set("probe", probeJson(probe));
    o.put("productVersion", productVersion);
    o.put("takeoverRequest", role.takeoverRequest());
    o.put("handoverTo", role.handoverTo());
    o.put("clusterMembers", clusterMembers());
    o.put("recDroppedDatagrams", rec.droppedDatagrams());
    // Peers talking under another secret (an older or newer domain file), per heartbeat count
    // within the last failover timeout: not the same as silent peers.
    ObjectNode foreign = o.putObject("foreignKeyPeers");
    rec.foreignKeyPeers().forEach(foreign::put);
    o.set("droppedClusterMessages", droppedClusterMessages());
    o.set("projectFiles", projectFiles());
    o.set("links", links());
    o.set("mirror", JSON.valueToTree(mirror.toMap()));
    // How punctual heartbeats have been, here and at each peer: a busy machine or a dead peer.
    o.set("recTiming", JSON.valueToTree(rec.timing()));
    witness(o);
    return o;
  }

  /**
   * What this server sees of the domain's quorum witness: whether it hears it, whom it names the
   * lease holder, and whether this server holds a lease it may act on (with the time left); null
   * when the domain has no witness.
   */
  private void witness(ObjectNode o) {
    if (witness == null) {
      o.putNull("witness");
      return;
    }
    long now = System.nanoTime();
    ObjectNode w = o.putObject("witness");
    w.put("name", witness.witness());
    w.put("reachable", witness.reachable(now));
    w.put("leaseHolder", witness.holder(now));
    w.put("leaseHeld", witness.held(now));
    w.put("leaseLeftMs", (witness.validUntil(now) - now) / 1_000_000);
  }

  /**
   * The service probe: only {@code enabled: false} when the domain has none; else what it probes
   * (target null: nothing, as on an INACTIVE server or a standby that hears no active) and how it
   * goes. A peer with {@code lastOkAt} null has not answered in its term and is not taken for
   * failed however often it fails.
   */
  static ObjectNode probeJson(ServiceProbe.Status probe) {
    ObjectNode o = JSON.createObjectNode();
    o.put("enabled", probe.enabled());
    if (!probe.enabled()) {
      return o;
    }
    ServiceProbe.Target t = probe.target();
    o.put("target", t == null ? null : t.server());
    o.put("self", t != null && t.self());
    o.put("failuresInRow", probe.failuresInRow());
    o.put("threshold", probe.threshold());
    o.put("lastOkAt", text(probe.lastOkAt()));
    o.put("lastFailureAt", text(probe.lastFailureAt()));
    o.put("lastFailure", probe.lastFailure());
    return o;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private ObjectNode projectFiles() {
    ObjectNode p = JSON.createObjectNode();
    p.put("sync", projects.sync());
    p.put("bandwidthKBps", projects.bandwidthKBps());
    p.put("active", projects.active());
    p.put("inSync", projects.inSync());
    p.put("loaded", projects.loaded());
    p.put("onDisk", projects.onDisk());
    p.put("activeLoaded", projects.activeLoaded());
    p.put("activeOnDisk", projects.activeOnDisk());
    projects.differences().forEach(p.putArray("differences")::add);
    projects.changedOnDisk().forEach(p.putArray("changedOnDisk")::add);
    p.put("copying", projects.copying());
    p.put("filesCopied", projects.filesCopied());
    return p;
  }

  /** The integrity addresses of the domain in force and what the latest check found. */
  private ObjectNode integrity() {
    ObjectNode o = JSON.createObjectNode();
    o.put("configured", integrity != null && integrity.configured());
    var list = o.putArray("addresses");
    IntegrityResult r = integrity == null ? null : integrity.latest();
    if (r != null) {
      for (IntegrityResult.AddressResult a : r.addresses()) {
        ObjectNode x = list.addObject();
        x.put("address", a.address().getHostString() + ":" + a.address().getPort());
        x.put("reachable", a.reachable());
        if (!a.error().isEmpty()) {
          x.put("error", a.error());
        }
      }
    }
    return o;
  }

  /** Topic messages dropped, in total and by reason (garbage, bad tag, replay...). */
  private ObjectNode droppedClusterMessages() {
    ObjectNode o = JSON.createObjectNode();
    o.put("total", cluster == null ? 0 : cluster.droppedMessages());
    if (cluster != null) {
      cluster.droppedByReason().forEach((why, n) -> o.put(why.name(), n));
    }
    return o;
  }

  private int clusterMembers() {
    try {
      return cluster == null ? 0 : cluster.memberCount();
    } catch (RuntimeException e) {
      return 0; // the member has shut down; the status must still be published
    }
  }

  private ArrayNode links() {
    ArrayNode peers = JSON.createArrayNode();
    for (PeerView p : rec.peers().values()) {
      ObjectNode peer = peers.addObject();
      peer.put("peer", p.name());
      peer.put("liveness", p.liveness().name());
      Heartbeat hb = p.last();
      peer.put("state", hb == null ? "UNKNOWN" : hb.state().name());
      peer.put("term", hb == null ? 0 : hb.term());
      peer.put("domainVersion", hb == null ? 0 : hb.domainVersion());
      peer.put("productVersion", hb == null ? "" : hb.productVersion());
      peer.put("productVersionMismatch", hb != null && !hb.productVersion().equals(productVersion));
      peer.put("lossTimeoutMs", p.lossTimeoutMs());
      ArrayNode paths = peer.putArray("paths");
      for (PathStatus ps : p.paths().values()) {
        ObjectNode path = paths.addObject();
        path.put("path", ps.path());
        path.put("up", ps.up());
        if (Double.isNaN(ps.rttMillis())) {
          path.putNull("rttMs");
        } else {
          path.put("rttMs", Math.round(ps.rttMillis() * 1000) / 1000.0);
        }
        path.put("lastSeen", ps.lastSeen() == null ? null : ps.lastSeen().toString());
        path.put("received", ps.received());
      }
    }
    return peers;
  }

  /** Each peer's state as this server sees it, without the per-path details. */
  private static ArrayNode peers(ArrayNode links) {
    ArrayNode peers = JSON.createArrayNode();
    for (var link : links) {
      ObjectNode p = peers.addObject();
      for (String field : new String[] {"peer", "liveness", "state", "term"}) {
        p.set(field, link.get(field));
      }
    }
    return peers;
  }

  /**
   * What the HTTP endpoint answers from until the next publication.
   *
   * @param mirrorReady whether, as a standby, this server holds the active's state
   */
  StatusSnapshot snapshot(boolean mirrorReady) {
    List<StatusSnapshot.Member> members = new ArrayList<>();
    for (ServerSpec s : domain.servers()) {
      String r =
          s.name().equals(domain.hotStandby().witness())
              ? "witness"
              : domain.roleOf(s.name()).name().toLowerCase(Locale.ROOT);
      members.add(new StatusSnapshot.Member(s.name(), r, s.opcUaUrl(), s.maintenance()));
    }
    List<StatusSnapshot.Peer> peers = new ArrayList<>();
    for (PeerView p : rec.peers().values()) {
      Heartbeat hb = p.last();
      List<StatusSnapshot.Path> paths = new ArrayList<>();
      for (PathStatus ps : p.paths().values()) {
        paths.add(new StatusSnapshot.Path(ps.path(), ps.up(), ps.rttMillis(), ps.lastSeen()));
      }
      peers.add(
          new StatusSnapshot.Peer(
              p.name(),
              p.liveness().name(),
              hb == null ? "UNKNOWN" : hb.state().name(),
              hb == null ? 0 : hb.term(),
              paths));
    }
    return new StatusSnapshot(
        System.nanoTime(),
        self,
        domain.name(),
        role.state().name(),
        role.term(),
        serviceLevel,
        health,
        ready,
        mirrorReady,
        role.writesSuspended(),
        domain.version(),
        mirror.lagMillis(),
        mirror.lagEntries(),
        new StatusSnapshot.Probe(probe.enabled(), probe.failuresInRow(), probe.threshold()),
        members,
        peers,
        json().toString());
  }

  AdminStatus adminStatus() {
    ObjectNode j = json();
    return new AdminStatus(
        domain.name(),
        domain.version(),
        domain.sha256(),
        domain.hotStandby().main(),
        domain.hotStandby().backup(),
        self,
        role.state().name(),
        role.term(),
        serviceLevel,
        health,
        ready,
        productVersion,
        domain.version(),
        ProcessHandle.current().pid(),
        j.get("links").toString(),
        peers((ArrayNode) j.get("links")).toString(),
        j.get("mirror").toString(),
        j.get("witness").toString(),
        j.toString());
  }
}
