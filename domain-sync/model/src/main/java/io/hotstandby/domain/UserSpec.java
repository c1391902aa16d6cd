package io.hotstandby.domain;

/**
 * One user of the domain's servers ({@code <users><user name="" role="" password=""/></users>}).
 *
 * @param name the user name an OPC UA session logs in with
 * @param role what the user may do
 * @param passwordHash {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} (base64), as {@code domainctl
 *     hash-password} prints it; never the password itself
 */
public record UserSpec(String name, Role role, String passwordHash) {

  /** What a user may do; each role may do what the ones before it may. */
  public enum Role {
    /** Read everything. */
    VIEWER,
    /** Also write tags, acknowledge alarms, switch over. */
    OPERATOR,
    /** Also change the domain file. */
    ADMINISTRATOR;

    /** Whether this role includes {@code other}. */
    public boolean includes(Role other) {
      return compareTo(other) >= 0;
    }
  }
}
