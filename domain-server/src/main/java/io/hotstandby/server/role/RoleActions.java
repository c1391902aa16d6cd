package io.hotstandby.server.role;

import static io.hotstandby.server.role.Phase.HANDING_OVER;
import static io.hotstandby.server.role.Phase.REQUESTING;
import static io.hotstandby.server.role.Phase.SUSPENDED;

import io.hotstandby.server.role.RoleEvent.DomainChanged;
import io.hotstandby.server.role.RoleEvent.Paused;
import io.hotstandby.server.role.RoleEvent.PeerHeard;
import io.hotstandby.server.role.RoleEvent.PeerLost;
import io.hotstandby.server.role.Rule.Action;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The named actions of {@link RoleTable} (notices, timers, memory) and the texts its reasons are
 * made of.
 */
final class RoleActions {
  private RoleActions() {}

  // ---- actions --------------------------------------------------------------------------------

  static final Action ARM_JOIN =
      action("arm JOIN", (m, e) -> m.arm(RoleTimer.JOIN, m.joinWindowMillis()));

  /**
   * Once per peer: an ERROR that the partner talks under another secret. The join is re-armed, so
   * the server joins by itself once they verify (current file applied, or a peer's rotation done).
   */
  static final Action REPORT_FOREIGN_KEY =
      action(
          "ERROR foreign key once, re-arm JOIN",
          (m, e) -> {
            String peer = m.ctx.partner();
            if (!peer.equals(m.foreignKeyReported)) {
              m.foreignKeyReported = peer;
              m.notice(
                  RoleNotice.error(
                      m.ctx.self()
                          + ": heartbeats from "
                          + peer
                          + " do not verify with this server's secret; this server's domain file"
                          + " is older than the domain's \u2014 give it the current one (domainctl"
                          + " domain apply); it stays out of the active role until then",
                      -1));
            }
            m.arm(RoleTimer.JOIN, m.joinWindowMillis());
          });

  static final Action ABANDON_SWITCHOVER =
      action(
          "abandon a switchover",
          (m, e) -> {
            if (m.phase == REQUESTING || m.phase == HANDING_OVER) {
              m.notice(RoleNotice.warning(abandoned(m, e)));
            }
          });
  static final Action REPORT_NO_STANDBY =
      action(
          "ERROR if no standby is ready",
          (m, e) -> {
            if (!RoleGuards.standbyReady(m)) {
              m.notice(
                  RoleNotice.error(
                      changedBy(e)
                          + " takes the active role from this server and no standby is ready to"
                          + " take over ("
                          + RoleGuards.standbyProblem(m)
                          + ")",
                      -1));
            }
          });
  static final Action BLOCK_TAKEOVER =
      action(
          "WARNING, takeover blocked",
          (m, e) -> {
            PeerLost l = (PeerLost) e;
            m.notice(
                RoleNotice.warning(
                    "not taking the active role: "
                        + l.peer()
                        + " runs product version "
                        + m.partner.productVersion()
                        + ", this server "
                        + m.ctx.productVersion()
                        + ", and the domain blocks a takeover on a mismatch ("
                        + l.cause()
                        + ")"));
            m.takeoverBlockedByVersion = true;
          });
  static final Action REFUSE_ACTIVATION =
      action(
          "unmet preconditions",
          (m, e) -> {
            List<String> problems = RoleGuards.takeoverProblems(m);
            m.unmet(problems);
            m.notice(RoleNotice.warning("activation refused: " + String.join("; ", problems)));
          });
  static final Action REPORT_DUAL_ACTIVE =
      action(
          "ERROR dual active with its length",
          (m, e) -> {
            PeerHeard p = (PeerHeard) e;
            long since = Math.max(Math.max(p.activeSinceMillis(), m.activeSince), m.resumedAtWall);
            long dual = Math.max(0, m.wallNow() - since);
            m.notice(
                RoleNotice.error(
                    "dual active for "
                        + dual
                        + " ms: "
                        + p.peer()
                        + " is also ACTIVE (term "
                        + p.term()
                        + ", here "
                        + m.term
                        + ")",
                    dual));
          });
  static final Action NOT_HANDING_OVER =
      action(
          "WARNING partner not ready",
          (m, e) ->
              m.notice(
                  RoleNotice.warning(
                      "not handing over: the runtime of " + m.partner.peer() + " is not ready")));
  static final Action HOLD_WRITES =
      action(
          "hold writes, arm RESUME",
          (m, e) -> {
            long late = ((Paused) e).lateMillis();
            if (m.phase != SUSPENDED || m.now() - m.resumedAtMono > late) {
              m.notice(
                  RoleNotice.warning(
                      "process paused for "
                          + late
                          + " ms; device writes suspended until peers are heard"));
            }
            m.resumedAtWall = m.wallNow();
            m.resumedAtMono = m.now();
            m.resumedAtNanos = m.nanoNow();
            m.arm(RoleTimer.RESUME, m.ctx.failoverTimeoutMillis());
          });

  static String refusal(RoleMachine m, boolean checkIntegrity) {
    if (!m.ctx.runtimeReady()) {
      return "not taking the active role: the runtime is not ready";
    }
    if (checkIntegrity && !m.ctx.integrityPasses()) {
      return "not taking the active role: no integrity address is reachable";
    }
    return checkIntegrity ? Quorum.refusal(m) : "";
  }

  static String activeFound(RoleMachine m, RoleEvent e) {
    PeerHeard p = e instanceof PeerHeard h ? h : m.partner;
    return "active " + p.peer() + " found (term " + p.term() + ")";
  }

  static String abandoned(RoleMachine m, RoleEvent e) {
    return m.phase == REQUESTING
        ? "switchover abandoned: the domain changed ("
            + changedBy(e)
            + ") while asking "
            + m.swapPeer
            + " to hand over"
        : "switchover abandoned: the domain changed ("
            + changedBy(e)
            + ") while handing over to "
            + m.swapPeer;
  }

  /** How reasons name a domain change, e.g. "domain version 7". */
  static String changedBy(RoleEvent e) {
    return "domain version " + ((DomainChanged) e).version();
  }

  static String disabled(RoleEvent e) {
    return "hot standby is disabled" + (e instanceof DomainChanged ? " in " + changedBy(e) : "");
  }

  static Action action(String name, java.util.function.BiConsumer<RoleMachine, RoleEvent> run) {
    return new Action(name, run);
  }

  static Action asking(BiFunction<RoleMachine, RoleEvent, String> why) {
    return action(
        "NOTICE asking the active",
        (m, e) -> {
          String reason = why.apply(m, e);
          m.requestReason = reason;
          m.requestedAt = m.now();
          m.notice(RoleNotice.notice(reason + ": asking " + m.partner.peer() + " to hand over"));
        });
  }
}
