package io.hotstandby.keys;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869): extracts a pseudorandom key from input keying material and a
 * salt, then expands it into output keying material bound to an {@code info} label, so keys for
 * different purposes derived from one secret are independent of each other.
 */
public final class Hkdf {
  private static final String HMAC = "HmacSHA256";
  private static final int HASH_LEN = 32;

  private Hkdf() {}

  /**
   * Extract then expand.
   *
   * @param ikm input keying material (the secret)
   * @param salt a non-secret salt; empty means a string of 32 zero bytes, as RFC 5869 says
   * @param info what the key is for
   * @param length bytes of output, at most 255 * 32
   */
  public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
    return expand(extract(salt, ikm), info, length);
  }

  /** HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM). */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    byte[] key = salt.length == 0 ? new byte[HASH_LEN] : salt;
    Mac mac = mac(key);
    return mac.doFinal(ikm);
  }

  /** HKDF-Expand(PRK, info, L): T(i) = HMAC-Hash(PRK, T(i-1) | info | i), concatenated. */
  public static byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 1 || length > 255 * HASH_LEN) {
      throw new IllegalArgumentException("HKDF output length " + length + " out of 1.." + 255 * 32);
    }
    Mac mac = mac(prk);
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    int done = 0;
    for (int i = 1; done < length; i++) {
      mac.update(t);
      mac.update(info);
      mac.update((byte) i);
      t = mac.doFinal();
      int n = Math.min(t.length, length - done);
      System.arraycopy(t, 0, out, done, n);
      done += n;
    }
    Arrays.fill(t, (byte) 0);
    return out;
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable: " + e.getMessage(), e);
    }
  }
}
