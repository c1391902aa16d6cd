package io.hotstandby.server.role;

import static io.hotstandby.server.role.Phase.HANDING_OVER;
import static io.hotstandby.server.role.Phase.REQUESTING;

import io.hotstandby.domain.DomainRole;
import io.hotstandby.rec.ServerState;
import io.hotstandby.server.role.RoleEvent.PeerHeard;
import io.hotstandby.server.role.Rule.Guard;
import java.util.ArrayList;
import java.util.List;

/**
 * The named guards of {@link RoleTable} and the facts they read from the machine's memory and
 * {@link RoleContext}. A guard's name is what the generated table shows.
 */
final class RoleGuards {
  private RoleGuards() {}

  // ---- the guards -------------------------------------------------------------------------------

  static final Guard MAINTENANCE_SET = guard("set to maintenance", (m, e) -> m.ctx.maintenance());
  static final Guard DOMAIN_STOPPED_SET =
      guard("domain stopped here by an operator", (m, e) -> m.ctx.domainStopped());
  static final Guard NO_ROLE =
      guard("neither main nor backup", (m, e) -> m.ctx.domainRole() == DomainRole.NONE);
  static final Guard MAIN_ALONE =
      guard(
          "hot standby disabled, main",
          (m, e) -> !m.ctx.hotStandbyEnabled() && m.ctx.domainRole() == DomainRole.MAIN);
  static final Guard BACKUP_OFF =
      guard(
          "hot standby disabled, backup",
          (m, e) -> !m.ctx.hotStandbyEnabled() && m.ctx.domainRole() == DomainRole.BACKUP);
  static final Guard IS_MAIN = guard("main", (m, e) -> m.ctx.domainRole() == DomainRole.MAIN);
  static final Guard HEARD_ACTIVE =
      guard("partner ACTIVE", (m, e) -> ((PeerHeard) e).state() == ServerState.ACTIVE);
  static final Guard PARTNER_UP_ACTIVE =
      guard("partner heard ACTIVE", (m, e) -> m.partnerUp() && partnerIs(m, ServerState.ACTIVE));
  static final Guard PARTNER_COULD_RUN =
      guard(
          "partner up and could run",
          (m, e) -> partnerCouldBeActive(m) && m.partner.runtimeReady());
  static final Guard HANDED_TO_ME =
      guard("partner handed over to this server", (m, e) -> handedToMe(m, (PeerHeard) e));
  static final Guard HANDED_TO_ME_UNFLUSHED =
      guard(
          "partner handed over to this server, its last changes not yet mirrored here",
          (m, e) ->
              handedToMe(m, (PeerHeard) e) && !m.ctx.mirrorCaughtUpWith(((PeerHeard) e).peer()));
  static final Guard TOOK_OVER =
      guard(
          "partner ACTIVE with a higher term",
          (m, e) -> partnerIs(m, ServerState.ACTIVE) && m.partner.term() > m.term);
  static final Guard LOST_ACTIVE_BLOCKED =
      guard(
          "lost partner was ACTIVE, of another product version, and the domain blocks that",
          (m, e) ->
              partnerIs(m, ServerState.ACTIVE)
                  && m.ctx.versionMismatchBlocksTakeover()
                  && !m.partner.productVersion().equals(m.ctx.productVersion()));
  static final Guard LOST_ACTIVE_OR_HANDING_OVER =
      guard(
          "lost partner was ACTIVE, or this server was handing over to it",
          (m, e) -> partnerIs(m, ServerState.ACTIVE) || m.phase == HANDING_OVER);
  static final Guard PRECONDITIONS_MET =
      guard("every switchover precondition met", (m, e) -> takeoverProblems(m).isEmpty());
  static final Guard NOBODY_ACTIVE =
      guard(
          "no ACTIVE heard for the quiet period (timer QUIET), takeover not blocked, and the"
              + " partner cannot be active, is a standby facing this main, or cannot run",
          (m, e) -> nobodyActiveLongEnough(m) && mayClaimAlone(m));
  static final Guard RETURN_DUE =
      guard(
          "automatic return, main, partner ACTIVE, runtime ready, stable period over (timer"
              + " RETURN)",
          RoleGuards::returnDue);
  static final Guard PARTNER_WINS =
      guard(
          "partner ACTIVE with a higher term, or the same term and this server is not the main",
          (m, e) -> partnerWins(m, (PeerHeard) e));
  static final Guard ASKED_TO_HAND_OVER =
      guard(
          "partner STANDBY asks this server to hand over",
          (m, e) ->
              ((PeerHeard) e).state() == ServerState.STANDBY
                  && ((PeerHeard) e).takeoverRequest().equals(m.ctx.self()));
  static final Guard PARTNER_READY =
      guard("partner's runtime ready", (m, e) -> m.partner.runtimeReady());
  static final Guard CURRENT_VIEW =
      guard(
          "the heartbeat echoes a send after the pause",
          (m, e) -> ((PeerHeard) e).echoNanos() >= m.resumedAtNanos);
  static final Guard INTEGRITY_FAILS =
      guard(
          "integrity configured and failing",
          (m, e) -> m.ctx.integrityConfigured() && !m.ctx.integrityPasses());
  static final Guard LEASE_LOST =
      guard(
          "quorum witness configured, no valid lease, and the partner asks the witness for it or"
              + " has not echoed a heartbeat of this server for half the failover timeout (timer"
              + " LEASE)",
          (m, e) -> Quorum.leaseLost(m));
  static final Guard ISOLATED =
      guard("partner not alive", (m, e) -> !m.partnerAlive).and(INTEGRITY_FAILS);
  static final Guard WORSE_THAN_STANDBY =
      guard(
          "backup on local failure allowed, partner STANDBY with a lower failure weight",
          (m, e) ->
              m.ctx.activateBackupOnLocalFailure()
                  && m.partnerUp()
                  && partnerIs(m, ServerState.STANDBY)
                  && m.ctx.localFailureWeight() > m.partner.health());

