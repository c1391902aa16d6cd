package io.hotstandby.domain;

/**
 * How the servers' OPC UA endpoints admit clients ({@code <security anonymousRead="true"/>}).
 *
 * @param anonymousRead whether a server also offers an endpoint without security where anonymous
 *     sessions may read (with the Viewer role); without it every session is encrypted and logs in
 *     with a user of the domain. Taken when a server starts.
 */
public record SecuritySpec(boolean anonymousRead) {
  /** Encrypted sessions with a user name only. */
  public static final SecuritySpec DEFAULT = new SecuritySpec(false);
}
