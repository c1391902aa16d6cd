package io.hotstandby.runtime.alarms;

import java.time.Instant;

/**
 * The state of one alarm at one moment. Immutable; every change makes a new one.
 *
 * <p>An alarm is active or not, and acknowledged or not: a new activation (or a worse level of an
 * active analog alarm) is unacknowledged; an alarm that clears while unacknowledged stays {@link
 * #visible()} until acknowledged.
 *
 * @param name the alarm's name
 * @param tag the path of the tag it watches
 * @param severity OPC UA severity, 1..1000
 * @param message the text operators see
 * @param active whether the alarm condition holds
 * @param acknowledged whether an operator has acknowledged its last activation (true when it never
 *     was active)
 * @param level the limit an active analog alarm is beyond; null when inactive and for digital
 *     alarms
 * @param value the tag value of the last change, or null before any
 * @param changeTime when {@code active} or {@code level} last changed (the engine's start at first)
 * @param activeTime when it last became active, or null
 * @param ackUser who acknowledged last, or null
 * @param ackComment the comment of the last acknowledgement, or null
 * @param ackTime when it was last acknowledged, or null
 */
public record AlarmState(
    String name,
    String tag,
    int severity,
    String message,
    boolean active,
    boolean acknowledged,
    AlarmLevel level,
    Object value,
    Instant changeTime,
    Instant activeTime,
    String ackUser,
    String ackComment,
    Instant ackTime) {

  /** Whether operators should see it: active, or not yet acknowledged. */
  public boolean visible() {
    return active || !acknowledged;
  }

  /** This state after the condition changed to {@code nowActive} at {@code level}. */
  AlarmState condition(boolean nowActive, AlarmLevel nowLevel, Object nowValue, Instant now) {
    boolean worse =
        nowActive
            && (!active || nowLevel != null && nowLevel != level && nowLevel.worseThan(level));
    boolean changed = nowActive != active || nowLevel != level;
    return new AlarmState(
        name,
        tag,
        severity,
        message,
        nowActive,
        acknowledged && !worse,
        nowLevel,
        nowValue,
        changed ? now : changeTime,
        nowActive && !active ? now : activeTime,
        ackUser,
        ackComment,
        ackTime);
  }

  /** This state acknowledged by {@code user}. */
  AlarmState acknowledgedBy(String user, String comment, Instant now) {
    return new AlarmState(
        name,
        tag,
        severity,
        message,
        active,
        true,
        level,
        value,
        changeTime,
        activeTime,
        user,
        comment,
        now);
  }
}
