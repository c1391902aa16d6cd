package io.hotstandby.server.role;

import io.hotstandby.server.role.RoleEvent.PeerHeard;
import io.hotstandby.server.role.RoleEvent.PeerLost;

/**
 * How this server just became ACTIVE, as far as its role machine knows: what the switchover history
 * records.
 *
 * @param kind {@link #FAILOVER}, {@link #SWITCHOVER} or {@link #START}
 * @param from the server last known ACTIVE before this one (this server itself after it stepped
 *     down and took the role back), or "" when none is known
 * @param to this server
 * @param term the term it became ACTIVE with
 * @param atMillis wall-clock time it became ACTIVE
 * @param reason why, in an operator's words, e.g. "active lost: lost on all paths for 512 ms"
 * @param durationMillis failover: from the last heartbeat heard from the old active; switchover:
 *     from this server's request; -1 when the machine cannot tell (a start, a handover it did not
 *     ask for)
 */
public record Takeover(
    String kind,
    String from,
    String to,
    long term,
    long atMillis,
    String reason,
    long durationMillis) {

  /** The active was lost and this server took over. */
  public static final String FAILOVER = "failover";

  /** The active handed the role over (a planned switchover). */
  public static final String SWITCHOVER = "switchover";

  /** This server became ACTIVE with no previous active known. */
  public static final String START = "start";

  /**
   * Classifies the change the machine is making. Called as the machine enters ACTIVE, before it
   * notes itself as the last active.
   */
  static Takeover of(RoleMachine m, Phase left, RoleEvent event, String reason, long nowMono) {
    String self = m.ctx.self();
    long at = m.wallNow();
    if (event instanceof PeerHeard p) {
      // Handed to this server: a planned switchover, asked for or not.
      boolean asked = left == Phase.REQUESTING && !m.requestReason.isEmpty();
      String why = asked ? m.requestReason + "; handed over by " + p.peer() : handedOver(m, p);
      return new Takeover(
          SWITCHOVER, p.peer(), self, m.term, at, why, asked ? nowMono - m.requestedAt : -1);
    }
    if (left == Phase.HANDING_OVER) {
      // A handover that the standby never completed: this server takes its role back.
      return new Takeover(
          SWITCHOVER, self, self, m.term, at, reason, nowMono - m.handoverStartedAt);
    }
    if (event instanceof PeerLost l) {
      return new Takeover(
          FAILOVER,
          l.peer(),
          self,
          m.term,
          at,
          "active lost: " + l.peer() + " " + l.cause(),
          nowMono - m.lastActiveSeen);
    }
    if (m.lastActive.isEmpty()) {
      return new Takeover(START, "", self, m.term, at, reason, -1);
    }
    return new Takeover(
        FAILOVER, m.lastActive, self, m.term, at, reason, nowMono - m.lastActiveSeen);
  }

  /** A handover this server did not ask for: the active's local failure, as its weight says. */
  private static String handedOver(RoleMachine m, PeerHeard p) {
    if (p.health() > m.ctx.health()) {
      return "local failure: handed over by "
          + p.peer()
          + ", whose failure weight "
          + p.health()
          + " is worse than this server's "
          + m.ctx.health();
    }
    return "handed over by " + p.peer();
  }
}
