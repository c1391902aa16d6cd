package io.hotstandby.server.role;

import static io.hotstandby.server.role.Phase.ACTIVE;
import static io.hotstandby.server.role.Phase.HANDING_OVER;
import static io.hotstandby.server.role.Phase.INACTIVE;
import static io.hotstandby.server.role.Phase.MAINTENANCE;
import static io.hotstandby.server.role.Phase.REQUESTING;
import static io.hotstandby.server.role.Phase.STANDBY;
import static io.hotstandby.server.role.Phase.STARTING;
import static io.hotstandby.server.role.Phase.STOPPED;
import static io.hotstandby.server.role.Phase.SUSPENDED;
import static io.hotstandby.server.role.Rule.Trigger.CONDITION;
import static io.hotstandby.server.role.Rule.Trigger.anyOf;
import static io.hotstandby.server.role.Rule.Trigger.event;
import static io.hotstandby.server.role.Rule.Trigger.timeout;

import io.hotstandby.domain.DomainRole;
import io.hotstandby.rec.ServerState;
import io.hotstandby.server.role.RoleEvent.ActivateRequested;
import io.hotstandby.server.role.RoleEvent.DomainChanged;
import io.hotstandby.server.role.RoleEvent.Paused;
import io.hotstandby.server.role.RoleEvent.PeerHeard;
import io.hotstandby.server.role.RoleEvent.PeerLost;
import io.hotstandby.server.role.RoleEvent.Shutdown;
import io.hotstandby.server.role.RoleEvent.Started;
import io.hotstandby.server.role.Rule.Action;
import io.hotstandby.server.role.Rule.Guard;
import io.hotstandby.server.role.Rule.Trigger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The role rules of a server as one table of data: in which phase, on which event, under which
 * guard, the server goes where and does what. {@link RoleMachine} runs it; a test renders it into
 * docs/ARCHITECTURE.md, so the document shows exactly these rows.
 */
public final class RoleTable {
  private RoleTable() {}

  private static final Set<Phase> STANDING_BY = EnumSet.of(STANDBY, REQUESTING, HANDING_OVER);
  private static final Set<Phase> RUNNING = EnumSet.of(ACTIVE, SUSPENDED);
  private static final Set<Phase> NOT_RUNNING_A_ROLE = EnumSet.of(STARTING, INACTIVE, MAINTENANCE);
  private static final Set<Phase> ALIVE = EnumSet.complementOf(EnumSet.of(STOPPED));

  // ---- guards ---------------------------------------------------------------------------------

