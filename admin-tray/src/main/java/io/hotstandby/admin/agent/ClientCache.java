package io.hotstandby.admin.agent;

import io.hotstandby.admin.Domainctl;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's open sessions, one per endpoint, user and password: a command gets the session a
 * previous command opened with exactly the same credentials (compared by a salted hash, never kept
 * in clear), after a read shows it still works; otherwise a new one. Closing what a command gets
 * leaves the session open; {@link #close} ends them all.
 */
final class ClientCache implements Domainctl.ClientSource, AutoCloseable {
  /** Sessions kept at most; the oldest is closed beyond. */
  static final int MAX = 16;

  private final byte[] salt = new SecureRandom().generateSeed(16);
  private final Map<String, AdminClient> open = new LinkedHashMap<>();

  @Override
  public synchronized AdminClient open(
      String endpoint, Duration timeout, AdminClient.Credentials login)
      throws AdminClientException {
    String key = key(endpoint, login);
    AdminClient c = open.get(key);
    if (c != null) {
      try {
        c.serviceLevel(); // fails at once when the server or the session is gone
        return c.keptOpen();
      } catch (AdminClientException e) {
        open.remove(key);
        c.close();
      }
    }
    AdminClient fresh = AdminClient.connect(endpoint, timeout, login);
    open.put(key, fresh);
    if (open.size() > MAX) {
      String oldest = open.keySet().iterator().next();
      open.remove(oldest).close();
    }
    return fresh.keptOpen();
  }

  private String key(String endpoint, AdminClient.Credentials login) {
    if (login == null) {
      return endpoint + "\n";
    }
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(salt);
      d.update(login.user().getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(StandardCharsets.UTF_8.encode(CharBuffer.wrap(login.password())));
      return endpoint + "\n" + login.user() + "\n" + HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    open.values().forEach(AdminClient::close);
    open.clear();
  }
}
