package io.hotstandby.server.mirror;

import io.hotstandby.runtime.alarms.AlarmLevel;
import io.hotstandby.runtime.alarms.AlarmState;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mirror topic's binary format: magic {@code HSMR}, format 1, a message type, then the message.
 * Strings are UTF-8 with a length; instants are seconds and nanoseconds, so a mirrored time is the
 * same to the nanosecond. Anything else (wrong magic or format, unknown type, truncated, a length
 * beyond the limits, bytes left over) is refused with {@link MalformedMirrorMessage}.
 */
public final class MirrorCodec {
  private static final int MAGIC = 0x48534d52; // "HSMR"
  private static final int FORMAT = 1;

  /** At most this many entries in one message (a snapshot of a large project is split). */
  public static final int MAX_ENTRIES = 200_000;

  private static final int MAX_STRING = 1 << 20;

  private static final byte BATCH = 1;
  private static final byte SNAPSHOT_REQUEST = 2;
  private static final byte SNAPSHOT = 3;
  private static final byte ACK = 4;
  private static final byte FORWARD = 5;
  private static final byte FORWARD_RESULT = 6;

  private static final byte TAG = 1;
  private static final byte ALARM = 2;
  private static final byte EVENT = 3;

  private MirrorCodec() {}

  /** A message the codec refuses, with what was wrong. */
  public static final class MalformedMirrorMessage extends Exception {
    MalformedMirrorMessage(String message) {
      super(message);
    }
  }

