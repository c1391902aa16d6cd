package io.hotstandby.cluster.sync;

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
 * What servers tell each other about the project files, on the topic {@value ProjectSync#TOPIC}.
 * The active server announces its files ({@link Announce}), also when a server that has just joined
 * asks ({@link Query}); a server whose file differs asks the active for it ({@link Want}); the
 * active sends it in {@link Chunk}s of at most {@value #MAX_CHUNK} bytes.
 *
 * <p>Encoded as bytes with a magic, a format number and a type; anything else, anything out of
 * bounds and trailing bytes are rejected with an {@link IOException}.
 */
public sealed interface ProjectSyncMessage {

  /** The largest chunk of a file: 64 KiB. */
  int MAX_CHUNK = 64 * 1024;

  /** The largest project file copied: 64 MiB. */
  long MAX_FILE = 64L << 20;

  /** The most entries a manifest may have. */
  int MAX_ENTRIES = 1024;

  /** The longest path in a manifest, in characters. */
  int MAX_PATH = 4096;

  /** The server that sent the message. */
  String sender();

  /**
   * "I am the active (in {@code term}); these are my project files on disk, and these I loaded."
   */
  record Announce(String sender, long term, ProjectManifest onDisk, ProjectManifest loaded)
      implements ProjectSyncMessage {}

  /** "Whoever is active: announce your files." */
  record Query(String sender) implements ProjectSyncMessage {}

  /** "Send me your file {@code path}; I saw it with hash {@code sha256}." */
  record Want(String sender, String to, String path, String sha256) implements ProjectSyncMessage {}

  /**
   * "Bytes {@code offset} to {@code offset + data.length} of my file {@code path}, which has {@code
   * size} bytes and the hash {@code sha256}."
   */
  record Chunk(
      String sender, String to, String path, String sha256, long size, long offset, byte[] data)
      implements ProjectSyncMessage {}

  /** Encodes a message. */
  static byte[] encode(ProjectSyncMessage m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(Codec.MAGIC);
      out.writeByte(Codec.FORMAT);
      out.writeUTF(m.sender());
      if (m instanceof Announce a) {
        out.writeByte('A');
        out.writeLong(a.term());
        writeManifest(out, a.onDisk());
        writeManifest(out, a.loaded());
      } else if (m instanceof Query) {
        out.writeByte('Q');
      } else if (m instanceof Want w) {
        out.writeByte('W');
        out.writeUTF(w.to());
        out.writeUTF(w.path());
        out.writeUTF(w.sha256());
      } else if (m instanceof Chunk c) {
        out.writeByte('C');
        out.writeUTF(c.to());
        out.writeUTF(c.path());
        out.writeUTF(c.sha256());
        out.writeLong(c.size());
        out.writeLong(c.offset());
        out.writeInt(c.data().length);
        out.write(c.data());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeManifest(DataOutputStream out, ProjectManifest m) throws IOException {
    out.writeShort(m.entries().size());
    for (ProjectManifest.Entry e : m.entries()) {
      out.writeUTF(e.path());
      out.writeUTF(e.sha256());
      out.writeLong(e.size());
    }
  }

  /**
   * Decodes a message.
   *
   * @throws IOException when the bytes are not a message of this format or out of bounds
   */
  static ProjectSyncMessage decode(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != Codec.MAGIC) {
        throw new IOException("not a project sync message");
      }
      int format = in.readUnsignedByte();
      if (format != Codec.FORMAT) {
        throw new IOException("project sync format " + format + ", expected " + Codec.FORMAT);
      }
      String sender = name(in.readUTF(), "sender");
      int type = in.readUnsignedByte();
      ProjectSyncMessage m =
          switch (type) {
            case 'A' -> new Announce(sender, in.readLong(), readManifest(in), readManifest(in));
            case 'Q' -> new Query(sender);
            case 'W' ->
                new Want(sender, name(in.readUTF(), "to"), path(in.readUTF()), sha(in.readUTF()));
            case 'C' -> readChunk(sender, in);
            default -> throw new IOException("unknown project sync message type " + type);
          };
      if (in.available() > 0) {
        throw new IOException("trailing bytes after a project sync message");
      }
      return m;
    } catch (EOFException e) {
      throw new IOException("truncated project sync message", e);
    }
  }

  private static Chunk readChunk(String sender, DataInputStream in) throws IOException {
    String to = name(in.readUTF(), "to");
    String path = path(in.readUTF());
    String sha = sha(in.readUTF());
    if (sha.isEmpty()) {
      throw new IOException("chunk without a hash");
    }
    long size = in.readLong();
    long offset = in.readLong();
    int len = in.readInt();
    if (size < 0 || size > MAX_FILE) {
      throw new IOException("file of " + size + " bytes");
    }
    if (len < 0 || len > MAX_CHUNK) {
      throw new IOException("chunk of " + len + " bytes");
    }
    if (offset < 0 || offset + len > size || (len == 0 && size != 0)) {
      throw new IOException("chunk of " + len + " bytes at " + offset + " of " + size);
    }
    byte[] data = in.readNBytes(len);
    if (data.length != len) {
      throw new EOFException();
    }
    return new Chunk(sender, to, path, sha, size, offset, data);
  }

  private static ProjectManifest readManifest(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    if (n > MAX_ENTRIES) {
      throw new IOException("manifest of " + n + " files");
    }
    List<ProjectManifest.Entry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String path = path(in.readUTF());
      String sha = sha(in.readUTF());
      long size = in.readLong();
      if (size < -1 || (size == -1 && !sha.isEmpty())) {
        throw new IOException("manifest entry " + path + " of " + size + " bytes");
      }
      entries.add(new ProjectManifest.Entry(path, sha, size));
    }
    return new ProjectManifest(entries);
  }

  private static String name(String s, String what) throws IOException {
    if (s.isEmpty() || s.length() > 255) {
      throw new IOException("bad " + what + " name");
    }
    return s;
  }

  private static String path(String s) throws IOException {
    if (s.isEmpty() || s.length() > MAX_PATH || s.indexOf('\0') >= 0) {
      throw new IOException("bad path");
    }
    return s;
  }

  private static String sha(String s) throws IOException {
    if (!s.isEmpty() && !s.matches("[0-9a-f]{64}")) {
      throw new IOException("bad SHA-256");
    }
    return s;
  }

  /** Constants of the encoding. */
  final class Codec {
    static final int MAGIC = 0x48535031; // "HSP1"
    static final int FORMAT = 1;

    private Codec() {}
  }
}
