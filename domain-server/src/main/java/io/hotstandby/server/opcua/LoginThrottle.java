package io.hotstandby.server.opcua;

import io.hotstandby.server.probe.ProbeLogin;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.identity.AbstractUsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.DefaultUsernameIdentity;
import org.eclipse.milo.opcua.sdk.server.identity.Identity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down and then locks out password guessing at the OPC UA endpoint, without letting a flood
 * lock the administrator out.
 *
 * <p>The rule. Failures are counted per <em>user name and client address</em> and per <em>client
 * address</em>, never per user name alone:
 *
 * <ul>
 *   <li>After the n-th failed login of a user from an address, that user may try again from that
 *       address only after {@link #FIRST_DELAY} × 2<sup>n-1</sup>; after {@link #MAX_FAILURES}
 *       failures the pair is locked for {@link #FIRST_LOCKOUT}, doubled at each further failure up
 *       to {@link #MAX_LOCKOUT}.
 *   <li>An address with {@link #MAX_ADDRESS_FAILURES} failures, whatever the user names, is locked
 *       the same way (no delays before that) for every user name: one host spraying passwords over
 *       many names is stopped.
 *   <li>A login succeeds only with the right password outside any lock; success clears its pair
 *       (not the address: a guesser who also knows one password keeps its address's count).
 * </ul>
 *
 * <p>Why no lock per user name: the names of plant accounts are no secret, and a lock that any host
 * could set on {@code admin} would let a flood of wrong passwords from anywhere keep the real
 * administrator out exactly when the plant needs him. Here the flood locks only the addresses it
 * comes from; the administrator logs in from his own. The price is that a guesser with many
 * addresses gets {@link #MAX_FAILURES} tries per address and lockout; the PBKDF2 cost of each try
 * and the password policy have to carry that. Clients behind one NAT address share its count.
 *
 * <p>The service probe's login ({@link ProbeLogin}) is neither delayed nor locked nor counted: its
 * one-time password cannot be guessed (an HMAC under a key derived from the domain secret), and a
 * lock set by other logins failing from the partner's address would make the partner take a healthy
 * active for failed. Its refusals are audited like every other.
 *
 * <p>A refusal during a delay or a lock is answered at once and checks no password: Milo calls the
 * identity validator on its own threads, which must not wait out a delay, and a locked flood then
 * costs no CPU. Every refusal is reported to the {@link Audit} (action "login", result "refused:
 * ..."). At most {@link #MAX_ENTRIES} counters are kept; the least recently used are forgotten.
 *
 * <p>Thread-safe.
 */
public final class LoginThrottle {
  /** Failures of one user from one address before it is locked. */
  public static final int MAX_FAILURES = 5;

  /** Failures from one address, any user names, before the address is locked. */
  public static final int MAX_ADDRESS_FAILURES = 20;

  /** The wait after the first failure; it doubles with each further one. */
  public static final Duration FIRST_DELAY = Duration.ofSeconds(1);

  /** The first lockout; it doubles with each failure beyond the limit. */
  public static final Duration FIRST_LOCKOUT = Duration.ofMinutes(1);

  /** The longest lockout. */
  public static final Duration MAX_LOCKOUT = Duration.ofMinutes(30);

  /** Counters kept at most, so that a flood from many addresses cannot exhaust memory. */
  static final int MAX_ENTRIES = 10_000;

  /** Where refused logins are recorded. */
  @FunctionalInterface
  public interface Audit {
    /**
     * @param user the user name given
     * @param address the client's address
     * @param result {@code refused: ...}
     */
    void refused(String user, String address, String result);
  }

  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
  private static final Method SESSION_CLOSE = sessionClose();

  private final LongSupplier nanoClock;
  private volatile Audit audit = (user, address, result) -> {};

  // Guarded by this. Access order: the least recently used counter is dropped first.
  private final Map<String, Counter> counters =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Counter> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  /**
   * @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; a fake one in tests)
   */
  public LoginThrottle(LongSupplier nanoClock) {
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** Sends every refusal to {@code audit} from now on. */
  public void auditTo(Audit audit) {
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /**
   * Whether {@code user} may try a password from {@code address} now; if not, the refusal is
   * audited and the reason returned, e.g. {@code refused: locked for 60 s after 5 failures}.
   *
   * @return null if the password may be checked
   */
  public String check(String user, String address) {
    long now = nanoClock.getAsLong();
    String refusal;
    synchronized (this) {
      refusal = blocked(counters.get(addressKey(address)), now, "from this address");
      if (refusal == null) {
        refusal = blocked(counters.get(pairKey(user, address)), now, "for this user");
      }
    }
    if (refusal != null) {
      audit.refused(user, address, refusal);
    }
    return refusal;
  }

  /** Records the outcome of a password check that {@link #check} allowed. */
  public void result(String user, String address, boolean ok) {
    long now = nanoClock.getAsLong();
    synchronized (this) {
      if (ok) {
        counters.remove(pairKey(user, address));
        return;
      }
      counters
          .computeIfAbsent(pairKey(user, address), k -> new Counter(MAX_FAILURES, true))
          .fail(now);
      counters
          .computeIfAbsent(addressKey(address), k -> new Counter(MAX_ADDRESS_FAILURES, false))
          .fail(now);
    }
    audit.refused(user, address, "refused: wrong user name or password");
  }

  /** Checks the password of a login the throttle let through. */
  public interface PasswordCheck {
    boolean check(Session session, String user, String password);
  }

  /**
   * A Milo identity validator for user name and password that asks this throttle first and {@code
   * passwordCheck} only when allowed.
   */
  public AbstractUsernameIdentityValidator validator(PasswordCheck passwordCheck) {
    Objects.requireNonNull(passwordCheck, "passwordCheck");
    return new AbstractUsernameIdentityValidator() {
      @Override
      protected Identity.UsernameIdentity authenticateUsernamePassword(
          Session session, String user, String password) {
        if (user == null || password == null) {
          return null;
        }
        String address = addressOf(session);
        // The service probe's one-time password cannot be guessed, and other logins failing from
        // the partner's address must not lock the partner's probe out (it would take the active
        // for failed): checked without the locks, a refusal audited but not counted.
        boolean probe = user.equals(ProbeLogin.USER);
        if (!probe && check(user, address) != null) {
          discard(session);
          return null;
        }
        boolean ok = passwordCheck.check(session, user, password);
        if (probe) {
          if (!ok) {
            audit.refused(user, address, "refused: wrong user name or password");
          }
        } else {
          result(user, address, ok);
        }
        if (!ok) {
          discard(session);
        }
        return ok ? new DefaultUsernameIdentity(user) : null;
      }
    };
  }

  /**
   * Closes a session whose login was refused, once Milo has answered. Milo 1.1.2 keeps a created
   * session that never activates until its timeout (up to 2 min), and counts it against the
   * server's session limit (100): a flood of wrong passwords would otherwise fill that limit within
   * seconds and keep everybody out, the administrator too. Milo offers no public way to close a
   * session that is not activated ({@code SessionManager.killSession} looks at active ones only),
   * so its package-private {@code Session.close(boolean)} is called by reflection; should a later
   * Milo lack it, refused sessions simply time out as before.
   */
  private static void discard(Session session) {
    CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              Method close = SESSION_CLOSE;
              if (close == null) {
                return;
              }
              try {
                close.invoke(session, true);
              } catch (ReflectiveOperationException | RuntimeException e) {
                log.debug("cannot close refused session: {}", e.toString());
              }
            });
  }

  private static Method sessionClose() {
    try {
      Method m = Session.class.getDeclaredMethod("close", boolean.class);
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LoggerFactory.getLogger(LoginThrottle.class)
          .warn("refused OPC UA sessions are left to time out: {}", e.toString());
      return null;
    }
  }

  /** How many counters are kept now. */
  synchronized int counters() {
    return counters.size();
  }

  // Milo sets the address when the session is created, before it is activated with a login.
  private static String addressOf(Session session) {
    InetAddress a = session.getClientAddress();
    return a == null ? "unknown" : a.getHostAddress();
  }

  private static String pairKey(String user, String address) {
    return "u\u0000" + user + "\u0000" + address;
  }

  private static String addressKey(String address) {
    return "a\u0000" + address;
  }

  private static String blocked(Counter c, long now, String scope) {
    if (c == null || now - c.notBefore >= 0) {
      return null;
    }
    long seconds = Math.max(1, (c.notBefore - now + 999_999_999L) / 1_000_000_000L);
    return c.failures >= c.limit
        ? "refused: locked "
            + scope
            + " for "
            + seconds
            + " s after "
            + c.failures
            + " failed logins"
        : "refused: too soon after a failed login; try again in " + seconds + " s";
  }

  /** Failures of one key and the time before which it may not try again. */
  private static final class Counter {
    final int limit;
    // An address is not slowed before its limit: its users' own pairs are.
    final boolean delays;
    int failures;
    long notBefore;

    Counter(int limit, boolean delays) {
      this.limit = limit;
      this.delays = delays;
    }

    void fail(long now) {
      failures++;
      long wait;
      if (failures < limit) {
        wait = delays ? FIRST_DELAY.toNanos() << Math.min(failures - 1, 20) : 0;
      } else {
        int beyond = Math.min(failures - limit, 20);
        wait = Math.min(FIRST_LOCKOUT.toNanos() << beyond, MAX_LOCKOUT.toNanos());
      }
      // The delay grows from the last failure, never shrinks below a lock already running.
      notBefore = Math.max(notBefore, now + Math.min(wait, MAX_LOCKOUT.toNanos()));
    }
  }
}
