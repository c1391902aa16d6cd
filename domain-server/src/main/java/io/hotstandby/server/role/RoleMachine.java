package io.hotstandby.server.role;

import static io.hotstandby.rec.ServerState.ACTIVE;
import static io.hotstandby.rec.ServerState.INACTIVE;
import static io.hotstandby.rec.ServerState.MAINTENANCE;
import static io.hotstandby.rec.ServerState.STANDBY;
import static io.hotstandby.rec.ServerState.STARTING;
import static io.hotstandby.rec.ServerState.STOPPED;

import io.hotstandby.domain.DomainRole;
import io.hotstandby.rec.ServerState;
import io.hotstandby.server.role.RoleEvent.ActivateRequested;
import io.hotstandby.server.role.RoleEvent.DomainChanged;
import io.hotstandby.server.role.RoleEvent.JoinWindowElapsed;
import io.hotstandby.server.role.RoleEvent.Paused;
import io.hotstandby.server.role.RoleEvent.PeerHeard;
import io.hotstandby.server.role.RoleEvent.PeerLost;
import io.hotstandby.server.role.RoleEvent.Shutdown;
import io.hotstandby.server.role.RoleEvent.Started;
import io.hotstandby.server.role.RoleEvent.Tick;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The role of one server in its domain, as one transition table: which event, in which state, moves
 * the server where, and why. Pure logic: the clock, the term store and the facts it decides on
 * ({@link RoleContext}) are injected, so tests feed events and read the history.
 *
 * <p>Not thread-safe by design: the server feeds it from one thread.
 */
public final class RoleMachine {

  /** What a rule decides: a new state and the reason, or {@code null} to stay. */
  private record Decision(ServerState to, String reason) {}

  private final RoleContext ctx;
  private final TermStore terms;
  private final LongSupplier clock;
  private final LongSupplier nanoClock;
  private final Map<ServerState, Map<Class<? extends RoleEvent>, Function<RoleEvent, Decision>>>
      table = new EnumMap<>(ServerState.class);

  private ServerState state = STARTING;
  private long term;
  private long highestTermSeen;
  private long activeSince;
  private PeerHeard partner;
  private boolean partnerAlive;
  private long lastActiveSeen;
  private long standbySince;
  private String takeoverRequest = "";
  private long takeoverDeadline;
  private String handoverTo = "";
  private long handoverDeadline;
  private boolean writesSuspended;
  private long resumedAt;
  private long resumedAtNanos;
  private long lastEventAt;
  private String lastRefusal = "";
  private String warnedVersion = "";
  private boolean takeoverBlockedByVersion;

  private final List<Transition> transitions = new ArrayList<>();
  private final List<RoleNotice> notices = new ArrayList<>();
  private final List<String> unmet = new ArrayList<>();

  /**
   * @param clockMillis wall-clock milliseconds (for activeSince and timers)
   * @param nanoClock the monotonic clock the REC link stamps heartbeats with (for echoes)
   */
  public RoleMachine(
      RoleContext ctx, TermStore terms, LongSupplier clockMillis, LongSupplier nanoClock) {
    this.ctx = ctx;
    this.terms = terms;
    this.clock = clockMillis;
    this.nanoClock = nanoClock;
    try {
      this.term = terms.load();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stored term", e);
    }
    this.highestTermSeen = term;
    declareTable();
  }

  private void declareTable() {
    when(STARTING).on(Started.class, e -> onStart());
    when(STARTING).on(PeerHeard.class, e -> joinIfActiveFound((PeerHeard) e));
    when(STARTING).on(JoinWindowElapsed.class, e -> afterJoinWindow());
    when(STARTING).on(ActivateRequested.class, e -> refuse("server is still STARTING"));

    when(STANDBY).on(PeerHeard.class, e -> standbyHeard((PeerHeard) e));
    when(STANDBY).on(PeerLost.class, e -> standbyLostPeer((PeerLost) e));
    when(STANDBY).on(Tick.class, e -> standbyTick());
    when(STANDBY).on(ActivateRequested.class, e -> requestTakeover((ActivateRequested) e));

    when(ACTIVE).on(PeerHeard.class, e -> activeHeard((PeerHeard) e));
    when(ACTIVE).on(PeerLost.class, e -> activeLostPeer((PeerLost) e));
    when(ACTIVE).on(Tick.class, e -> activeTick());
    when(ACTIVE).on(Paused.class, e -> suspendWrites(((Paused) e).lateMillis()));
    when(ACTIVE).on(ActivateRequested.class, e -> refuse("server is already ACTIVE"));

    when(INACTIVE)
        .on(ActivateRequested.class, e -> refuse("server is INACTIVE: neither main nor backup"));
    when(MAINTENANCE)
        .on(ActivateRequested.class, e -> refuse("server is in MAINTENANCE in the domain file"));

    when(STARTING).on(DomainChanged.class, e -> decideAloneIfDomainDecides(changedBy(e)));
    when(STANDBY).on(DomainChanged.class, e -> decideAloneIfDomainDecides(changedBy(e)));
    when(ACTIVE).on(DomainChanged.class, e -> activeDomainChanged(changedBy(e)));
    when(INACTIVE).on(DomainChanged.class, e -> inactiveDomainChanged(changedBy(e)));
    when(MAINTENANCE).on(DomainChanged.class, e -> maintenanceDomainChanged(changedBy(e)));

    for (ServerState s : Set.of(STARTING, STANDBY, ACTIVE, INACTIVE, MAINTENANCE)) {
      when(s).on(Shutdown.class, e -> new Decision(STOPPED, "shutdown requested"));
    }
  }

