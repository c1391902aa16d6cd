package io.hotstandby.domain;

/**
 * One user of the domain's servers ({@code <users><user name="" role="" password=""/></users>}).
 *
 * @param name the user name an OPC UA session logs in with
 * @param role what the user may do
 * @param passwordHash {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} (base64), as {@code domainctl
 *     hash-password} prints it; never the password itself
 */
public record UserSpec(String name, UserRole role, String passwordHash) {}