  static final Guard PARTNER_FOREIGN_KEY =
      guard(
          "partner's heartbeats do not verify with this server's secret",
          (m, e) -> m.ctx.foreignKeyPeers().contains(m.ctx.partner()));

  static final Guard SWAP_PEER_REPLACED =
      guard("the partner is no longer the other side", RoleGuards::swapPeerReplaced);

  // ---- what the guards and reasons read ---------------------------------------------------------

  static boolean partnerIs(RoleMachine m, ServerState s) {
    return m.partner != null && m.partner.state() == s;
  }

  static boolean partnerCouldBeActive(RoleMachine m) {
    return m.partnerUp()
        && (partnerIs(m, ServerState.STARTING)
            || partnerIs(m, ServerState.STANDBY)
            || partnerIs(m, ServerState.ACTIVE));
  }

  static boolean handedToMe(RoleMachine m, PeerHeard p) {
    return p.handoverTo().equals(m.ctx.self());
  }

  static boolean partnerWins(RoleMachine m, PeerHeard p) {
    return p.state() == ServerState.ACTIVE
        && (p.term() > m.term || (p.term() == m.term && m.ctx.domainRole() != DomainRole.MAIN));
  }

  static boolean nobodyActiveLongEnough(RoleMachine m) {
    long now = m.now();
    long quiet = m.quietMillis();
    return now - m.lastActiveSeen > quiet && now - m.standbySince > quiet;
  }

  /** Nobody active: this server may claim the role without waiting for the partner. */
  static boolean mayClaimAlone(RoleMachine m) {
    boolean mainFacingStandby =
        m.ctx.domainRole() == DomainRole.MAIN
            && partnerIs(m, ServerState.STANDBY)
            && m.partner.handoverTo().isEmpty()
            && m.partner.takeoverRequest().isEmpty()
            && m.phase != REQUESTING;
    boolean partnerCannotRun = partnerIs(m, ServerState.STANDBY) && !m.partner.runtimeReady();
    return !m.takeoverBlockedByVersion
        && (!partnerCouldBeActive(m) || mainFacingStandby || partnerCannotRun);
  }

  static boolean returnDue(RoleMachine m, RoleEvent e) {
    return m.ctx.automaticReturn()
        && m.ctx.domainRole() == DomainRole.MAIN
        && m.partnerUp()
        && partnerIs(m, ServerState.ACTIVE)
        && m.ctx.runtimeReady()
        && m.now() - m.standbySince >= m.ctx.returnStableMillis();
  }

  /** Every unmet precondition of a planned switchover to this server. */
  static List<String> takeoverProblems(RoleMachine m) {
    List<String> problems = new ArrayList<>();
    if (m.phase == REQUESTING || m.phase == HANDING_OVER) {
      problems.add("a switchover is already in progress");
    }
    if (!m.partnerUp()) {
      problems.add("peer " + m.ctx.partner() + " is not reachable on any REC path");
    } else {
      PeerHeard p = m.partner;
      if (p.state() != ServerState.ACTIVE) {
        problems.add("peer " + p.peer() + " is not ACTIVE (it is " + p.state() + ")");
      }
      if (p.domainVersion() != m.ctx.domainVersion()) {
        problems.add(
            "domain versions differ (here "
                + m.ctx.domainVersion()
                + ", "
                + p.peer()
                + " "
                + p.domainVersion()
                + ")");
      }
      String files = m.ctx.domainFileProblem(p.peer());
      if (p.domainVersion() == m.ctx.domainVersion() && !files.isEmpty()) {
        problems.add(files);
      }
      if (!p.productVersion().equals(m.ctx.productVersion())) {
        problems.add(
            "product versions differ (here "
                + m.ctx.productVersion()
                + ", "
                + p.peer()
                + " "
                + p.productVersion()
                + ")");
      }
    }
    if (!m.ctx.runtimeReady()) {
      problems.add("the runtime of " + m.ctx.self() + " is not ready");
    }
    String mirror = m.ctx.mirrorProblem();
    if (!mirror.isEmpty()) {
      problems.add(mirror);
    }
    return problems;
  }

  static boolean standbyReady(RoleMachine m) {
    return m.partnerUp() && partnerIs(m, ServerState.STANDBY) && m.partner.runtimeReady();
  }

  static String standbyProblem(RoleMachine m) {
    if (m.partner == null) {
      return "no partner heard";
    }
    if (!m.partnerAlive) {
      return m.partner.peer() + " is lost";
    }
    if (m.partner.state() != ServerState.STANDBY) {
      return m.partner.peer() + " is " + m.partner.state();
    }
    return "the runtime of " + m.partner.peer() + " is not ready";
  }

  static boolean swapPeerReplaced(RoleMachine m, RoleEvent e) {
    String named = m.ctx.partner() == null ? "" : m.ctx.partner();
    return !m.swapPeer.equals(named);
  }

  static Guard guard(String name, java.util.function.BiPredicate<RoleMachine, RoleEvent> test) {
    return new Guard(name, test);
  }
}