  static final Guard MAINTENANCE_SET = guard("set to maintenance", (m, e) -> m.ctx.maintenance());
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
          RoleTable::returnDue);
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
  static final Guard ISOLATED =
      guard("partner not alive", (m, e) -> !m.partnerAlive).and(INTEGRITY_FAILS);
  static final Guard WORSE_THAN_STANDBY =
      guard(
          "backup on local failure allowed, partner STANDBY with a lower failure weight",
          (m, e) ->
              m.ctx.activateBackupOnLocalFailure()
                  && m.partnerUp()
                  && partnerIs(m, ServerState.STANDBY)
                  && m.ctx.health() > m.partner.health());

  // ---- actions --------------------------------------------------------------------------------

  static final Action ARM_JOIN =
      action("arm JOIN", (m, e) -> m.arm(RoleTimer.JOIN, m.joinWindowMillis()));
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
            if (!standbyReady(m)) {
              m.notice(
                  RoleNotice.error(
                      changedBy(e)
                          + " takes the active role from this server and no standby is ready to"
                          + " take over ("
                          + standbyProblem(m)
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
            List<String> problems = takeoverProblems(m);
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

  // ---- the table ------------------------------------------------------------------------------

  /**
   * The rows, in order: for an event, the first matching event row wins; then the first matching
   * condition row of the phase the server is in. Declared after the guards and actions it uses.
   */
  public static final List<Rule> TABLE = declare();

  private static List<Rule> declare() {
    List<Rule> t = new ArrayList<>();
    t.add(on(ALIVE, event(Shutdown.class)).to(STOPPED).because("shutdown requested"));

    // What the domain file alone decides, at start and on every change of it.
    Trigger atStart = anyOf(event(Started.class), event(PeerHeard.class), timeout(RoleTimer.JOIN));
    Trigger changed = event(DomainChanged.class);
    for (Trigger trigger : List.of(atStart, changed)) {
      Action[] abandon = trigger == atStart ? new Action[0] : new Action[] {ABANDON_SWITCHOVER};
      Set<Phase> in =
          trigger == atStart
              ? EnumSet.of(STARTING)
              : EnumSet.of(STARTING, STANDBY, REQUESTING, HANDING_OVER, INACTIVE, MAINTENANCE);
      t.add(
          on(in, trigger)
              .when(MAINTENANCE_SET)
              .to(MAINTENANCE)
              .with(abandon)
              .because(
                  (m, e) ->
                      e instanceof DomainChanged
                          ? changedBy(e) + " sets this server to maintenance"
                          : "set to maintenance in the domain file"));
      t.add(
          on(in, trigger)
              .when(NO_ROLE)
              .to(INACTIVE)
              .with(abandon)
              .because(
                  (m, e) ->
                      (e instanceof DomainChanged ? changedBy(e) : "the domain")
                          + " names this server neither main nor backup"));
      Set<Phase> notRunning = EnumSet.copyOf(in);
      notRunning.retainAll(NOT_RUNNING_A_ROLE);
      Set<Phase> standingBy = EnumSet.copyOf(in);
      standingBy.retainAll(STANDING_BY);
      BiFunction<RoleMachine, RoleEvent, String> alone =
          (m, e) -> disabled(e) + "; the main runs alone";
      t.addAll(activateOr(on(notRunning, trigger).when(MAIN_ALONE), STANDBY, false, alone));
      if (!standingBy.isEmpty()) {
        t.addAll(activateOr(on(standingBy, trigger).when(MAIN_ALONE), null, false, alone));
      }
      t.add(
          on(in, trigger)
              .when(BACKUP_OFF)
              .to(INACTIVE)
              .with(abandon)
              .because((m, e) -> disabled(e) + "; the backup stays inactive"));
    }
    // An active leaves the role only when the domain takes it away (normally after a planned
    // switchover that the server makes before committing such a change).
    for (Guard takesItAway : List.of(MAINTENANCE_SET, NO_ROLE, BACKUP_OFF)) {
      t.add(
          on(RUNNING, changed)
              .when(takesItAway)
              .to(takesItAway == MAINTENANCE_SET ? MAINTENANCE : INACTIVE)
              .with(REPORT_NO_STANDBY)
              .because(
                  (m, e) ->
                      takesItAway == MAINTENANCE_SET
                          ? changedBy(e) + " sets this server to maintenance"
                          : takesItAway == NO_ROLE
                              ? changedBy(e) + " names this server neither main nor backup"
                              : disabled(e) + "; the backup stays inactive"));
    }
    t.add(
        on(EnumSet.of(INACTIVE), changed)
            .to(STARTING)
            .because(
                (m, e) ->
                    "named "
                        + (m.ctx.domainRole() == DomainRole.MAIN ? "main" : "backup")
                        + " in "
                        + changedBy(e)));
    t.add(
        on(EnumSet.of(MAINTENANCE), changed)
            .to(STARTING)
            .because((m, e) -> "maintenance cleared in " + changedBy(e)));
    t.add(
        on(EnumSet.of(REQUESTING, HANDING_OVER), changed)
            .when(guard("the partner is no longer the other side", RoleTable::swapPeerReplaced))
            .to(STANDBY)
            .with(ABANDON_SWITCHOVER)
            .done());

    // Joining the domain.
    t.add(on(EnumSet.of(STARTING), event(Started.class)).stay().with(ARM_JOIN).done());
    t.add(
        on(EnumSet.of(STARTING), event(PeerHeard.class))
            .when(HEARD_ACTIVE)
            .to(STANDBY)
            .because(RoleTable::activeFound));
    Trigger join = timeout(RoleTimer.JOIN);
    t.add(
        on(EnumSet.of(STARTING), join)
            .when(PARTNER_UP_ACTIVE)
            .to(STANDBY)
            .because(RoleTable::activeFound));
    t.addAll(
        activateOr(
            on(EnumSet.of(STARTING), join).when(PARTNER_COULD_RUN).when(IS_MAIN),
            STANDBY,
            true,
            (m, e) -> "both servers are up; the main takes the active role"));
    t.add(
        on(EnumSet.of(STARTING), join)
            .when(PARTNER_COULD_RUN)
            .to(STANDBY)
            .because((m, e) -> "main " + m.partner.peer() + " is up and takes the active role"));
    t.addAll(
        activateOr(
            on(EnumSet.of(STARTING), join),
            STANDBY,
            true,
            (m, e) ->
                "no active server heard within the join window of "
                    + m.joinWindowMillis()
                    + " ms"));
    t.add(refuseActivation(EnumSet.of(STARTING), "server is still STARTING"));

    // Standing by: failover, planned switchover, automatic return.
    t.addAll(
        activateOr(
            on(STANDING_BY, event(PeerHeard.class)).when(HANDED_TO_ME),
            null,
            false,
            (m, e) ->
                "planned switchover: " + ((PeerHeard) e).peer() + " handed over the active role"));
    t.add(
        on(EnumSet.of(HANDING_OVER), event(PeerHeard.class))
            .when(TOOK_OVER)
            .to(STANDBY)
            .with(
                action(
                    "NOTICE completed",
                    (m, e) ->
                        m.notice(RoleNotice.notice("switchover to " + m.swapPeer + " completed"))))
            .done());
    Trigger lost = event(PeerLost.class);
    t.add(on(STANDING_BY, lost).when(LOST_ACTIVE_BLOCKED).to(STANDBY).with(BLOCK_TAKEOVER).done());
    t.addAll(
        activateOr(
            on(STANDING_BY, lost).when(LOST_ACTIVE_OR_HANDING_OVER),
            STANDBY,
            true,
            (m, e) -> "active " + ((PeerLost) e).peer() + " " + ((PeerLost) e).cause()));
    t.add(
        on(STANDING_BY, lost)
            .to(STANDBY)
            .with(
                action(
                    "WARNING peer lost",
                    (m, e) ->
                        m.notice(
                            RoleNotice.warning(
                                "peer " + ((PeerLost) e).peer() + " " + ((PeerLost) e).cause()))))
            .done());
    t.add(
        on(EnumSet.of(REQUESTING), timeout(RoleTimer.SWAP))
            .to(STANDBY)
            .with(
                action(
                    "WARNING aborted",
                    (m, e) ->
                        m.notice(
                            RoleNotice.warning(
                                "switchover aborted: "
                                    + m.swapPeer
                                    + " did not hand over within "
                                    + m.swapTimeoutMillis()
                                    + " ms; nothing changed"))))
            .done());
    t.addAll(
        activateOr(
            on(EnumSet.of(HANDING_OVER), timeout(RoleTimer.SWAP)),
            STANDBY,
            false,
            (m, e) ->
                "switchover to "
                    + m.swapPeer
                    + " aborted: it did not take the active role; resuming"));
    t.add(
        on(STANDING_BY, event(ActivateRequested.class))
            .when(PRECONDITIONS_MET)
            .to(REQUESTING)
            .with(
                asking(
                    (m, e) -> "planned switchover requested by " + ((ActivateRequested) e).user()))
            .done());
    t.add(on(STANDING_BY, event(ActivateRequested.class)).stay().with(REFUSE_ACTIVATION).done());
    t.addAll(
        activateOr(
            on(EnumSet.of(STANDBY, REQUESTING), CONDITION).when(NOBODY_ACTIVE),
            null,
            true,
            (m, e) -> "no active server in the domain"));
    t.add(
        on(EnumSet.of(STANDBY), CONDITION)
            .when(RETURN_DUE)
            .to(REQUESTING)
            .with(
                asking(
                    (m, e) ->
                        "automatic return to the main after " + m.ctx.returnStableMillis() + " ms"))
            .done());

    // Running the application.
    t.add(
        on(RUNNING, event(PeerHeard.class))
            .when(PARTNER_WINS)
            .to(STANDBY)
            .with(REPORT_DUAL_ACTIVE)
            .because(
                (m, e) -> {
                  PeerHeard p = (PeerHeard) e;
                  return "peer "
                      + p.peer()
                      + " is ACTIVE with "
                      + (p.term() > m.term ? "a higher" : "the same")
                      + " term "
                      + p.term();
                }));
    t.add(
        on(EnumSet.of(SUSPENDED), event(PeerHeard.class))
            .when(CURRENT_VIEW)
            .to(ACTIVE)
            .with(
                action(
                    "NOTICE writes resumed",
                    (m, e) ->
                        m.notice(
                            RoleNotice.notice(
                                "device writes resumed: heard "
                                    + ((PeerHeard) e).peer()
                                    + "'s current view"))))
            .done());
    t.add(
        on(RUNNING, event(PeerHeard.class))
            .when(ASKED_TO_HAND_OVER)
            .when(PARTNER_READY)
            .to(HANDING_OVER)
            .because(
                (m, e) ->
                    "planned switchover: "
                        + ((PeerHeard) e).peer()
                        + " asked for the active role"));
    t.add(
        on(RUNNING, event(PeerHeard.class))
            .when(ASKED_TO_HAND_OVER)
            .stay()
            .with(NOT_HANDING_OVER)
            .done());
    t.add(
        on(RUNNING, lost)
            .when(INTEGRITY_FAILS)
            .to(STANDBY)
            .because(
                (m, e) ->
                    "isolated: "
                        + ((PeerLost) e).peer()
                        + " "
                        + ((PeerLost) e).cause()
                        + " and no integrity address reachable"));
    t.add(
        on(RUNNING, lost)
            .stay()
            .with(
                action(
                    "WARNING standby lost",
                    (m, e) ->
                        m.notice(
                            RoleNotice.warning(
                                "standby "
                                    + ((PeerLost) e).peer()
                                    + " "
                                    + ((PeerLost) e).cause()))))
            .done());
    t.add(on(RUNNING, event(Paused.class)).to(SUSPENDED).with(HOLD_WRITES).done());
    t.add(
        on(EnumSet.of(SUSPENDED), timeout(RoleTimer.RESUME))
            .to(ACTIVE)
            .with(
                action(
                    "NOTICE writes resumed",
                    (m, e) ->
                        m.notice(
                            RoleNotice.notice(
                                "device writes resumed: no peer heard for "
                                    + m.ctx.failoverTimeoutMillis()
                                    + " ms after the pause"))))
            .done());
    t.add(refuseActivation(RUNNING, "server is already ACTIVE"));
    t.add(
        on(RUNNING, CONDITION)
            .when(ISOLATED)
            .to(STANDBY)
            .because("isolated: no peer heard and no integrity address reachable"));
    t.add(
        on(RUNNING, CONDITION)
            .when(WORSE_THAN_STANDBY)
            .when(PARTNER_READY)
            .to(HANDING_OVER)
            .because(
                (m, e) ->
                    "local failure weight "
                        + m.ctx.health()
                        + " is worse than "
                        + m.partner.peer()
                        + "'s "
                        + m.partner.health()));
    t.add(on(RUNNING, CONDITION).when(WORSE_THAN_STANDBY).stay().with(NOT_HANDING_OVER).done());

    // Outside the roles.
    t.add(refuseActivation(EnumSet.of(INACTIVE), "server is INACTIVE: neither main nor backup"));
    t.add(refuseActivation(EnumSet.of(MAINTENANCE), "server is in MAINTENANCE in the domain file"));
    return List.copyOf(t);
  }

  /**
   * Two rows: with the guard, become ACTIVE when this server can run (and, where asked, the
   * integrity check passes); otherwise report the refusal once and go to {@code onRefusal} (null:
   * stay).
   */
  private static List<Rule> activateOr(
      Rule.Builder when,
      Phase onRefusal,
      boolean checkIntegrity,
      BiFunction<RoleMachine, RoleEvent, String> reason) {
    Guard canRun =
        guard(
            checkIntegrity ? "runtime ready, integrity passes" : "runtime ready",
            (m, e) -> refusal(m, checkIntegrity).isEmpty());
    Rule.Builder refused =
        when.copy()
            .when(
                guard(
                    checkIntegrity ? "otherwise (runtime or integrity fails)" : "otherwise",
                    (m, e) -> true));
    Rule yes = when.when(canRun).to(ACTIVE).because(reason);
    Action report =
        action(
            "WARNING refused once",
            (m, e) -> {
              String why = refusal(m, checkIntegrity);
              if (!why.equals(m.lastRefusal)) {
                m.notice(RoleNotice.warning(why + " (" + reason.apply(m, e) + ")"));
                m.lastRefusal = why;
              }
            });
    Rule no =
        (onRefusal == null ? refused.stay() : refused.to(onRefusal))
            .with(report)
            .because((m, e) -> refusal(m, checkIntegrity));
    return List.of(yes, no);
  }

  private static String refusal(RoleMachine m, boolean checkIntegrity) {
    if (!m.ctx.runtimeReady()) {
      return "not taking the active role: the runtime is not ready";
    }
    if (checkIntegrity && !m.ctx.integrityPasses()) {
      return "not taking the active role: no integrity address is reachable";
    }
    return "";
  }

  // ---- what the guards and reasons read ---------------------------------------------------------

  private static boolean partnerIs(RoleMachine m, ServerState s) {
    return m.partner != null && m.partner.state() == s;
  }

  private static boolean partnerCouldBeActive(RoleMachine m) {
    return m.partnerUp()
        && (partnerIs(m, ServerState.STARTING)
            || partnerIs(m, ServerState.STANDBY)
            || partnerIs(m, ServerState.ACTIVE));
  }

  private static boolean handedToMe(RoleMachine m, PeerHeard p) {
    return p.handoverTo().equals(m.ctx.self());
  }

  private static boolean partnerWins(RoleMachine m, PeerHeard p) {
    return p.state() == ServerState.ACTIVE
        && (p.term() > m.term || (p.term() == m.term && m.ctx.domainRole() != DomainRole.MAIN));
  }

  private static boolean nobodyActiveLongEnough(RoleMachine m) {
    long now = m.now();
    long quiet = m.quietMillis();
    return now - m.lastActiveSeen > quiet && now - m.standbySince > quiet;
  }

  /** Nobody active: this server may claim the role without waiting for the partner. */
  private static boolean mayClaimAlone(RoleMachine m) {
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

  private static boolean returnDue(RoleMachine m, RoleEvent e) {
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
    return problems;
  }

  private static boolean standbyReady(RoleMachine m) {
    return m.partnerUp() && partnerIs(m, ServerState.STANDBY) && m.partner.runtimeReady();
  }

  private static String standbyProblem(RoleMachine m) {
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

  private static boolean swapPeerReplaced(RoleMachine m, RoleEvent e) {
    String named = m.ctx.partner() == null ? "" : m.ctx.partner();
    return !m.swapPeer.equals(named);
  }

  private static String activeFound(RoleMachine m, RoleEvent e) {
    PeerHeard p = e instanceof PeerHeard h ? h : m.partner;
    return "active " + p.peer() + " found (term " + p.term() + ")";
  }

  private static String abandoned(RoleMachine m, RoleEvent e) {
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
  private static String changedBy(RoleEvent e) {
    return "domain version " + ((DomainChanged) e).version();
  }

  private static String disabled(RoleEvent e) {
    return "hot standby is disabled" + (e instanceof DomainChanged ? " in " + changedBy(e) : "");
  }

  // ---- building rows --------------------------------------------------------------------------

  private static Rule.Builder on(Set<Phase> phases, Trigger trigger) {
    return new Rule.Builder(phases, trigger);
  }

  private static Guard guard(
      String name, java.util.function.BiPredicate<RoleMachine, RoleEvent> test) {
    return new Guard(name, test);
  }

  private static Action action(
      String name, java.util.function.BiConsumer<RoleMachine, RoleEvent> run) {
    return new Action(name, run);
  }

  /** An operator's Activate in phases where it can never be met: refused with the reason. */
  private static Rule refuseActivation(Set<Phase> phases, String why) {
    return on(phases, event(ActivateRequested.class))
        .stay()
        .with(action("unmet: " + why, (m, e) -> m.unmet(List.of(why))))
        .done();
  }

  private static Action asking(BiFunction<RoleMachine, RoleEvent, String> why) {
    return action(
        "NOTICE asking the active",
        (m, e) ->
            m.notice(
                RoleNotice.notice(
                    why.apply(m, e) + ": asking " + m.partner.peer() + " to hand over")));
  }

  // ---- rendering ------------------------------------------------------------------------------

  /** The table as Markdown, one line a row, for docs/ARCHITECTURE.md. */
  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("| # | in | on | when | to | then |\n");
    md.append("|---|----|----|------|----|------|\n");
    int n = 1;
    for (Rule r : TABLE) {
      md.append("| ")
          .append(n++)
          .append(" | ")
          .append(phases(r.from()))
          .append(" | ")
          .append(r.on().name())
          .append(" | ")
          .append(r.when().name().isEmpty() ? "—" : r.when().name())
          .append(" | ")
          .append(r.to() == null ? "(stay)" : r.to().name())
          .append(" | ")
          .append(r.actions().stream().map(Action::name).collect(Collectors.joining(", ")))
          .append(" |\n");
    }
    return md.toString();
  }

  private static String phases(Set<Phase> phases) {
    if (phases.equals(ALIVE)) {
      return "any but STOPPED";
    }
    return phases.stream().map(Phase::name).collect(Collectors.joining(", "));
  }
}