  /** Feeds one event and returns what it changed. */
  public Outcome handle(RoleEvent event) {
    transitions.clear();
    notices.clear();
    unmet.clear();
    long now = clock.getAsLong();
    detectPause(now);
    lastEventAt = now;
    if (event instanceof PeerLost l && l.peer().equals(ctx.partner()) && !partnerAlive) {
      // Already known to be gone (a crash seen first, then the REC timeout): nothing new.
      return new Outcome(transitions, notices, unmet);
    }
    track(event, now);
    Function<RoleEvent, Decision> rule = table.getOrDefault(state, Map.of()).get(event.getClass());
    if (rule != null) {
      Decision d = rule.apply(event);
      if (d != null && d.to() != state) {
        enter(d.to(), d.reason());
      }
    }
    if (event instanceof DomainChanged c && state != STOPPED) {
      settlePartner(changedBy(c));
    }
    return new Outcome(transitions, notices, unmet);
  }

  /** The current state, term and switchover flags. */
  public RoleSnapshot snapshot() {
    return new RoleSnapshot(
        state,
        term,
        state == ACTIVE ? activeSince : 0,
        takeoverRequest,
        handoverTo,
        writesSuspended);
  }

  public ServerState state() {
    return state;
  }

  public long term() {
    return term;
  }

  // ---- bookkeeping common to every state --------------------------------------------------

  /** A gap between events longer than half the failover timeout means this process was paused. */
  private void detectPause(long now) {
    long gap = now - lastEventAt;
    if (lastEventAt > 0 && state == ACTIVE && gap > ctx.failoverTimeoutMillis() / 2) {
      suspendWrites(gap);
    }
  }

  private void track(RoleEvent event, long now) {
    if (event instanceof PeerHeard p && p.peer().equals(ctx.partner())) {
      reportVersionMismatch(p);
      takeoverBlockedByVersion = false;
      partner = p;
      partnerAlive = p.state() != STOPPED;
      highestTermSeen = Math.max(highestTermSeen, p.term());
      if (p.state() == ACTIVE) {
        lastActiveSeen = now;
      }
    } else if (event instanceof PeerLost l && l.peer().equals(ctx.partner())) {
      partnerAlive = false;
    }
    if (state == ACTIVE) {
      lastActiveSeen = now;
    }
  }

  /** A peer of another product version is reported once per version it announces. */
  private void reportVersionMismatch(PeerHeard p) {
    if (!p.productVersion().equals(ctx.productVersion())
        && !p.productVersion().equals(warnedVersion)) {
      warnedVersion = p.productVersion();
      notices.add(
          RoleNotice.warning(
              "product versions differ: here "
                  + ctx.productVersion()
                  + ", "
                  + p.peer()
                  + " "
                  + p.productVersion()
                  + (ctx.versionMismatchBlocksTakeover()
                      ? "; this server will not take over from it"
                      : "")));
    } else if (p.productVersion().equals(ctx.productVersion())) {
      warnedVersion = "";
    }
  }

