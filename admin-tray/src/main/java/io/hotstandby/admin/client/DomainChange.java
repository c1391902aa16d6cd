package io.hotstandby.admin.client;

/**
 * What a server answered to a change of the domain file ({@code Domain.Apply}, {@code
 * Domain.Rollback}).
 *
 * @param accepted whether the change is now the version in force
 * @param message one line for the operator: the new version, or why the change was refused
 * @param version the number of the version in force after the call
 */
public record DomainChange(boolean accepted, String message, long version) {}
