package io.hotstandby.server.role;

import static io.hotstandby.rec.ServerState.ACTIVE;
import static io.hotstandby.rec.ServerState.STANDBY;
import static io.hotstandby.rec.ServerState.STOPPED;

import io.hotstandby.domain.DomainRole;
import io.hotstandby.rec.ServerState;
import io.hotstandby.server.role.RoleEvent.DomainChanged;
import io.hotstandby.server.role.RoleEvent.PeerHeard;
import io.hotstandby.server.role.RoleEvent.PeerLost;
import io.hotstandby.server.role.RoleEvent.Timeout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The role of one server in its domain. It keeps what the rules decide on (the phase, the term, the
 * partner last heard, a few instants) and runs each event through {@link RoleTable#TABLE}: the
 * first matching event row, then the first matching condition row. What it decides comes back as an
 * {@link Outcome}: transitions, notices, unmet preconditions and effects for the server to carry
 * out. Pure logic: the clocks, the term store and the facts ({@link RoleContext}) are injected.
 *
 * <p>Every timer and interval runs on the monotonic clock; the wall clock only stamps what people
 * read (the time a server became active, a transition's time, the length of a dual-active period
 * compared with a peer's wall-clock stamp).
 *
 * <p>Not thread-safe by design: the server feeds it from one thread.
 */
public final class RoleMachine {

  final RoleContext ctx;
  private final TermStore terms;
  private final LongSupplier wallClock;
  private final LongSupplier nanoClock;

  Phase phase = Phase.STARTING;
  long term;
  long highestTermSeen;

  /** Wall-clock time this server became active, for peers and people. */
  long activeSince;

  /** The partner's last heartbeat, or null when none (or it was forgotten on a domain change). */
  PeerHeard partner;

  boolean partnerAlive;

  /**
   * Monotonic milliseconds: when this server sent the latest of its heartbeats that the partner
   * echoed back, i.e. the latest proof that the partner hears this server (not only the reverse).
   */
  long partnerEchoAt;

  /** Monotonic milliseconds: when this server last became ACTIVE. */
  long activatedAt;

  /** Monotonic milliseconds: when an active (this server or the partner) was last seen. */
  long lastActiveSeen;

  /** Monotonic milliseconds: when this server last entered STANDBY. */
  long standbySince;

  /** The other side of a switchover in REQUESTING or HANDING_OVER, else "". */
  String swapPeer = "";

  /** The server last known ACTIVE (the partner or this one), "" until one is. */
  String lastActive = "";

  /** While REQUESTING: why this server asked, and when (monotonic milliseconds). */
  String requestReason = "";

  long requestedAt;

  /** Monotonic milliseconds: when this server last released the role (HANDING_OVER). */
  long handoverStartedAt;

  /** The event being handled, and the takeover it made (null when none). */
  private RoleEvent current;

  private Takeover takeover;

  long resumedAtWall;
  long resumedAtMono;
  long resumedAtNanos;
  String lastRefusal = "";

  /** The partner last reported as talking under another secret, so the ERROR is written once. */
  String foreignKeyReported = "";

  private String warnedVersion = "";
  boolean takeoverBlockedByVersion;
  private final Map<RoleTimer, Long> deadlines = new EnumMap<>(RoleTimer.class);

  private final List<Transition> transitions = new ArrayList<>();
  private final List<RoleNotice> notices = new ArrayList<>();
  private final List<String> unmet = new ArrayList<>();
  private final List<Effect> effects = new ArrayList<>();

  /**
   * @param wallClock wall-clock milliseconds, for the times people read
   * @param nanoClock the monotonic clock (the one the REC link stamps heartbeats with): timers,
   *     intervals and heartbeat echoes
   */
  public RoleMachine(
      RoleContext ctx, TermStore terms, LongSupplier wallClock, LongSupplier nanoClock) {
    this.ctx = ctx;
    this.terms = terms;
    this.wallClock = wallClock;
    this.nanoClock = nanoClock;
    try {
      this.term = terms.load();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stored term", e);
    }
    this.highestTermSeen = term;
  }

  /** Feeds one event and returns what it changed. */
  public Outcome handle(RoleEvent event) {
    transitions.clear();
    notices.clear();
    unmet.clear();
    effects.clear();
    current = event;
    takeover = null;
    long now = now();
    if (ignored(event, now)) {
      return outcome();
    }
    RoleSnapshot before = snapshot();
    track(event, now);
    step(event, false);
    if (event instanceof DomainChanged && phase != Phase.STOPPED) {
      forgetReplacedPartner();
    }
    step(event, true);
    armQuietTimer();
    armLeaseTimer();
    if (!snapshot().equals(before)) {
      effects.add(new Effect.Announce());
    }
    return outcome();
  }

  /** The current state, term and switchover flags. */
  /** The partner's last heartbeat, or null when none. */
  public PeerHeard lastPartnerHeartbeat() {
    return partner;
  }

  public RoleSnapshot snapshot() {
    ServerState s = phase.state();
    return new RoleSnapshot(
        s,
        term,
        s == ACTIVE ? activeSince : 0,
        phase == Phase.REQUESTING ? swapPeer : "",
        phase == Phase.HANDING_OVER ? swapPeer : "",
        phase == Phase.SUSPENDED,
        Quorum.wantsLease(this));
  }

  public ServerState state() {
    return phase.state();
  }

  public Phase phase() {
    return phase;
  }

  public long term() {
    return term;
  }

  /** How this server became ACTIVE in the last {@link #handle}, or null if it did not. */
  public Takeover takeover() {
    return takeover;
  }

  // ---- the steps of one event ---------------------------------------------------------------

  /**
   * Events that change nothing: a timeout no longer armed or early (a stale schedule), anything
   * from a server that is not the partner, the loss of a partner already known to be gone.
   */
  private boolean ignored(RoleEvent event, long now) {
    if (event instanceof Timeout t) {
      Long deadline = deadlines.get(t.timer());
      if (deadline == null || now < deadline) {
        return true;
      }
      deadlines.remove(t.timer());
      return false;
    }
    if (event instanceof PeerHeard p) {
      return !p.peer().equals(ctx.partner());
    }
    if (event instanceof PeerLost l) {
      return !l.peer().equals(ctx.partner()) || !partnerAlive;
    }
    return false;
  }

  private void track(RoleEvent event, long now) {
    if (event instanceof PeerHeard p) {
      reportVersionMismatch(p);
      takeoverBlockedByVersion = false;
      if (!partnerAlive) {
        lastRefusal = ""; // each time the partner is lost, the reason a takeover waits is logged
      }
      partner = p;
      partnerAlive = p.state() != STOPPED;
      if (p.echoNanos() != 0) {
        partnerEchoAt = Math.max(partnerEchoAt, p.echoNanos() / 1_000_000);
      }
      highestTermSeen = Math.max(highestTermSeen, p.term());
      if (p.state() == ACTIVE) {
        lastActiveSeen = now;
        lastActive = p.peer();
      }
    } else if (event instanceof PeerLost) {
      partnerAlive = false;
    }
    if (phase.state() == ACTIVE) {
      lastActiveSeen = now;
    }
  }

  /** Runs the first matching row: event rows, or condition rows. */
  private void step(RoleEvent event, boolean conditions) {
    for (Rule rule : RoleTable.TABLE) {
      if (rule.on().condition() == conditions && rule.matches(phase, event, this)) {
        rule.actions().forEach(a -> a.run().accept(this, event));
        Phase to = rule.target(phase);
        if (to != phase) {
          enter(to, rule.because().apply(this, event));
        }
        return;
      }
    }
  }

  /**
   * Moves to a phase with its entry and exit actions. Becoming ACTIVE first stores the next term;
   * if that fails the server stays where it is and reports it, so no term is announced unstored.
   */
  private void enter(Phase to, String reason) {
    Phase from = phase;
    ServerState fromState = from.state();
    ServerState toState = to.state();
    long now = now();
    if (toState == ACTIVE && fromState != ACTIVE) {
      long next = Math.max(term, highestTermSeen) + 1;
      try {
        terms.store(next);
      } catch (IOException e) {
        notices.add(RoleNotice.error("cannot store term " + next + ": " + e.getMessage(), -1));
        return;
      }
      term = next;
      highestTermSeen = next;
      // Before the instants below move on: the takeover is measured from them.
      takeover = Takeover.of(this, from, current, reason, now);
      lastActive = ctx.self();
      activeSince = wallClock.getAsLong();
      lastActiveSeen = now;
      activatedAt = now;
      effects.add(new Effect.ActivateRuntime());
    }
    if (fromState == ACTIVE && toState != ACTIVE) {
      activeSince = 0;
      Quorum.released(this);
      effects.add(new Effect.DeactivateRuntime());
    }
    if (from == Phase.SUSPENDED) {
      deadlines.remove(RoleTimer.RESUME);
      effects.add(new Effect.SuspendWrites(false));
    }
    if (from == Phase.REQUESTING || from == Phase.HANDING_OVER) {
      swapPeer = "";
      requestReason = "";
      deadlines.remove(RoleTimer.SWAP);
    }
    if (fromState == STANDBY && toState != STANDBY) {
      deadlines.remove(RoleTimer.QUIET);
      deadlines.remove(RoleTimer.RETURN);
    }
    if (from == Phase.STARTING) {
      deadlines.remove(RoleTimer.JOIN);
    }
    phase = to;
    switch (to) {
      case STARTING -> arm(RoleTimer.JOIN, joinWindowMillis());
      case REQUESTING, HANDING_OVER -> {
        swapPeer = ctx.partner();
        handoverStartedAt = now;
        arm(RoleTimer.SWAP, swapTimeoutMillis());
      }
      case SUSPENDED -> effects.add(new Effect.SuspendWrites(true));
      default -> {}
    }
    if (toState == STANDBY && fromState != STANDBY) {
      standbySince = now;
      if (ctx.automaticReturn() && ctx.domainRole() == DomainRole.MAIN) {
        arm(RoleTimer.RETURN, ctx.returnStableMillis());
      }
    }
    if (toState != fromState) {
      lastRefusal = "";
      transitions.add(new Transition(fromState, toState, term, wallClock.getAsLong(), reason));
    }
  }

  /**
   * A standby that may find nobody active later arms the quiet timer for the moment it would; while
   * the partner is heard ACTIVE its heartbeats decide instead.
   */
  private void armQuietTimer() {
    if ((phase != Phase.STANDBY && phase != Phase.REQUESTING)
        || deadlines.containsKey(RoleTimer.QUIET)
        || (partnerUp() && partner.state() == ACTIVE)) {
      return;
    }
    long due = Math.max(lastActiveSeen, standbySince) + quietMillis() + 1;
    long now = now();
    if (due > now) {
      arm(RoleTimer.QUIET, due - now);
    }
  }

  /**
   * An active with a quorum witness checks its lease when it would run out: no heartbeat of anyone
   * may arrive to make it look (it is cut off), so a timer must.
   */
  private void armLeaseTimer() {
    long due = Quorum.nextCheck(this);
    if (due < 0) {
      deadlines.remove(RoleTimer.LEASE);
      return;
    }
    Long pending = deadlines.get(RoleTimer.LEASE);
    long now = now();
    if ((pending == null || pending > due) && due > now) {
      arm(RoleTimer.LEASE, due - now);
    }
  }

  /**
   * After a domain change: forgets a partner the domain no longer names, so the next heartbeat of
   * the new partner is tracked instead.
   */
  private void forgetReplacedPartner() {
    String named = ctx.partner() == null ? "" : ctx.partner();
    if (partner != null && !partner.peer().equals(named)) {
      partner = null;
      partnerAlive = false;
      takeoverBlockedByVersion = false;
      warnedVersion = "";
      // The quiet period before a standby concludes nobody is active starts with the new partner.
      lastActiveSeen = Math.max(lastActiveSeen, now());
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

  private Outcome outcome() {
    return new Outcome(transitions, notices, unmet, effects);
  }

  // ---- what the rows use ----------------------------------------------------------------------

  /** Monotonic milliseconds. */
  long now() {
    return nanoClock.getAsLong() / 1_000_000;
  }

  /** Monotonic nanoseconds, the clock the REC link and the witness's lease run on. */
  long nowNanos() {
    return nanoClock.getAsLong();
  }

  long wallNow() {
    return wallClock.getAsLong();
  }

  long nanoNow() {
    return nanoClock.getAsLong();
  }

  void arm(RoleTimer timer, long delayMillis) {
    deadlines.put(timer, now() + delayMillis);
    effects.add(new Effect.StartTimer(timer, delayMillis));
  }

  void notice(RoleNotice n) {
    notices.add(n);
  }

  void unmet(List<String> problems) {
    unmet.addAll(problems);
  }

  /** The partner has been heard and is not known to be gone. */
  boolean partnerUp() {
    return partnerAlive && partner != null;
  }

  long joinWindowMillis() {
    return RoleTimings.joinWindowMillis(ctx.domainRole(), ctx.failoverTimeoutMillis());
  }

  long swapTimeoutMillis() {
    return RoleTimings.swapTimeoutMillis(ctx.failoverTimeoutMillis());
  }

  long quietMillis() {
    return RoleTimings.quietMillis(ctx.failoverTimeoutMillis());
  }
}
