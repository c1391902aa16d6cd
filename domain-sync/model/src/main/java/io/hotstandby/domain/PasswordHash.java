package io.hotstandby.domain;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes as the domain file keeps them: {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}, salt
 * and hash in base64. The domain file travels to every server, so it holds hashes, never passwords.
 */
public final class PasswordHash {
  /** Iterations for new hashes. */
  public static final int ITERATIONS = 120_000;

  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHash() {}

  /** A new hash of {@code password} with a random salt. */
  public static String create(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, ITERATIONS);
    Base64.Encoder b64 = Base64.getEncoder();
    return "pbkdf2-sha256:"
        + ITERATIONS
        + ":"
        + b64.encodeToString(salt)
        + ":"
        + b64.encodeToString(hash);
  }

  /** Whether {@code password} matches {@code stored}; false for a malformed hash. */
  public static boolean verify(String stored, char[] password) {
    String[] parts = stored.split(":");
    if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
      return false;
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      if (iterations < 1000 || iterations > 10_000_000) {
        return false;
      }
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      byte[] actual = pbkdf2(password, salt, iterations);
      return MessageDigest.isEqual(expected, actual);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this Java", e);
    } finally {
      spec.clearPassword();
    }
  }
}