  private void enter(ServerState to, String reason) {
    long now = clock.getAsLong();
    ServerState from = state;
    if (to == ACTIVE) {
      long next = Math.max(term, highestTermSeen) + 1;
      try {
        terms.store(next);
      } catch (IOException e) {
        notices.add(RoleNotice.error("cannot store term " + next + ": " + e.getMessage(), -1));
        return;
      }
      term = next;
      highestTermSeen = next;
      activeSince = now;
      lastActiveSeen = now;
      takeoverRequest = "";
      handoverTo = "";
      writesSuspended = false;
    } else {
      activeSince = 0;
      writesSuspended = false;
    }
    if (to == STANDBY) {
      standbySince = now;
    }
    lastRefusal = "";
    state = to;
    transitions.add(new Transition(from, to, term, now, reason));
  }

  // ---- STARTING ---------------------------------------------------------------------------

  private Decision onStart() {
    return decideAlone(null);
  }

  /**
   * What the domain alone decides: maintenance, inactive, or hot standby disabled; {@code null}
   * when the peers decide.
   *
   * @param changedBy the domain change that asks, e.g. "domain version 7"; {@code null} at start
   */
  private Decision decideAlone(String changedBy) {
    boolean atStart = changedBy == null;
    if (ctx.maintenance()) {
      return new Decision(
          MAINTENANCE,
          atStart
              ? "set to maintenance in the domain file"
              : changedBy + " sets this server to maintenance");
    }
    if (ctx.domainRole() == DomainRole.NONE) {
      return new Decision(
          INACTIVE,
          (atStart ? "the domain" : changedBy) + " names this server neither main nor backup");
    }
    if (!ctx.hotStandbyEnabled()) {
      String disabled = "hot standby is disabled" + (atStart ? "" : " in " + changedBy);
      return ctx.domainRole() == DomainRole.MAIN
          ? tryActivate(disabled + "; the main runs alone", false)
          : new Decision(INACTIVE, disabled + "; the backup stays inactive");
    }
    return null;
  }

  /** Maintenance, inactive or hot standby disabled: decided by the domain, before any peer. */
  private boolean decidedByDomain() {
    return ctx.maintenance() || ctx.domainRole() == DomainRole.NONE || !ctx.hotStandbyEnabled();
  }

  private Decision joinIfActiveFound(PeerHeard p) {
    if (decidedByDomain()) {
      return onStart();
    }
    if (p.peer().equals(ctx.partner()) && p.state() == ACTIVE) {
      return new Decision(STANDBY, "active " + p.peer() + " found (term " + p.term() + ")");
    }
    return null;
  }

  private Decision afterJoinWindow() {
    if (decidedByDomain()) {
      return onStart();
    }
    if (partnerUp() && partner.state() == ACTIVE) {
      return joinIfActiveFound(partner);
    }
    if (partnerCouldBeActive() && partner.runtimeReady()) {
      return ctx.domainRole() == DomainRole.MAIN
          ? tryActivate("both servers are up; the main takes the active role", true)
          : new Decision(STANDBY, "main " + partner.peer() + " is up and takes the active role");
    }
    return tryActivate(
        "no active server heard within the join window of "
            + 2 * ctx.failoverTimeoutMillis()
            + " ms",
        true);
  }

  // ---- STANDBY ----------------------------------------------------------------------------

  private Decision standbyHeard(PeerHeard p) {
    if (!p.peer().equals(ctx.partner())) {
      return null;
    }
    if (p.handoverTo().equals(ctx.self())) {
      return tryActivate("planned switchover: " + p.peer() + " handed over the active role", false);
    }
    return null;
  }

  private Decision standbyLostPeer(PeerLost l) {
    if (!l.peer().equals(ctx.partner())) {
      return null;
    }
    boolean wasActive = partner != null && partner.state() == ACTIVE;
    takeoverRequest = "";
    if (wasActive
        && ctx.versionMismatchBlocksTakeover()
        && !partner.productVersion().equals(ctx.productVersion())) {
      notices.add(
          RoleNotice.warning(
              "not taking the active role: "
                  + l.peer()
                  + " runs product version "
                  + partner.productVersion()
                  + ", this server "
                  + ctx.productVersion()
                  + ", and the domain blocks a takeover on a mismatch ("
                  + l.cause()
                  + ")"));
      takeoverBlockedByVersion = true;
      return null;
    }
    if (wasActive || !handoverTo.isEmpty()) {
      handoverTo = "";
      return tryActivate("active " + l.peer() + " " + l.cause(), true);
    }
    notices.add(RoleNotice.warning("peer " + l.peer() + " " + l.cause()));
    return null;
  }

