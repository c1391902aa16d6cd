package io.hotstandby.cluster.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.cluster.sync.ProjectManifest.Entry;
import io.hotstandby.cluster.sync.ProjectSyncMessage.Announce;
import io.hotstandby.cluster.sync.ProjectSyncMessage.Chunk;
import io.hotstandby.cluster.sync.ProjectSyncMessage.Want;
import io.hotstandby.domain.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProjectSyncMessageTest {
  static final String SHA = Sha256.hex("plant".getBytes(StandardCharsets.UTF_8));

  static ProjectSyncMessage roundTrip(ProjectSyncMessage m) throws IOException {
    return ProjectSyncMessage.decode(ProjectSyncMessage.encode(m));
  }

  @Test
  void anAnnouncementRoundTrips() throws IOException {
    ProjectManifest disk =
        new ProjectManifest(
            List.of(new Entry("plant.prj", SHA, 5), new Entry("../shared/alarms.prj", "", -1)));
    ProjectManifest loaded = new ProjectManifest(List.of(new Entry("plant.prj", SHA, 5)));
    Announce a = new Announce("alpha", 7, disk, loaded);

    assertThat(roundTrip(a)).isEqualTo(a);
  }

  @Test
  void aQueryRoundTrips() throws IOException {
    ProjectSyncMessage.Query q = new ProjectSyncMessage.Query("beta");

    assertThat(roundTrip(q)).isEqualTo(q);
  }

  @Test
  void aWantRoundTrips() throws IOException {
    Want w = new Want("beta", "alpha", "plant.prj", SHA);

    assertThat(roundTrip(w)).isEqualTo(w);
  }

  @Test
  void aChunkRoundTrips() throws IOException {
    byte[] data = new byte[ProjectSyncMessage.MAX_CHUNK];
    new Random(1).nextBytes(data);
    Chunk c = new Chunk("alpha", "beta", "plant.prj", SHA, 200_000, 65_536, data);

    Chunk back = (Chunk) roundTrip(c);

    assertThat(back).usingRecursiveComparison().ignoringFields("data").isEqualTo(c);
    assertThat(back.data()).isEqualTo(data);
  }

  @Test
  void anEmptyFileIsOneEmptyChunk() throws IOException {
    Chunk c = new Chunk("alpha", "beta", "empty.prj", Sha256.hex(new byte[0]), 0, 0, new byte[0]);

    assertThat(((Chunk) roundTrip(c)).data()).isEmpty();
  }

  @Test
  void garbageIsRejected() {
    byte[] good = ProjectSyncMessage.encode(new Want("beta", "alpha", "plant.prj", SHA));
    List<byte[]> bad =
        List.of(
            new byte[0],
            "hello world".getBytes(StandardCharsets.UTF_8),
            Arrays.copyOf(good, good.length - 3),
            Arrays.copyOf(good, good.length + 1),
            withByte(good, 4, 2), // format
            withByte(good, 0, 'X')); // magic
    for (byte[] b : bad) {
      assertThatThrownBy(() -> ProjectSyncMessage.decode(b)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void randomBytesNeverDecodeToAnythingButAnIOException() {
    Random r = new Random(42);
    byte[] good =
        ProjectSyncMessage.encode(
            new Chunk("alpha", "beta", "plant.prj", SHA, 10, 0, new byte[10]));
    for (int i = 0; i < 2000; i++) {
      byte[] b = good.clone();
      b[5 + r.nextInt(b.length - 5)] = (byte) r.nextInt();
      try {
        ProjectSyncMessage.decode(b);
      } catch (IOException e) {
        // expected for most
      }
    }
  }

  @Test
  void outOfBoundsChunksAreRejected() throws IOException {
    assertThatThrownBy(() -> ProjectSyncMessage.decode(chunk(SHA, 10, 5, 10)))
        .hasMessageContaining("chunk of 10 bytes at 5 of 10");
    assertThatThrownBy(() -> ProjectSyncMessage.decode(chunk(SHA, 1L << 40, 0, 10)))
        .hasMessageContaining("file of");
    assertThatThrownBy(
            () ->
                ProjectSyncMessage.decode(chunk(SHA, 1 << 20, 0, ProjectSyncMessage.MAX_CHUNK + 1)))
        .hasMessageContaining("chunk of");
    assertThatThrownBy(() -> ProjectSyncMessage.decode(chunk("not-a-hash", 10, 0, 10)))
        .hasMessageContaining("SHA-256");
    assertThatThrownBy(() -> ProjectSyncMessage.decode(chunk("", 10, 0, 10)))
        .hasMessageContaining("without a hash");
    assertThat(ProjectSyncMessage.decode(chunk(SHA, 10, 0, 10))).isInstanceOf(Chunk.class);
  }

  @Test
  void aManifestWithTooManyEntriesIsRejected() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(ProjectSyncMessage.Codec.MAGIC);
      out.writeByte(ProjectSyncMessage.Codec.FORMAT);
      out.writeUTF("alpha");
      out.writeByte('A');
      out.writeLong(1);
      out.writeShort(ProjectSyncMessage.MAX_ENTRIES + 1);
    } catch (IOException e) {
      throw new AssertionError(e);
    }

    assertThatThrownBy(() -> ProjectSyncMessage.decode(bytes.toByteArray()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("manifest of");
  }

  /** A chunk message written by hand, so its fields may be out of bounds. */
  static byte[] chunk(String sha, long size, long offset, int len) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(ProjectSyncMessage.Codec.MAGIC);
      out.writeByte(ProjectSyncMessage.Codec.FORMAT);
      out.writeUTF("alpha");
      out.writeByte('C');
      out.writeUTF("beta");
      out.writeUTF("plant.prj");
      out.writeUTF(sha);
      out.writeLong(size);
      out.writeLong(offset);
      out.writeInt(len);
      out.write(new byte[Math.max(0, Math.min(len, 1 << 20))]);
    }
    return bytes.toByteArray();
  }

  static byte[] withByte(byte[] b, int i, int value) {
    byte[] copy = b.clone();
    copy[i] = (byte) value;
    return copy;
  }
}
