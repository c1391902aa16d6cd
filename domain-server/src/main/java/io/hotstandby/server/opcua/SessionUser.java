package io.hotstandby.server.opcua;

import io.hotstandby.domain.UserRole;
import java.util.Objects;
import java.util.Optional;

/**
 * Who acts in an OPC UA session, as the server's role checks and audit log see it.
 *
 * @param name the user name the session logged in with, or {@value #ANONYMOUS}
 * @param role the user's role in the domain in force; null when the user has none (an anonymous
 *     session where the domain does not allow anonymous reading, or a user the domain no longer
 *     declares)
 * @param client the address the client connects from (the IP address of the session's secure
 *     channel), or {@value #LOCAL} for a change made on the server's host
 */
public record SessionUser(String name, UserRole role, String client) {
  /** The name of a session that did not log in. */
  public static final String ANONYMOUS = "anonymous";

  /** The client of a change made on the server's own host (an edit of the domain file). */
  public static final String LOCAL = "local";

  public SessionUser {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(client, "client");
  }

  /** Someone acting on the server's host, e.g. the editor of the domain file. */
  public static SessionUser local(String name) {
    return new SessionUser(name, UserRole.ADMINISTRATOR, LOCAL);
  }

  /** Whether the session did not log in. */
  public boolean anonymous() {
    return name.equals(ANONYMOUS);
  }

  /** The user's role, if any. */
  public Optional<UserRole> roleIfAny() {
    return Optional.ofNullable(role);
  }
}
