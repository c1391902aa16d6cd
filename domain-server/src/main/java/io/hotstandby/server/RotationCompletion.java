package io.hotstandby.server;

import io.hotstandby.rec.PeerView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * When a secret rotation may end, so that a declared server that is down does not keep the old
 * secret in use. Every other declared server is, at a moment:
 *
 * <ul>
 *   <li><b>up to date</b>: its last heartbeat announces the rotation's version or later;
 *   <li><b>behind</b>: heard within the last {@value #REACHABLE_TIMEOUTS} failover timeouts on an
 *       older version: it is reachable and will get the file (domain sync), so it holds the
 *       rotation open, as before;
 *   <li><b>silent</b>: not heard for {@value #REACHABLE_TIMEOUTS} failover timeouts. A silent
 *       server holds the rotation open only while it may be a restart in progress: it was heard
 *       after the rotation started (or the REC link has listened for less than that window since
 *       the rotation began or since it was rebuilt, so it has had no chance to hear it), and at
 *       most for {@link #GRACE_MILLIS} from the start. A server silent since before the rotation
 *       began was down when the secret changed and holds nothing; it is named so the operator hands
 *       it the current file.
 * </ul>
 *
 * <p>The grace period is a fixed three minutes rather than a domain-file setting: it must outlast a
 * server restart (JVM, Hazelcast join, join window: tens of seconds) so a server that bounces
 * during a rotation still catches up, and must stay short because while it runs an old secret —
 * possibly the leaked one the rotation is meant to retire — still opens every channel between the
 * servers. No plant needs to tune the trade between those two, so no setting is offered.
 */
final class RotationCompletion {
  /** How many failover timeouts of silence make a server unreachable for the rotation. */
  static final int REACHABLE_TIMEOUTS = 3;

  /** The longest a silent server keeps a rotation open, counted from the rotation's start. */
  static final long GRACE_MILLIS = TimeUnit.MINUTES.toMillis(3);

  private RotationCompletion() {}

  /**
   * What the rotation may do now.
   *
   * @param complete whether it may end: no server holds it open
   * @param absent the silent servers that do not run the version and do not hold it open, in
   *     declaration order
   */
  record Verdict(boolean complete, List<String> absent) {}

  /**
   * @param peers the other declared servers, in declaration order
   * @param views what the REC link knows of them (a missing entry is a server never heard)
   * @param version the domain version that brought the new secret
   * @param startNanos when the rotation started, on the REC link's clock
   * @param linkSinceNanos when the REC link in use was built, on the same clock (before the
   *     rotation for the link that started with the server)
   * @param nowNanos now, on the same clock
   * @param failoverTimeoutMillis the domain's failover timeout
   */
  static Verdict judge(
      List<String> peers,
      Map<String, PeerView> views,
      long version,
      long startNanos,
      long linkSinceNanos,
      long nowNanos,
      long failoverTimeoutMillis) {
    long window = TimeUnit.MILLISECONDS.toNanos(failoverTimeoutMillis * REACHABLE_TIMEOUTS);
    long age = nowNanos - startNanos;
    boolean graceOver = age >= TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
    long listening = nowNanos - (linkSinceNanos - startNanos > 0 ? linkSinceNanos : startNanos);
    List<String> absent = new ArrayList<>();
    for (String peer : peers) {
      PeerView v = views.get(peer);
      boolean everHeard = v != null && v.last() != null;
      if (everHeard && v.last().domainVersion() >= version) {
        continue;
      }
      boolean reachable = everHeard && nowNanos - v.lastSeenNanos() <= window;
      if (reachable) {
        return new Verdict(false, List.of());
      }
      boolean heardDuringRotation = everHeard && v.lastSeenNanos() - startNanos > 0;
      if (!graceOver && (heardDuringRotation || listening < window)) {
        return new Verdict(false, List.of());
      }
      absent.add(peer);
    }
    return new Verdict(true, List.copyOf(absent));
  }
}
