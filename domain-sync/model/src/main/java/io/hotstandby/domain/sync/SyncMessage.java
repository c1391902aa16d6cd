package io.hotstandby.domain.sync;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What servers tell each other about the domain file. Every server announces what it has in force
 * ({@link Digest}) now and then and when a server joins; a server that finds a peer behind sends it
 * the whole version ({@link Full}); one that does not know a peer's version asks for it ({@link
 * Want}). A change made on a server is sent as {@link Full} at once.
 *
 * <p>Encoded as bytes with a magic, a format number and a type; anything else is rejected with an
 * {@link IOException}, so a peer speaking garbage changes nothing.
 */
public sealed interface SyncMessage {

  /** The server that sent the message. */
  String sender();

  /** "I have this version in force." */
  record Digest(String sender, long number, String sha256) implements SyncMessage {}

  /** "Send me the version with this hash." */
  record Want(String sender, String sha256) implements SyncMessage {}

  /**
   * "This is the version I have in force" ({@code inForce}), or a copy from my history that the
   * receiver asked for or needs to record a conflict; a copy is never put in force.
   */
  record Full(String sender, DomainVersion version, boolean inForce) implements SyncMessage {
    /** The version the sender has in force. */
    public Full(String sender, DomainVersion version) {
      this(sender, version, true);
    }
  }

  /** The largest domain file accepted: 64 MiB. */
  int MAX_CONTENT = 64 << 20;

  /** Encodes a message. */
  static byte[] encode(SyncMessage m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(Codec.MAGIC);
      out.writeByte(Codec.FORMAT);
      out.writeUTF(m.sender());
      if (m instanceof Digest d) {
        out.writeByte('D');
        out.writeLong(d.number());
        out.writeUTF(d.sha256());
      } else if (m instanceof Want w) {
        out.writeByte('W');
        out.writeUTF(w.sha256());
      } else if (m instanceof Full f) {
        DomainVersion v = f.version();
        out.writeByte('F');
        out.writeBoolean(f.inForce());
        out.writeLong(v.number());
        out.writeUTF(v.sha256());
        out.writeUTF(v.server());
        out.writeUTF(v.user());
        out.writeLong(v.timeMillis());
        out.writeUTF(v.source());
        out.writeShort(v.lineage().size());
        for (String s : v.lineage()) {
          out.writeUTF(s);
        }
        out.writeInt(v.content().length);
        out.write(v.content());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a message.
   *
   * @throws IOException when the bytes are not a message of this format
   */
  static SyncMessage decode(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != Codec.MAGIC) {
        throw new IOException("not a domain sync message");
      }
      int format = in.readUnsignedByte();
      if (format != Codec.FORMAT) {
        throw new IOException("domain sync format " + format + ", expected " + Codec.FORMAT);
      }
      String sender = in.readUTF();
      int type = in.readUnsignedByte();
      SyncMessage m =
          switch (type) {
            case 'D' -> new Digest(sender, in.readLong(), in.readUTF());
            case 'W' -> new Want(sender, in.readUTF());
            case 'F' -> {
              boolean inForce = in.readBoolean();
              yield new Full(sender, readVersion(in), inForce);
            }
            default -> throw new IOException("unknown domain sync message type " + type);
          };
      if (in.available() > 0) {
        throw new IOException("trailing bytes after a domain sync message");
      }
      return m;
    } catch (EOFException e) {
      throw new IOException("truncated domain sync message", e);
    }
  }

  private static DomainVersion readVersion(DataInputStream in) throws IOException {
    long number = in.readLong();
    String sha = in.readUTF();
    String server = in.readUTF();
    String user = in.readUTF();
    long time = in.readLong();
    String source = in.readUTF();
    int n = in.readUnsignedShort();
    if (n > DomainVersion.MAX_LINEAGE) {
      throw new IOException("lineage of " + n + " versions");
    }
    List<String> lineage = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lineage.add(in.readUTF());
    }
    int len = in.readInt();
    if (len < 0 || len > MAX_CONTENT) {
      throw new IOException("content of " + len + " bytes");
    }
    byte[] content = in.readNBytes(len);
    if (content.length != len) {
      throw new EOFException();
    }
    return new DomainVersion(number, sha, server, user, time, source, lineage, content);
  }

  /** Constants of the encoding. */
  final class Codec {
    static final int MAGIC = 0x48534431; // "HSD1"
    static final int FORMAT = 2;

    private Codec() {}
  }
}
