package io.hotstandby.server;

import io.hotstandby.rec.ServerState;
import io.hotstandby.server.http.HttpEndpoint;
import io.hotstandby.server.mirror.MirrorStatus;
import io.hotstandby.server.opcua.OpcUaEndpoint;
import io.hotstandby.server.role.RoleSnapshot;
import io.hotstandby.server.role.ServiceLevels;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what this server is doing: the ServiceLevel, the admin namespace's status variables and
 * what the HTTP endpoint answers from, after every role change and every {@value #PERIOD_MS} ms (on
 * the role thread). Also ends a secret rotation once every peer runs the version that brought it,
 * since the heartbeats it reads are the ones the status shows.
 */
final class StatusPublisher {
  private static final Logger log = LoggerFactory.getLogger(StatusPublisher.class);

  /** How often the status is published when nothing changes. */
  static final long PERIOD_MS = 250;

  private final ServerParts parts;
  private final SecretRotation secrets;
  private final Supplier<RoleSnapshot> role;

  StatusPublisher(ServerParts parts, SecretRotation secrets, Supplier<RoleSnapshot> role) {
    this.parts = parts;
    this.secrets = secrets;
    this.role = role;
  }

  /** Publishes now; a failure is logged and the next period tries again. */
  void publish() {
    OpcUaEndpoint opcUa = parts.opcUa;
    HttpEndpoint http = parts.http;
    RoleSnapshot s = role.get();
    if ((opcUa == null && http == null) || s == null) {
      return;
    }
    try {
      secrets.check();
      boolean ready = parts.ready();
      // A standby is offered to clients as ready only once it holds the active's state.
      boolean serviceReady = ready && (s.state() != ServerState.STANDBY || parts.mirrorReady());
      int level = ServiceLevels.of(s.state(), serviceReady, parts.health(), s.writesSuspended());
      StatusReport report =
          new StatusReport(
              parts.domain,
              parts.self,
              parts.productVersion,
              s,
              level,
              parts.runtime,
              ready,
              parts.health(),
              parts.projectSync.status(),
              parts.rec,
              parts.cluster,
              parts.store.conflict(),
              parts.integrity,
              parts.mirror == null ? MirrorStatus.IDLE : parts.mirror.status(),
              parts.witnessLease(),
              parts.stopMark.stoppedBy(),
              parts.events.counts(),
              parts.probeStatus());
      if (opcUa != null) {
        opcUa.setServiceLevel(level);
        opcUa.publish(report.adminStatus());
      }
      if (http != null) {
        http.publish(report.snapshot(parts.mirrorReady()));
      }
    } catch (RuntimeException e) {
      log.warn("publishing status failed: {}", e.toString());
    }
  }
}
