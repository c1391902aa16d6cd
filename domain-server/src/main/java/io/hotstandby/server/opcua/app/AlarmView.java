package io.hotstandby.server.opcua.app;

import java.time.Instant;

/**
 * The state of one alarm as the application namespace shows it.
 *
 * <p>Two servers that hold the same alarm state (the standby mirrors the active's) build equal
 * views, so everything derived from a view, its {@link AlarmIdentity#eventId EventId} included, is
 * the same on both.
 *
 * @param name the alarm's unique name
 * @param tag the path of the tag it watches
 * @param active whether the alarm condition holds
 * @param acknowledged whether its last activation was acknowledged (true when never active)
 * @param severity OPC UA severity, 1..1000
 * @param message the text operators see
 * @param limit the limit an active analog alarm is beyond ({@code HI}, {@code LOLO}...), "" or null
 *     when none
 * @param changeTime when {@code active} or {@code limit} last changed, or null when unknown
 * @param activeTime when it last became active, or null
 * @param ackUser who acknowledged last, or null
 * @param ackComment the comment of the last acknowledgement, or null
 * @param ackTime when it was last acknowledged, or null
 */
public record AlarmView(
    String name,
    String tag,
    boolean active,
    boolean acknowledged,
    int severity,
    String message,
    String limit,
    Instant changeTime,
    Instant activeTime,
    String ackUser,
    String ackComment,
    Instant ackTime) {

  /** A state without times nor acknowledgement details. */
  public AlarmView(
      String name,
      String tag,
      boolean active,
      boolean acknowledged,
      int severity,
      String message,
      String limit) {
    this(name, tag, active, acknowledged, severity, message, limit, null, null, null, null, null);
  }

  /** Whether operators should see it: active, or not yet acknowledged (OPC UA's Retain). */
  public boolean retained() {
    return active || !acknowledged;
  }
}
