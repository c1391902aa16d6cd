package io.hotstandby.server.role;

import static io.hotstandby.server.role.Phase.ACTIVE;
import static io.hotstandby.server.role.Phase.DOMAIN_STOPPED;
import static io.hotstandby.server.role.Phase.HANDING_OVER;
import static io.hotstandby.server.role.Phase.INACTIVE;
import static io.hotstandby.server.role.Phase.MAINTENANCE;
import static io.hotstandby.server.role.Phase.REQUESTING;
import static io.hotstandby.server.role.Phase.STANDBY;
import static io.hotstandby.server.role.Phase.STARTING;
import static io.hotstandby.server.role.Phase.STOPPED;
import static io.hotstandby.server.role.Phase.SUSPENDED;
import static io.hotstandby.server.role.RoleActions.*;
import static io.hotstandby.server.role.RoleGuards.*;
import static io.hotstandby.server.role.Rule.Trigger.CONDITION;
import static io.hotstandby.server.role.Rule.Trigger.anyOf;
import static io.hotstandby.server.role.Rule.Trigger.event;
import static io.hotstandby.server.role.Rule.Trigger.timeout;

import io.hotstandby.domain.DomainRole;
import io.hotstandby.server.role.RoleEvent.ActivateRequested;
import io.hotstandby.server.role.RoleEvent.DomainChanged;
import io.hotstandby.server.role.RoleEvent.DomainStartRequested;
import io.hotstandby.server.role.RoleEvent.DomainStopRequested;
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

  // ---- the table ------------------------------------------------------------------------------

  /**
   * The rows, in order: for an event, the first matching event row wins; then the first matching
   * condition row of the phase the server is in. Declared after the guards and actions it uses.
   */
  public static final List<Rule> TABLE = declare();

  private static List<Rule> declare() {
    List<Rule> t = new ArrayList<>();
    t.add(on(ALIVE, event(Shutdown.class)).to(STOPPED).because("shutdown requested"));

    // An operator's StopDomain and StartDomain (an active hands over before it asks to stop).
    Set<Phase> inDomain = EnumSet.complementOf(EnumSet.of(DOMAIN_STOPPED, STOPPED));
    t.add(
        on(EnumSet.of(ACTIVE, SUSPENDED, HANDING_OVER), event(DomainStopRequested.class))
            .when(guard("not forced", (m, e) -> !((DomainStopRequested) e).force()))
            .stay()
            .with(
                action(
                    "unmet: runs the application",
                    (m, e) ->
                        m.unmet(
                            List.of(
                                "refused: "
                                    + m.ctx.self()
                                    + " is "
                                    + m.phase
                                    + " and the stop was not forced; nothing changed"))))
            .done());
    t.add(
        on(inDomain, event(DomainStopRequested.class))
            .to(DOMAIN_STOPPED)
            .with(ABANDON_SWITCHOVER)
            .because((m, e) -> "domain stopped by " + ((DomainStopRequested) e).user()));
    t.add(
        on(EnumSet.of(DOMAIN_STOPPED), event(DomainStartRequested.class))
            .to(STARTING)
            .because((m, e) -> "domain started by " + ((DomainStartRequested) e).user()));
    t.add(
        on(EnumSet.of(STARTING), anyOf(event(Started.class), event(PeerHeard.class)))
            .when(DOMAIN_STOPPED_SET)
            .to(DOMAIN_STOPPED)
            .because("the domain was stopped on this server by an operator"));

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
            .when(SWAP_PEER_REPLACED)
            .to(STANDBY)
            .with(ABANDON_SWITCHOVER)
            .done());

    // Joining the domain.
    t.add(on(EnumSet.of(STARTING), event(Started.class)).stay().with(ARM_JOIN).done());
    t.add(
        on(EnumSet.of(STARTING), event(PeerHeard.class))
            .when(HEARD_ACTIVE)
            .to(STANDBY)
            .because(RoleActions::activeFound));
    Trigger join = timeout(RoleTimer.JOIN);
    t.add(
        on(EnumSet.of(STARTING), join)
            .when(PARTNER_UP_ACTIVE)
            .to(STANDBY)
            .because(RoleActions::activeFound));
    // A partner heard only under another secret is not a silent one: taking the role alone would
    // make a second active next to it (a server back with an older domain file after a rotation).
    t.add(
        on(EnumSet.of(STARTING), join)
            .when(PARTNER_FOREIGN_KEY)
            .stay()
            .with(REPORT_FOREIGN_KEY)
            .done());
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

    // Standing by: failover, planned switchover, automatic return. A handover completes once the
    // old active's last changes are mirrored here (the mirror re-delivers the heartbeat then).
    t.add(on(STANDING_BY, event(PeerHeard.class)).when(HANDED_TO_ME_UNFLUSHED).stay().done());
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
    t.add(
        on(RUNNING, event(Paused.class))
            .when(LEASE_LOST)
            .to(STANDBY)
            .because(
                (m, e) ->
                    "paused for "
                        + ((Paused) e).lateMillis()
                        + " ms: "
                        + Quorum.stepDownReason(m)));
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
            .when(LEASE_LOST)
            .to(STANDBY)
            .because((m, e) -> Quorum.stepDownReason(m)));
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
                        + m.ctx.localFailureWeight()
                        + " is worse than "
                        + m.partner.peer()
                        + "'s "
                        + m.partner.health()));
    t.add(on(RUNNING, CONDITION).when(WORSE_THAN_STANDBY).stay().with(NOT_HANDING_OVER).done());

    // Outside the roles.
    t.add(refuseActivation(EnumSet.of(INACTIVE), "server is INACTIVE: neither main nor backup"));
    t.add(refuseActivation(EnumSet.of(MAINTENANCE), "server is in MAINTENANCE in the domain file"));
    t.add(
        refuseActivation(
            EnumSet.of(DOMAIN_STOPPED),
            "the domain is stopped on this server; start it first (domainctl domain start)"));
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
              // Empty when the witness's lease arrived between the guard and here (another
              // thread feeds it): the next condition check takes the role.
              if (!why.isEmpty() && !why.equals(m.lastRefusal)) {
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

  // ---- building rows --------------------------------------------------------------------------

  private static Rule.Builder on(Set<Phase> phases, Trigger trigger) {
    return new Rule.Builder(phases, trigger);
  }

  /** An operator's Activate in phases where it can never be met: refused with the reason. */
  private static Rule refuseActivation(Set<Phase> phases, String why) {
    return on(phases, event(ActivateRequested.class))
        .stay()
        .with(action("unmet: " + why, (m, e) -> m.unmet(List.of(why))))
        .done();
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