  /** The bytes of {@code m}. */
  public static byte[] encode(MirrorMessage m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeByte(FORMAT);
      if (m instanceof MirrorMessage.Batch b) {
        out.writeByte(BATCH);
        writeString(out, b.sender());
        out.writeLong(b.stream());
        out.writeLong(b.term());
        out.writeLong(b.firstSeq());
        out.writeLong(b.sentMillis());
        writeEntries(out, b.entries());
      } else if (m instanceof MirrorMessage.SnapshotRequest r) {
        out.writeByte(SNAPSHOT_REQUEST);
        writeString(out, r.sender());
        writeString(out, r.active());
        out.writeInt(r.retentive().size());
        for (Map.Entry<String, TagValue> e : r.retentive().entrySet()) {
          writeString(out, e.getKey());
          writeTagValue(out, e.getValue());
        }
      } else if (m instanceof MirrorMessage.Snapshot s) {
        out.writeByte(SNAPSHOT);
        writeString(out, s.sender());
        writeString(out, s.target());
        out.writeLong(s.stream());
        out.writeLong(s.term());
        out.writeLong(s.headSeq());
        out.writeLong(s.sentMillis());
        writeEntries(out, s.entries());
      } else if (m instanceof MirrorMessage.Ack a) {
        out.writeByte(ACK);
        writeString(out, a.sender());
        writeString(out, a.active());
        out.writeLong(a.stream());
        out.writeLong(a.appliedSeq());
      } else if (m instanceof MirrorMessage.Forward f) {
        out.writeByte(FORWARD);
        writeString(out, f.sender());
        writeString(out, f.active());
        out.writeLong(f.id());
        writeString(out, f.action());
        writeString(out, f.target());
        writeValue(out, f.value());
        writeNullable(out, f.comment());
        writeString(out, f.user());
        writeString(out, f.client());
      } else if (m instanceof MirrorMessage.ForwardResult r) {
        out.writeByte(FORWARD_RESULT);
        writeString(out, r.sender());
        writeString(out, r.to());
        out.writeLong(r.id());
        out.writeBoolean(r.ok());
        writeString(out, r.text());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The message in {@code bytes}. */
  public static MirrorMessage decode(byte[] bytes) throws MalformedMirrorMessage {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    try {
      if (in.readInt() != MAGIC) {
        throw new MalformedMirrorMessage("not a mirror message");
      }
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new MalformedMirrorMessage(
            "mirror format " + format + ", this server reads " + FORMAT);
      }
      byte type = in.readByte();
      MirrorMessage m =
          switch (type) {
            case BATCH ->
                new MirrorMessage.Batch(
                    readString(in),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    readEntries(in));
            case SNAPSHOT_REQUEST -> {
              String sender = readString(in);
              String active = readString(in);
              int n = count(in);
              Map<String, TagValue> retentive = new LinkedHashMap<>();
              for (int i = 0; i < n; i++) {
                retentive.put(readString(in), readTagValue(in));
              }
              yield new MirrorMessage.SnapshotRequest(sender, active, retentive);
            }
            case SNAPSHOT ->
                new MirrorMessage.Snapshot(
                    readString(in),
                    readString(in),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    readEntries(in));
            case ACK ->
                new MirrorMessage.Ack(readString(in), readString(in), in.readLong(), in.readLong());
            case FORWARD ->
                new MirrorMessage.Forward(
                    readString(in),
                    readString(in),
                    in.readLong(),
                    readString(in),
                    readString(in),
                    readValue(in),
                    readNullable(in),
                    readString(in),
                    readString(in));
            case FORWARD_RESULT ->
                new MirrorMessage.ForwardResult(
                    readString(in),
                    readString(in),
                    in.readLong(),
                    in.readBoolean(),
                    readString(in));
            default -> throw new MalformedMirrorMessage("unknown message type " + type);
          };
      if (in.available() > 0) {
        throw new MalformedMirrorMessage(in.available() + " bytes after the message");
      }
      return m;
    } catch (EOFException e) {
      throw new MalformedMirrorMessage("truncated");
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedMirrorMessage(e.getMessage());
    }
  }

  private static void writeEntries(DataOutputStream out, List<MirrorEntry> entries)
      throws IOException {
    out.writeInt(entries.size());
    for (MirrorEntry e : entries) {
      if (e instanceof MirrorEntry.Tag t) {
        out.writeByte(TAG);
        writeString(out, t.path());
        writeTagValue(out, t.value());
      } else if (e instanceof MirrorEntry.Alarm a) {
        out.writeByte(ALARM);
        writeAlarm(out, a.state());
      } else if (e instanceof MirrorEntry.Event ev) {
        out.writeByte(EVENT);
        writeString(out, ev.line());
      }
    }
  }

  private static List<MirrorEntry> readEntries(DataInputStream in)
      throws IOException, MalformedMirrorMessage {
    int n = count(in);
    List<MirrorEntry> entries = new ArrayList<>(Math.min(n, 4096));
    for (int i = 0; i < n; i++) {
      byte kind = in.readByte();
      entries.add(
          switch (kind) {
            case TAG -> new MirrorEntry.Tag(readString(in), readTagValue(in));
            case ALARM -> new MirrorEntry.Alarm(readAlarm(in));
            case EVENT -> new MirrorEntry.Event(readString(in));
            default -> throw new MalformedMirrorMessage("unknown entry kind " + kind);
          });
    }
    return entries;
  }

  private static int count(DataInputStream in) throws IOException, MalformedMirrorMessage {
    int n = in.readInt();
    if (n < 0 || n > MAX_ENTRIES) {
      throw new MalformedMirrorMessage("entry count " + n + " out of range");
    }
    return n;
  }

  private static void writeTagValue(DataOutputStream out, TagValue v) throws IOException {
    writeValue(out, v.value());
    out.writeByte(v.quality().ordinal());
    writeInstant(out, v.sourceTime());
    writeInstant(out, v.serverTime());
  }

  private static TagValue readTagValue(DataInputStream in)
      throws IOException, MalformedMirrorMessage {
    Object value = readValue(in);
    int q = in.readUnsignedByte();
    if (q >= Quality.values().length) {
      throw new MalformedMirrorMessage("unknown quality " + q);
    }
    return new TagValue(value, Quality.values()[q], readInstant(in), readInstant(in));
  }

  private static void writeAlarm(DataOutputStream out, AlarmState s) throws IOException {
    writeString(out, s.name());
    writeString(out, s.tag());
    out.writeInt(s.severity());
    writeString(out, s.message());
    out.writeBoolean(s.active());
    out.writeBoolean(s.acknowledged());
    writeNullable(out, s.level() == null ? null : s.level().name());
    writeValue(out, s.value());
    writeInstant(out, s.changeTime());
    writeInstant(out, s.activeTime());
    writeNullable(out, s.ackUser());
    writeNullable(out, s.ackComment());
    writeInstant(out, s.ackTime());
  }

  private static AlarmState readAlarm(DataInputStream in)
      throws IOException, MalformedMirrorMessage {
    String name = readString(in);
    String tag = readString(in);
    int severity = in.readInt();
    String message = readString(in);
    boolean active = in.readBoolean();
    boolean acknowledged = in.readBoolean();
    String level = readNullable(in);
    return new AlarmState(
        name,
        tag,
        severity,
        message,
        active,
        acknowledged,
        level == null ? null : AlarmLevel.valueOf(level),
        readValue(in),
        readInstant(in),
        readInstant(in),
        readNullable(in),
        readNullable(in),
        readInstant(in));
  }

  private static void writeValue(DataOutputStream out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(0);
    } else if (v instanceof Boolean b) {
      out.writeByte(1);
      out.writeBoolean(b);
    } else if (v instanceof Integer i) {
      out.writeByte(2);
      out.writeInt(i);
    } else if (v instanceof Long l) {
      out.writeByte(3);
      out.writeLong(l);
    } else if (v instanceof Double d) {
      out.writeByte(4);
      out.writeDouble(d);
    } else {
      out.writeByte(5);
      writeString(out, v.toString());
    }
  }

  private static Object readValue(DataInputStream in) throws IOException, MalformedMirrorMessage {
    byte type = in.readByte();
    return switch (type) {
      case 0 -> null;
      case 1 -> in.readBoolean();
      case 2 -> in.readInt();
      case 3 -> in.readLong();
      case 4 -> in.readDouble();
      case 5 -> readString(in);
      default -> throw new MalformedMirrorMessage("unknown value type " + type);
    };
  }

  private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
    out.writeBoolean(t != null);
    if (t != null) {
      out.writeLong(t.getEpochSecond());
      out.writeInt(t.getNano());
    }
  }

  private static Instant readInstant(DataInputStream in) throws IOException {
    return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
  }

  private static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  private static String readNullable(DataInputStream in)
      throws IOException, MalformedMirrorMessage {
    return in.readBoolean() ? readString(in) : null;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException, MalformedMirrorMessage {
    int n = in.readInt();
    if (n < 0 || n > MAX_STRING || n > in.available()) {
      throw new MalformedMirrorMessage("string length " + n + " out of range");
    }
    byte[] b = in.readNBytes(n);
    return new String(b, StandardCharsets.UTF_8);
  }
}
