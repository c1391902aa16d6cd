package io.hotstandby.server.opcua;

import java.util.List;
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

  // ---- operations on this server (Server.* methods) ---------------------------------------------

  /**
   * Stops the domain on this server: it leaves its role and takes no role, across restarts, until
   * {@link #startDomain}. An active first hands the role to its ready standby; without one it is
   * refused unless {@code force}.
   */
  default CompletableFuture<DomainAdminResult> stopDomain(boolean force, SessionUser user) {
    return CompletableFuture.completedFuture(new DomainAdminResult(false, NOT_HERE, 0));
  }

  /** Starts the domain on this server again: it joins as at start (normally as STANDBY). */
  default CompletableFuture<DomainAdminResult> startDomain(SessionUser user) {
    return CompletableFuture.completedFuture(new DomainAdminResult(false, NOT_HERE, 0));
  }

  /**
   * Sets or clears maintenance of {@code server} ("" for this one) through a change of the domain
   * file (with the planned switchover first when it is the active).
   */
  default CompletableFuture<DomainAdminResult> setMaintenance(
      String server, boolean on, SessionUser user) {
    return CompletableFuture.completedFuture(new DomainAdminResult(false, NOT_HERE, 0));
  }

  /**
   * The newest {@code max} events of this server's log after sequence {@code afterSeq} and at or
   * after {@code sinceMillis}, oldest first, as a JSON array (see the event log).
   */
  default String eventsJson(long sinceMillis, long afterSeq, int max, boolean unackedOnly) {
    return "[]";
  }

  /** Acknowledges events of this server ({@code "*"}: all that wait). */
  default DomainAdminResult acknowledgeEvents(List<String> ids, SessionUser user) {
    return new DomainAdminResult(false, NOT_HERE, 0);
  }

  /** The newest {@code max} entries of the audit log at or after {@code sinceMillis}. */
  default String auditJson(long sinceMillis, int max) {
    return "[]";
  }

  /** What the operations above answer on a server that does not implement them. */
  String NOT_HERE = "this operation is not available on this server";
}