  private Decision standbyTick() {
    long now = clock.getAsLong();
    if (!takeoverRequest.isEmpty() && now > takeoverDeadline) {
      notices.add(
          RoleNotice.warning(
              "switchover aborted: "
                  + takeoverRequest
                  + " did not hand over within "
                  + swapTimeoutMillis()
                  + " ms; nothing changed"));
      takeoverRequest = "";
    }
    if (!handoverTo.isEmpty()) {
      if (partnerUp() && partner.state() == ACTIVE && partner.term() > term) {
        notices.add(RoleNotice.notice("switchover to " + handoverTo + " completed"));
        handoverTo = "";
      } else if (now > handoverDeadline) {
        String to = handoverTo;
        handoverTo = "";
        return tryActivate(
            "switchover to " + to + " aborted: it did not take the active role; resuming", false);
      }
      return null;
    }
    if (nobodyActiveFor(now)
        && !takeoverBlockedByVersion
        && (!partnerCouldBeActive() || mainFacingStandby() || partnerCannotRun())) {
      return tryActivate("no active server in the domain", true);
    }
    if (ctx.automaticReturn()
        && ctx.domainRole() == DomainRole.MAIN
        && takeoverRequest.isEmpty()
        && partnerUp()
        && partner.state() == ACTIVE
        && ctx.runtimeReady()
        && now - standbySince >= ctx.returnStableMillis()) {
      startTakeover("automatic return to the main after " + ctx.returnStableMillis() + " ms");
    }
    return null;
  }

  private Decision requestTakeover(ActivateRequested r) {
    List<String> problems = takeoverPreconditions();
    if (!problems.isEmpty()) {
      unmet.addAll(problems);
      notices.add(RoleNotice.warning("activation refused: " + String.join("; ", problems)));
      return null;
    }
    startTakeover("planned switchover requested by " + r.user());
    return null;
  }

  private void startTakeover(String why) {
    takeoverRequest = partner.peer();
    takeoverDeadline = clock.getAsLong() + swapTimeoutMillis();
    notices.add(RoleNotice.notice(why + ": asking " + takeoverRequest + " to hand over"));
  }

  private List<String> takeoverPreconditions() {
    List<String> problems = new ArrayList<>();
    if (!takeoverRequest.isEmpty() || !handoverTo.isEmpty()) {
      problems.add("a switchover is already in progress");
    }
    if (!partnerUp()) {
      problems.add("peer " + ctx.partner() + " is not reachable on any REC path");
    } else {
      if (partner.state() != ACTIVE) {
        problems.add("peer " + partner.peer() + " is not ACTIVE (it is " + partner.state() + ")");
      }
      if (partner.domainVersion() != ctx.domainVersion()) {
        problems.add(
            "domain versions differ (here "
                + ctx.domainVersion()
                + ", "
                + partner.peer()
                + " "
                + partner.domainVersion()
                + ")");
      }
      if (!partner.productVersion().equals(ctx.productVersion())) {
        problems.add(
            "product versions differ (here "
                + ctx.productVersion()
                + ", "
                + partner.peer()
                + " "
                + partner.productVersion()
                + ")");
      }
    }
    if (!ctx.runtimeReady()) {
      problems.add("the runtime of " + ctx.self() + " is not ready");
    }
    return problems;
  }

  // ---- ACTIVE -----------------------------------------------------------------------------

  private Decision activeHeard(PeerHeard p) {
    if (!p.peer().equals(ctx.partner())) {
      return null;
    }
    long now = clock.getAsLong();
    if (writesSuspended && p.echoNanos() >= resumedAtNanos) {
      writesSuspended = false;
      notices.add(
          RoleNotice.notice("device writes resumed: heard " + p.peer() + "'s current view"));
    }
    if (p.state() == ACTIVE) {
      boolean yield = p.term() > term || (p.term() == term && ctx.domainRole() != DomainRole.MAIN);
      if (!yield) {
        return null;
      }
      long since = Math.max(Math.max(p.activeSinceMillis(), activeSince), resumedAt);
      long dual = Math.max(0, now - since);
      notices.add(
          RoleNotice.error(
              "dual active for "
                  + dual
                  + " ms: "
                  + p.peer()
                  + " is also ACTIVE (term "
                  + p.term()
                  + ", here "
                  + term
                  + ")",
              dual));
      return new Decision(
          STANDBY,
          "peer "
              + p.peer()
              + " is ACTIVE with "
              + (p.term() > term ? "a higher" : "the same")
              + " term "
              + p.term());
    }
    if (p.state() == STANDBY && p.takeoverRequest().equals(ctx.self())) {
      return handOver(p, "planned switchover: " + p.peer() + " asked for the active role");
    }
    return null;
  }

