package io.hotstandby.server.mirror;

import io.hotstandby.runtime.alarms.AlarmState;
import io.hotstandby.runtime.tags.TagValue;

/**
 * One change of the active's state that a standby applies: a tag value, an alarm state (with its
 * acknowledgement) or a line of the active's event log. Each is the whole new state of one thing,
 * so applying one twice, or an older one after a snapshot that already holds a newer one, is
 * harmless.
 */
public sealed interface MirrorEntry {

  /** A tag's new value, quality and timestamps. */
  record Tag(String path, TagValue value) implements MirrorEntry {}

  /** An alarm's new state. */
  record Alarm(AlarmState state) implements MirrorEntry {}

  /** A line of the active's event log (one JSON object). */
  record Event(String line) implements MirrorEntry {}
}
