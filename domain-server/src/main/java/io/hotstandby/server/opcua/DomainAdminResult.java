package io.hotstandby.server.opcua;

/**
 * The answer to a change of the domain file asked through the admin namespace.
 *
 * @param accepted whether the change is now the version in force
 * @param message one line for the operator: the new version, or why the change was refused
 * @param version the number of the version in force after the call
 */
public record DomainAdminResult(boolean accepted, String message, long version) {
  public DomainAdminResult {
    message = message == null ? "" : message;
  }
}
