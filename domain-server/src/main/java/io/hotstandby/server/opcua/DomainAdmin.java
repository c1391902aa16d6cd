package io.hotstandby.server.opcua;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the admin namespace's domain-file methods ({@code Domain.Apply}, {@code Domain.History},
 * {@code Domain.Show}, {@code Domain.Rollback}) ask of the server. Implemented by the domain server
 * over its domain store. A change may take seconds while it is validated, written and (when it
 * needs one) a planned switchover is carried out, so it is answered through a future and no thread
 * waits meanwhile.
 */
public interface DomainAdmin {

  /**
   * Validates {@code content} as the next version of the domain file and, if good, makes it the
   * version in force on every server.
   *
   * @param content the complete new domain file
   * @param user who asks (an administrator, checked by the caller), for the history and the audit
   *     log
   */
  CompletableFuture<DomainAdminResult> apply(byte[] content, SessionUser user);

  /**
   * The history of the domain file, newest first, as a JSON array of objects with {@code number},
   * {@code sha256}, {@code server}, {@code user}, {@code time} (ISO-8601), {@code source} and
   * {@code status} ("in force", "superseded", "conflict", "refused").
   */
  String historyJson();

  /**
   * The content of one version: {@code ""} for the version in force, a number, or a hash prefix of
   * at least 6 hex digits (to pick one of two versions that share a number after a conflict).
   */
  Optional<byte[]> show(String version);

  /** Makes the content of an earlier version (as {@link #show} selects it) the next version. */
  CompletableFuture<DomainAdminResult> rollback(String version, SessionUser user);

  /**
   * The newest {@code max} entries of the switchover history, oldest first, as a JSON array of
   * objects with {@code time} (ISO-8601), {@code epochMillis}, {@code kind} ("failover",
   * "switchover", "start"), {@code from}, {@code to}, {@code reason}, {@code durationMs} (-1 when
   * unknown), {@code term}, {@code lagEntries} and {@code lagMs}. A server without a history
   * answers an empty array.
   */
  default String switchoverHistoryJson(int max) {
    return "[]";
  }
}
