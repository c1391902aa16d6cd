package io.hotstandby.server.role;

import io.hotstandby.domain.DomainRole;
import io.hotstandby.rec.quorum.WitnessLease;
import java.util.Set;

/**
 * What the role machine asks of the world around it when it decides. Implemented by the server
 * process from the domain file, the integrity check and the runtime; by plain fields in tests.
 */
public interface RoleContext {

  /** This server's name. */
  String self();

  /** Whether the domain names this server main, backup, or neither. */
  DomainRole domainRole();

  /** The other of main and backup, or "" when the domain has no partner for this server. */
  String partner();

  /** Whether the domain file sets this server to maintenance. */
  boolean maintenance();

  /**
   * Whether an operator stopped the domain on this server (kept across restarts until started
   * again).
   */
  default boolean domainStopped() {
    return false;
  }

  /** Whether hot standby is enabled in the domain. */
  boolean hotStandbyEnabled();

  /** Whether the integrity check passes (true when no integrity address is configured). */
  boolean integrityPasses();

  /** Whether integrity addresses are configured at all. */
  boolean integrityConfigured();

  /** Whether the local runtime is loaded and could run. */
  boolean runtimeReady();

  /** The local failure weight; 0 is healthy. */
  int health();

  /**
   * The part of {@link #health()} that would not follow the active role to the partner (devices
   * this server cannot reach), which is what a handover on a local failure compares: a weight that
   * comes with the role (the virtual IP, this server's own endpoint failing its probe) would hand
   * the role back and forth when both servers fail the same way.
   */
  default int localFailureWeight() {
    return health();
  }

  /** The version of the domain file this server runs. */
  long domainVersion();

  /** This server's product version. */
  String productVersion();

  /** Whether the domain allows switching over when the active is less healthy than the standby. */
  boolean activateBackupOnLocalFailure();

  /** Whether the main takes the role back automatically after a stable period. */
  boolean automaticReturn();

  /** With automatic return, how long the main must stand by, healthy, first. */
  long returnStableMillis();

  /** Whether a standby refuses to take over from a lost active of another product version. */
  boolean versionMismatchBlocksTakeover();

  /** The failover timeout of the domain, in milliseconds. */
  long failoverTimeoutMillis();

  /**
   * The declared peers whose well-formed heartbeats failed the MAC under every key this server
   * accepts within the last failover timeout: they talk under another secret, so silence from them
   * does not mean they are down.
   */
  Set<String> foreignKeyPeers();

  /**
   * Whether this server's state mirror has applied everything {@code peer} (the active handing over
   * to it) announced: a planned switchover completes only once the old active's last changes are
   * here. True when there is no mirror.
   */
  default boolean mirrorCaughtUpWith(String peer) {
    return true;
  }

  /**
   * Why this server's state mirror does not allow a planned switchover to it (not caught up within
   * the domain's bound), or "" when it does.
   */
  default String mirrorProblem() {
    return "";
  }

  /**
   * Why {@code peer}'s domain file differs from this server's although their version numbers are
   * equal (their hashes differ), or "" when they agree or the peer's hash is not known.
   */
  default String domainFileProblem(String peer) {
    return "";
  }

  /** The domain's quorum witness, or "" when it has none. */
  default String witness() {
    return "";
  }

  /**
   * This server's view of the witness's lease (fed by the witness's heartbeats), or null when the
   * domain has no witness.
   */
  default WitnessLease witnessLease() {
    return null;
  }
}
