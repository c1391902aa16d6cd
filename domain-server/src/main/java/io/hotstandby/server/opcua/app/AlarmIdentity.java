package io.hotstandby.server.opcua.app;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;

/**
 * The OPC UA identity of an alarm's state, the same on every server that holds the same state (OPC
 * UA Part 9 §5.14.3: a client that follows the active server must see one alarm, not one per
 * server).
 *
 * <p>The ConditionId of an alarm is the NodeId of its object ({@code Alarms.<name>}), built from
 * the name alone. The EventId of a state is the first {@value #EVENT_ID_BYTES} bytes of the SHA-256
 * of its name, active and acknowledged flags, limit, change, activation and acknowledgement times
 * (milliseconds since the epoch, so a copy that kept only milliseconds gives the same): a new
 * activation, a worse limit, a clearing or an acknowledgement gives a new EventId; a server that
 * mirrored the state gives the same one. Severity and message are configuration, the same on both
 * servers, and are left out.
 */
public final class AlarmIdentity {
  /** Length of an EventId. */
  public static final int EVENT_ID_BYTES = 16;

  private static final long NO_TIME = Long.MIN_VALUE;

  private AlarmIdentity() {}

  /** The EventId of {@code alarm}'s state. */
  public static ByteString eventId(AlarmView alarm) {
    var bytes = new ByteArrayOutputStream(128);
    try (var out = new DataOutputStream(bytes)) {
      out.writeUTF("hotstandby-alarm-event/1");
      out.writeUTF(text(alarm.name()));
      out.writeBoolean(alarm.active());
      out.writeBoolean(alarm.acknowledged());
      out.writeUTF(text(alarm.limit()));
      out.writeLong(millis(alarm.changeTime()));
      out.writeLong(millis(alarm.activeTime()));
      out.writeLong(millis(alarm.ackTime()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
      return ByteString.of(Arrays.copyOf(hash, EVENT_ID_BYTES));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /**
   * When {@code alarm}'s state came to be: the later of its change and acknowledgement times, or
   * null when it has neither. The Time of its event, the same on every server.
   */
  public static Instant time(AlarmView alarm) {
    Instant change = alarm.changeTime();
    Instant ack = alarm.ackTime();
    if (change == null) {
      return ack;
    }
    return ack != null && ack.isAfter(change) ? ack : change;
  }

  private static long millis(Instant t) {
    return t == null ? NO_TIME : t.toEpochMilli();
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }
}
