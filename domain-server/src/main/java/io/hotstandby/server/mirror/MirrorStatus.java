package io.hotstandby.server.mirror;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state mirror as the status shows it.
 *
 * @param mode publishing (this server is ACTIVE), following (a standby) or idle
 * @param active the server whose stream this is (this server when publishing; for a follower
 *     without a snapshot, the last active it heard), "" when none
 * @param stream the stream's number, 0 when none
 * @param seq the last entry published (publishing) or applied (following)
 * @param lagEntries how many entries a follower is behind; -1 before its first snapshot
 * @param lagMillis for how long a follower has been behind (0 when caught up)
 * @param ready a follower caught up within the domain's {@code mirrorMaxLagMs}
 * @param snapshots how many snapshots a follower took
 * @param unconfirmed operator actions the active answered without the standby's confirmation
 */
public record MirrorStatus(
    Mode mode,
    String active,
    long stream,
    long seq,
    long lagEntries,
    long lagMillis,
    boolean ready,
    long snapshots,
    long unconfirmed) {

  /** What this server does with the mirror now. */
  public enum Mode {
    PUBLISHING,
    FOLLOWING,
    IDLE
  }

  /** Nothing mirrored. */
  public static final MirrorStatus IDLE = new MirrorStatus(Mode.IDLE, "", 0, 0, -1, 0, false, 0, 0);

  /** The fields as a map, for the JSON status. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
    m.put("active", active);
    m.put("seq", seq);
    m.put("lagEntries", lagEntries);
    m.put("lagMs", lagMillis);
    m.put("ready", ready);
    m.put("snapshots", snapshots);
    m.put("unconfirmed", unconfirmed);
    return m;
  }
}