  private Decision handOver(PeerHeard p, String reason) {
    if (!p.runtimeReady()) {
      notices.add(
          RoleNotice.warning("not handing over: the runtime of " + p.peer() + " is not ready"));
      return null;
    }
    handoverTo = p.peer();
    handoverDeadline = clock.getAsLong() + swapTimeoutMillis();
    return new Decision(STANDBY, reason);
  }

  private Decision activeLostPeer(PeerLost l) {
    if (!l.peer().equals(ctx.partner())) {
      return null;
    }
    if (ctx.integrityConfigured() && !ctx.integrityPasses()) {
      return new Decision(
          STANDBY,
          "isolated: " + l.peer() + " " + l.cause() + " and no integrity address reachable");
    }
    notices.add(RoleNotice.warning("standby " + l.peer() + " " + l.cause()));
    return null;
  }

  private Decision activeTick() {
    long now = clock.getAsLong();
    if (!partnerAlive && ctx.integrityConfigured() && !ctx.integrityPasses()) {
      return new Decision(STANDBY, "isolated: no peer heard and no integrity address reachable");
    }
    if (writesSuspended && now - resumedAt > ctx.failoverTimeoutMillis()) {
      writesSuspended = false;
      notices.add(
          RoleNotice.notice(
              "device writes resumed: no peer heard for "
                  + ctx.failoverTimeoutMillis()
                  + " ms after the pause"));
    }
    if (ctx.activateBackupOnLocalFailure()
        && partnerUp()
        && partner.state() == STANDBY
        && ctx.health() > partner.health()) {
      return handOver(
          partner,
          "local failure weight "
              + ctx.health()
              + " is worse than "
              + partner.peer()
              + "'s "
              + partner.health());
    }
    return null;
  }

  private Decision suspendWrites(long lateMillis) {
    if (!writesSuspended || clock.getAsLong() - resumedAt > lateMillis) {
      notices.add(
          RoleNotice.warning(
              "process paused for "
                  + lateMillis
                  + " ms; device writes suspended until peers are heard"));
    }
    writesSuspended = true;
    resumedAt = clock.getAsLong();
    resumedAtNanos = nanoClock.getAsLong();
    return null;
  }

  // ---- live reconfiguration ---------------------------------------------------------------

  /** How reasons name a domain change, e.g. "domain version 7". */
  private static String changedBy(RoleEvent e) {
    return "domain version " + ((DomainChanged) e).version();
  }

  /** STARTING and STANDBY: the domain may now decide alone; otherwise nothing changes. */
  private Decision decideAloneIfDomainDecides(String changedBy) {
    return decidedByDomain() ? decideAlone(changedBy) : null;
  }

  /**
   * An INACTIVE server follows maintenance, starts over when the domain names it main or backup,
   * and otherwise stays (the domain alone may also make it the main that runs alone).
   */
  private Decision inactiveDomainChanged(String changedBy) {
    if (decidedByDomain()) {
      return decideAlone(changedBy);
    }
    return new Decision(
        STARTING,
        "named " + (ctx.domainRole() == DomainRole.MAIN ? "main" : "backup") + " in " + changedBy);
  }

  /**
   * With maintenance cleared, the domain decides alone or the server starts over: the server
   * schedules a new join window and the STARTING rules choose STANDBY or ACTIVE.
   */
  private Decision maintenanceDomainChanged(String changedBy) {
    if (ctx.maintenance()) {
      return null;
    }
    if (decidedByDomain()) {
      return decideAlone(changedBy);
    }
    return new Decision(STARTING, "maintenance cleared in " + changedBy);
  }

  /**
   * An ACTIVE leaves the role only when the domain takes it away: maintenance, neither main nor
   * backup, or the backup with hot standby disabled. The main with hot standby disabled keeps
   * running alone, and every other change leaves the role and the term untouched. Normally the
   * server hands over in a planned switchover before committing such a change; if no ready standby
   * is heard at this moment, the change is forced and reported as an error.
   */
  private Decision activeDomainChanged(String changedBy) {
    boolean leaves =
        ctx.maintenance()
            || ctx.domainRole() == DomainRole.NONE
            || (!ctx.hotStandbyEnabled() && ctx.domainRole() == DomainRole.BACKUP);
    if (!leaves) {
      return null;
    }
    Decision d = decideAlone(changedBy);
    if (!standbyReady()) {
      notices.add(
          RoleNotice.error(
              changedBy
                  + " takes the active role from this server and no standby is ready to take"
                  + " over ("
                  + standbyProblem()
                  + ")",
              -1));
    }
    return d;
  }

