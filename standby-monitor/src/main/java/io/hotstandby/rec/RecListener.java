package io.hotstandby.rec;

import io.hotstandby.rec.PeerView.Liveness;

/**
 * Told what the REC link sees. Called on the link's event thread, one call at a time and in the
 * order the link saw things, never while the link holds a lock; a slow listener therefore delays
 * other notifications but never the heartbeats. An exception is logged and otherwise ignored.
 */
public interface RecListener {
  /** A valid heartbeat arrived from {@code peer} on {@code path}; {@code peer} includes it. */
  default void onHeartbeat(PeerView peer, Heartbeat hb, String path) {}

  /** The peer's liveness changed. */
  default void onLivenessChanged(PeerView peer, Liveness from, Liveness to) {}

  /**
   * The link's scheduler ran {@code lateMillis} late (process frozen, long GC pause): peers'
   * silence during the pause is not held against them, but the local server may have been given up
   * by its peers meanwhile.
   */
  default void onPause(long lateMillis) {}
}
