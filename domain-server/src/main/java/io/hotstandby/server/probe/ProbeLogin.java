package io.hotstandby.server.probe;

import io.hotstandby.keys.DomainKeys;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The login of the service probe on a server that offers no anonymous reading: user {@value #USER}
 * with a one-time password, the HMAC-SHA256 under the domain's probe key ({@link
 * DomainKeys#SERVICE_PROBE}) of the session's server nonce followed by the server certificate the
 * probe's channel is encrypted for. A password is good for that one session of that one server: a
 * host that poses as the server on the probe's path learns nothing it could log in with elsewhere,
 * since the real server issues another nonce and has another certificate. Only a holder of the
 * domain secret (the servers, and administrators who read the domain file) can make one.
 *
 * <p>The name cannot be a user of the domain (the domain file refuses names that start with {@code
 * #}), so the session has no role: it may read and browse, and every action is refused and audited.
 */
public final class ProbeLogin {
  /** The probe's user name. */
  public static final String USER = "#service-probe";

  private ProbeLogin() {}

  /** The probe key of domain {@code domain} with secret {@code secret}. */
  public static byte[] key(String domain, byte[] secret) {
    return DomainKeys.SERVICE_PROBE.derive(domain, secret);
  }

  /** The password for the session with {@code nonce} on the server with {@code certificate}. */
  public static String password(byte[] key, byte[] nonce, byte[] certificate) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(nonce);
      mac.update(certificate);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /**
   * Whether {@code password} is the one for this session under one of {@code keys} (two during a
   * secret rotation). An empty nonce or certificate never matches. (What keeps the login off
   * unencrypted channels is that user-name tokens are offered on SignAndEncrypt endpoints only.)
   */
  public static boolean verify(
      List<byte[]> keys, byte[] nonce, byte[] certificate, String password) {
    if (nonce.length == 0 || certificate.length == 0 || password == null) {
      return false;
    }
    byte[] given = password.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    boolean ok = false;
    for (byte[] key : keys) {
      byte[] expected =
          password(key, nonce, certificate).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      ok |= MessageDigest.isEqual(expected, given);
    }
    return ok;
  }
}