  /** The tracked partner is alive, stands by and its runtime could run. */
  private boolean standbyReady() {
    return partnerUp() && partner.state() == STANDBY && partner.runtimeReady();
  }

  private String standbyProblem() {
    if (partner == null) {
      return "no partner heard";
    }
    if (!partnerAlive) {
      return partner.peer() + " is lost";
    }
    if (partner.state() != STANDBY) {
      return partner.peer() + " is " + partner.state();
    }
    return "the runtime of " + partner.peer() + " is not ready";
  }

  /**
   * After a domain change: forgets a partner the domain no longer names (the next heartbeat of the
   * new partner is tracked instead) and abandons a switchover that no longer applies.
   */
  private void settlePartner(String changedBy) {
    String named = ctx.partner() == null ? "" : ctx.partner();
    if (partner != null && !partner.peer().equals(named)) {
      partner = null;
      partnerAlive = false;
      takeoverBlockedByVersion = false;
      warnedVersion = "";
      // The quiet period before a standby concludes nobody is active starts with the new partner.
      lastActiveSeen = Math.max(lastActiveSeen, clock.getAsLong());
    }
    boolean standingBy = state == STANDBY;
    if (!takeoverRequest.isEmpty() && !(standingBy && takeoverRequest.equals(named))) {
      notices.add(
          RoleNotice.warning(
              "switchover abandoned: the domain changed ("
                  + changedBy
                  + ") while asking "
                  + takeoverRequest
                  + " to hand over"));
      takeoverRequest = "";
    }
    if (!handoverTo.isEmpty() && !(standingBy && handoverTo.equals(named))) {
      notices.add(
          RoleNotice.warning(
              "switchover abandoned: the domain changed ("
                  + changedBy
                  + ") while handing over to "
                  + handoverTo));
      handoverTo = "";
    }
  }

  // ---- shared decisions -------------------------------------------------------------------

  /** Becomes active if the runtime is ready and, where asked, the integrity check passes. */
  private Decision tryActivate(String reason, boolean checkIntegrity) {
    String refusal = "";
    if (!ctx.runtimeReady()) {
      refusal = "not taking the active role: the runtime is not ready";
    } else if (checkIntegrity && !ctx.integrityPasses()) {
      refusal = "not taking the active role: no integrity address is reachable";
    }
    if (refusal.isEmpty()) {
      return new Decision(ACTIVE, reason);
    }
    if (!refusal.equals(lastRefusal)) {
      notices.add(RoleNotice.warning(refusal + " (" + reason + ")"));
      lastRefusal = refusal;
    }
    // A server that is not yet running its role stands by and retries on ticks.
    return state == STARTING || state == INACTIVE || state == MAINTENANCE
        ? new Decision(STANDBY, refusal)
        : null;
  }

  /** The partner has been heard and is not known to be gone. */
  private boolean partnerUp() {
    return partnerAlive && partner != null;
  }

  private boolean partnerCouldBeActive() {
    return partnerUp()
        && (partner.state() == STARTING || partner.state() == STANDBY || partner.state() == ACTIVE);
  }

  /** The partner stands by but could not take the role: its runtime is not ready. */
  private boolean partnerCannotRun() {
    return partner != null && partner.state() == STANDBY && !partner.runtimeReady();
  }

  private boolean mainFacingStandby() {
    return ctx.domainRole() == DomainRole.MAIN
        && partner != null
        && partner.state() == STANDBY
        && partner.handoverTo().isEmpty()
        && partner.takeoverRequest().isEmpty()
        && takeoverRequest.isEmpty();
  }

  private boolean nobodyActiveFor(long now) {
    long quiet = ctx.failoverTimeoutMillis();
    return now - lastActiveSeen > quiet && now - standbySince > quiet;
  }

  private Decision refuse(String why) {
    unmet.add(why);
    return null;
  }

  private long swapTimeoutMillis() {
    return Math.max(2000, 4 * ctx.failoverTimeoutMillis());
  }

  private RuleBuilder when(ServerState s) {
    return new RuleBuilder(table.computeIfAbsent(s, k -> new HashMap<>()));
  }

  private record RuleBuilder(Map<Class<? extends RoleEvent>, Function<RoleEvent, Decision>> rules) {
    RuleBuilder on(Class<? extends RoleEvent> type, Function<RoleEvent, Decision> rule) {
      rules.put(type, rule);
      return this;
    }
  }
}
