package io.hotstandby.keys;

import java.nio.charset.StandardCharsets;

/**
 * The keys servers use between each other, each derived from the domain's secret for one purpose
 * with HKDF-SHA256 (salt: the domain's name; info: the purpose), so that a key learned or misused
 * in one place opens nothing in another and the raw secret is never a key itself.
 */
public enum DomainKeys {
  /** HMAC-SHA256 of the REC heartbeats. */
  REC("hotstandby/rec-heartbeat/v2"),
  /**
   * AES-256-GCM of one cluster topic, the topic's name appended to the label: the domain topic
   * (domain versions with user hashes and an inline secret), the project topic (project files) and
   * the admin topic each have their own key.
   */
  TOPIC("hotstandby/topic/v1/"),
  /** HMAC-SHA256 of the service probe's one-time passwords (a session's nonce and certificate). */
  SERVICE_PROBE("hotstandby/service-probe/v1");

  /** Bytes of every derived key. */
  public static final int KEY_BYTES = 32;

  private final String info;

  DomainKeys(String info) {
    this.info = info;
  }

  /** The key for this purpose in domain {@code domain} with {@code secret}. */
  public byte[] derive(String domain, byte[] secret) {
    return derive(domain, secret, "");
  }

  /** As {@link #derive(String, byte[])}, {@code qualifier} appended to the purpose's label. */
  public byte[] derive(String domain, byte[] secret, String qualifier) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("the domain secret is empty");
    }
    return Hkdf.derive(
        secret,
        domain.getBytes(StandardCharsets.UTF_8),
        (info + qualifier).getBytes(StandardCharsets.UTF_8),
        KEY_BYTES);
  }
}
