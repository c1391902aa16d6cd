package io.hotstandby.server.opcua;

import io.hotstandby.domain.UserRole;
import io.hotstandby.domain.UserSpec;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.identity.Identity;

/**
 * The one place that decides whether a session may do an action, and that records every decided
 * action in the audit log. Every path that changes something (tag writes, alarm acknowledgements,
 * {@code Server.Activate}, the {@code Domain.*} methods) asks {@link #decide} first.
 *
 * <p>Roles ({@link UserRole}, each includes the ones before it): a Viewer browses, reads,
 * subscribes and reads the status, {@code Domain.History} and {@code Server.History}; an Operator
 * also writes tags, acknowledges alarms and activates a server; an Administrator also changes and
 * shows the domain file. A session's role is looked up by its user name in the domain in force at
 * each action, so a user removed from the domain loses their rights at once. An anonymous session
 * is a Viewer when the domain allows anonymous reading ({@code <security anonymousRead="true"/>}),
 * else it has no role (the server then offers no anonymous login at all).
 */
public final class AccessPolicy {

  /** What a session asks to do; each needs a role. */
  public enum Action {
    DOMAIN_HISTORY("domain.history", "Domain.History", UserRole.VIEWER),
    SWITCHOVER_HISTORY("server.history", "Server.History", UserRole.VIEWER),
    WRITE("write", "writing a tag", UserRole.OPERATOR),
    ACKNOWLEDGE("acknowledge", "acknowledging an alarm", UserRole.OPERATOR),
    ACTIVATE("activate", "Activate", UserRole.OPERATOR),
    EVENTS("events", "Server.Events", UserRole.VIEWER),
    ACKNOWLEDGE_EVENTS("events.acknowledge", "acknowledging events", UserRole.OPERATOR),
    START_DOMAIN("domain.start", "StartDomain", UserRole.OPERATOR),
    STOP_DOMAIN("domain.stop", "StopDomain", UserRole.OPERATOR),
    STOP_DOMAIN_FORCED(
        "domain.stop",
        "StopDomain with Force (it may stop the application)",
        UserRole.ADMINISTRATOR),
    SET_MAINTENANCE("maintenance", "SetMaintenance", UserRole.OPERATOR),
    AUDIT("audit", "reading the audit log", UserRole.ADMINISTRATOR),
    DOMAIN_CHANGE("domain.change", "changing the domain file", UserRole.ADMINISTRATOR),
    DOMAIN_SHOW("domain.show", "reading the domain file", UserRole.ADMINISTRATOR);

    private final String audited;
    private final String what;
    private final UserRole needed;

    Action(String audited, String what, UserRole needed) {
      this.audited = audited;
      this.what = what;
      this.needed = needed;
    }

    /** The action's name in the audit log, e.g. {@code write}. */
    public String audited() {
      return audited;
    }

    /** The role it needs. */
    public UserRole needed() {
      return needed;
    }
  }

  /** Where decided actions are recorded: the server's audit log. */
  @FunctionalInterface
  public interface Audit {
    void record(SessionUser user, String action, String target, Object value, String result);

    /** Records nothing. */
    static Audit none() {
      return (u, a, t, v, r) -> {};
    }
  }

  /**
   * Whether a session may do an action.
   *
   * @param user who asked
   * @param refusal null when allowed, else the one-line refusal ({@code refused: ...})
   */
  public record Decision(SessionUser user, String refusal) {
    public boolean allowed() {
      return refusal == null;
    }
  }

  private final Supplier<List<UserSpec>> users;
  private final boolean anonymousRead;
  private final Audit audit;

  /**
   * @param users the users of the domain in force, read at each decision
   * @param anonymousRead whether anonymous sessions are Viewers
   * @param audit where decisions are recorded
   */
  public AccessPolicy(Supplier<List<UserSpec>> users, boolean anonymousRead, Audit audit) {
    this.users = Objects.requireNonNull(users, "users");
    this.anonymousRead = anonymousRead;
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /** Who acts in {@code session}: its user name, role and client address. */
  public SessionUser userOf(Optional<Session> session) {
    String name =
        session
            .map(Session::getIdentity)
            .filter(Identity.UsernameIdentity.class::isInstance)
            .map(i -> ((Identity.UsernameIdentity) i).getUsername())
            .filter(n -> !n.isBlank())
            .orElse(SessionUser.ANONYMOUS);
    InetAddress address = session.map(Session::getClientAddress).orElse(null);
    return userOf(name, address == null ? "unknown" : address.getHostAddress());
  }

  /** The user {@code name} (or {@value SessionUser#ANONYMOUS}) connected from {@code client}. */
  public SessionUser userOf(String name, String client) {
    UserRole role;
    if (name.equals(SessionUser.ANONYMOUS)) {
      role = anonymousRead ? UserRole.VIEWER : null;
    } else {
      role =
          users.get().stream()
              .filter(u -> u.name().equals(name))
              .map(UserSpec::role)
              .findFirst()
              .orElse(null);
    }
    return new SessionUser(name, role, client);
  }

  /**
   * Whether {@code session} may do {@code action}; a refusal is recorded in the audit log at once
   * (an allowed action is recorded with its outcome by whoever carries it out).
   *
   * @param target what the action is on (a tag, an alarm, a server, the domain file)
   * @param value the value written, the comment, or null
   */
  public Decision decide(Optional<Session> session, Action action, String target, Object value) {
    return decide(userOf(session), action, target, value);
  }

  /** As {@link #decide(Optional, Action, String, Object)}, for a user already known. */
  public Decision decide(SessionUser user, Action action, String target, Object value) {
    String refusal = refusal(user, action);
    if (refusal != null) {
      audit(user, action, target, value, refusal);
    }
    return new Decision(user, refusal);
  }

  /** Records the outcome of an action. */
  public void audit(SessionUser user, Action action, String target, Object value, String result) {
    audit.record(user, action.audited(), target, value, result);
  }

  /** Null when {@code user} may do {@code action}, else the one-line refusal. */
  static String refusal(SessionUser user, Action action) {
    Optional<UserRole> role = user.roleIfAny();
    if (role.isPresent() && role.get().includes(action.needed)) {
      return null;
    }
    String who;
    if (user.anonymous()) {
      who = "an anonymous session may only read; log in with --user";
    } else if (role.isEmpty()) {
      who = user.name() + " is not a user of the domain in force";
    } else {
      who = user.name() + " has the " + roleName(role.get()) + " role";
    }
    return "refused: " + action.what + " needs the " + roleName(action.needed) + " role; " + who;
  }

  /** "Viewer", "Operator", "Administrator". */
  public static String roleName(UserRole r) {
    String n = r.name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }
}
