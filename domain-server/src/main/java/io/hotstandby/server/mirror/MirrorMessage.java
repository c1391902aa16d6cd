package io.hotstandby.server.mirror;

import io.hotstandby.runtime.tags.TagValue;
import java.util.List;
import java.util.Map;

/**
 * What travels on the mirror topic. A stream is one activation of one server: its number is drawn
 * at random when the server becomes ACTIVE, and its entries are numbered from 1 without a gap.
 */
public sealed interface MirrorMessage {

  /** Who sent it (a server of the domain; the topic's seal has already proved it). */
  String sender();

  /**
   * Entries {@code firstSeq .. firstSeq + entries.size() - 1} of the active's stream.
   *
   * @param sentMillis the active's wall clock when sent
   */
  record Batch(
      String sender,
      long stream,
      long term,
      long firstSeq,
      long sentMillis,
      List<MirrorEntry> entries)
      implements MirrorMessage {
    /** The number of the last entry. */
    public long lastSeq() {
      return firstSeq + entries.size() - 1;
    }
  }

  /**
   * A standby asks the active for the whole state; it offers its stored retentive values so the
   * newer of the two copies wins.
   */
  record SnapshotRequest(String sender, String active, Map<String, TagValue> retentive)
      implements MirrorMessage {}

  /**
   * The whole mirrored state of the active at entry {@code headSeq} of its stream, for {@code
   * target}.
   */
  record Snapshot(
      String sender,
      String target,
      long stream,
      long term,
      long headSeq,
      long sentMillis,
      List<MirrorEntry> entries)
      implements MirrorMessage {}

  /** A standby has applied the active's stream up to {@code appliedSeq}. */
  record Ack(String sender, String active, long stream, long appliedSeq) implements MirrorMessage {}

  /**
   * An operator's write or acknowledgement that reached {@code sender} while it was handing the
   * active role over, passed to {@code active} to serve. The user's role is checked again there.
   *
   * @param action "write" (target = tag path, value) or "acknowledge" (target = alarm, comment)
   */
  record Forward(
      String sender,
      String active,
      long id,
      String action,
      String target,
      Object value,
      String comment,
      String user,
      String client)
      implements MirrorMessage {}

  /** The answer to a {@link Forward}. */
  record ForwardResult(String sender, String to, long id, boolean ok, String text)
      implements MirrorMessage {}
}
