package io.hotstandby.server.mirror;

import io.hotstandby.events.Weight;
import io.hotstandby.runtime.ProjectRuntime;
import java.util.Map;

/** What the state mirror needs from the server it runs in. */
public interface MirrorHost {

  /** This server's name. */
  String self();

  /** The runtime whose state is published (when active) or followed (when standby). */
  ProjectRuntime runtime();

  /**
   * Sends {@code message} to every server of the domain (sealed); does nothing before the cluster
   * is up.
   */
  void publish(byte[] message);

  /** The peer that is ACTIVE now as this server hears it, or "". */
  String activePeer();

  /**
   * Whether {@code peer} announced that it stopped (a planned shutdown): the active no longer waits
   * for its confirmations.
   */
  default boolean stopped(String peer) {
    return false;
  }

  /** The last mirror sequence {@code peer} announced in its heartbeats, 0 when unknown. */
  long announcedSeq(String peer);

  /** The term of this server's activation, while it is active. */
  long term();

  /** A standby is ready when its lag is at most this many milliseconds. */
  long maxLagMillis();

  /** How long an operator's action waits for the standby to confirm it. */
  long confirmTimeoutMillis();

  /** Records an event in the server's event log. */
  void event(Weight weight, String message, Map<String, Object> details);

  /** Appends a line mirrored from the active to this server's event log. */
  void mirroredEvent(String line);
}
