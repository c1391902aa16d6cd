package io.hotstandby.cluster;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A topic message sealed with AES-256-GCM, so that a member without the domain's secret reads
 * nothing and forges nothing. Thread-safe (a Cipher per call: messages are few and small).
 *
 * <pre>
 * "HSE1"        magic, 4 bytes, clear
 * nonce         12 random bytes, clear
 * ciphertext and 16-byte tag of:
 *   sender      1 length byte and UTF-8
 *   bootId      int64, random per process start
 *   bootStart   int64, wall-clock millis of that start (orders boots)
 *   seq         int64, per topic, from 1
 *   sentAt      int64, wall-clock millis
 *   payload     the rest
 * associated data: the magic and the topic's name, so a message cannot be moved to another topic
 * </pre>
 */
public final class TopicEnvelope {
  static final byte[] MAGIC = {'H', 'S', 'E', '1'};
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  static final int MIN_SEALED = MAGIC.length + NONCE_BYTES + TAG_BITS / 8 + 1 + 4 * Long.BYTES;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The header every message carries inside the seal, and its payload. */
  public record Opened(
      String sender, long bootId, long bootStart, long seq, long sentAt, byte[] payload) {}

  /** Why a message could not be opened. */
  public enum Refusal {
    /** Not an envelope at all: too short or no magic. */
    GARBAGE,
    /** The tag does not check with any accepted key: another key, tampered, or not sealed. */
    BAD_TAG
  }

  /** A message that did not open, with the reason. */
  public static final class RefusedException extends Exception {
    private final Refusal refusal;

    RefusedException(Refusal refusal, String message) {
      super(message, null, false, false);
      this.refusal = refusal;
    }

    public Refusal refusal() {
      return refusal;
    }
  }

  private TopicEnvelope() {}

  /** Seals {@code o} for {@code topic} with {@code key} (32 bytes). */
  public static byte[] seal(byte[] key, String topic, Opened o) {
    byte[] sender = o.sender().getBytes(StandardCharsets.UTF_8);
    if (sender.length > 255) {
      throw new IllegalArgumentException("sender name longer than 255 bytes");
    }
    ByteBuffer plain = ByteBuffer.allocate(1 + sender.length + 4 * Long.BYTES + o.payload().length);
    plain.put((byte) sender.length).put(sender);
    plain.putLong(o.bootId()).putLong(o.bootStart()).putLong(o.seq()).putLong(o.sentAt());
    plain.put(o.payload());
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, key, nonce, topic);
      byte[] out = new byte[MAGIC.length + NONCE_BYTES + c.getOutputSize(plain.capacity())];
      System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
      System.arraycopy(nonce, 0, out, MAGIC.length, NONCE_BYTES);
      c.doFinal(plain.array(), 0, plain.capacity(), out, MAGIC.length + NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable: " + e.getMessage(), e);
    }
  }

  /**
   * Opens a message sealed for {@code topic} with any of {@code keys}.
   *
   * @throws RefusedException if it is not an envelope or no key opens it
   */
  public static Opened open(List<byte[]> keys, String topic, byte[] sealed)
      throws RefusedException {
    if (sealed.length < MIN_SEALED
        || !Arrays.equals(sealed, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new RefusedException(Refusal.GARBAGE, "not a sealed message");
    }
    byte[] nonce = Arrays.copyOfRange(sealed, MAGIC.length, MAGIC.length + NONCE_BYTES);
    int start = MAGIC.length + NONCE_BYTES;
    for (byte[] key : keys) {
      byte[] plain;
      try {
        plain =
            cipher(Cipher.DECRYPT_MODE, key, nonce, topic)
                .doFinal(sealed, start, sealed.length - start);
      } catch (AEADBadTagException e) {
        continue;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM unavailable: " + e.getMessage(), e);
      }
      return parse(plain);
    }
    throw new RefusedException(Refusal.BAD_TAG, "the seal does not check with any key");
  }

  private static Opened parse(byte[] plain) throws RefusedException {
    // Only a holder of the key made this, but a bug there must not throw in the listener.
    try {
      ByteBuffer in = ByteBuffer.wrap(plain);
      int n = Byte.toUnsignedInt(in.get());
      ByteBuffer name = in.slice(in.position(), n);
      in.position(in.position() + n);
      String sender = StandardCharsets.UTF_8.newDecoder().decode(name).toString();
      long bootId = in.getLong();
      long bootStart = in.getLong();
      long seq = in.getLong();
      long sentAt = in.getLong();
      byte[] payload = Arrays.copyOfRange(plain, in.position(), plain.length);
      return new Opened(sender, bootId, bootStart, seq, sentAt, payload);
    } catch (BufferUnderflowException | IndexOutOfBoundsException | CharacterCodingException e) {
      throw new RefusedException(Refusal.GARBAGE, "a sealed message with a corrupt header");
    }
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce, String topic)
      throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    c.updateAAD(MAGIC);
    c.updateAAD(topic.getBytes(StandardCharsets.UTF_8));
    return c;
  }
}
