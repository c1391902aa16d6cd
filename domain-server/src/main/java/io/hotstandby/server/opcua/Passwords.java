package io.hotstandby.server.opcua;

import io.hotstandby.domain.PasswordHash;
import io.hotstandby.domain.UserSpec;
import io.hotstandby.server.probe.ProbeLogin;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the password of a login ({@link LoginThrottle} has let it through): a user of the domain
 * in force against its PBKDF2 hash, or the service probe's one-time password ({@link ProbeLogin})
 * against the probe keys in force.
 */
final class Passwords implements LoginThrottle.PasswordCheck {
  private static final Logger log = LoggerFactory.getLogger(Passwords.class);

  /** Checked against for an unknown user name, so it takes as long as a known one. */
  private static final String NO_SUCH_USER = PasswordHash.create("no such user".toCharArray());

  private final Semaphore logins = new Semaphore(1, true);
  private volatile Supplier<List<UserSpec>> users = List::of;
  private volatile Supplier<List<byte[]>> probeKeys = List::of;

  /** The users of the domain in force. */
  List<UserSpec> users() {
    return users.get();
  }

  void registerUsers(Supplier<List<UserSpec>> users) {
    this.users = Objects.requireNonNull(users, "users");
  }

  void acceptProbeLogins(Supplier<List<byte[]>> keys) {
    this.probeKeys = Objects.requireNonNull(keys, "keys");
  }

  @Override
  public boolean check(Session session, String user, String password) {
    boolean ok = user.equals(ProbeLogin.USER) ? probe(session, password) : user(user, password);
    if (!ok) {
      log.warn("login refused for user '{}'", user);
    }
    return ok;
  }

  /** The probe's password for this session's nonce and the certificate of its endpoint. */
  private boolean probe(Session session, String password) {
    ByteString nonce = session.getLastNonce();
    ByteString certificate = session.getEndpoint().getServerCertificate();
    return ProbeLogin.verify(
        probeKeys.get(),
        nonce == null || nonce.isNull() ? new byte[0] : nonce.bytesOrEmpty(),
        certificate == null || certificate.isNull() ? new byte[0] : certificate.bytesOrEmpty(),
        password);
  }

  /**
   * One check at a time (a PBKDF2 check is deliberately slow, and a flood of logins must not starve
   * the role thread of CPU), and an unknown user costs as much as a known one, so timing does not
   * tell which names exist.
   */
  private boolean user(String user, String password) {
    try {
      if (!logins.tryAcquire(5, TimeUnit.SECONDS)) {
        log.warn("login of '{}' refused: too many logins at once", user);
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    try {
      String hash =
          users.get().stream()
              .filter(u -> u.name().equals(user))
              .map(UserSpec::passwordHash)
              .findFirst()
              .orElse(null);
      boolean matches =
          PasswordHash.verify(hash != null ? hash : NO_SUCH_USER, password.toCharArray());
      return hash != null && matches;
    } finally {
      logins.release();
    }
  }
}
