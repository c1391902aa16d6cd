package io.hotstandby.domain;

import java.util.List;

/**
 * The hot-standby section of a domain file.
 *
 * @param enabled false runs the main alone with no failover
 * @param main the server that takes the active role when both start together
 * @param backup the server that stands by; {@code null} only when hot standby is disabled and the
 *     file names no backup
 * @param heartbeatMs interval between REC heartbeats on each path
 * @param failoverTimeoutMs silence on every path after which the active counts as lost
 * @param integrity third addresses (e.g. the PLC network) a standby must reach before it takes over
 * @param activateBackupOnLocalFailure switch over when the active reports worse health than the
 *     standby
 * @param returnToMain whether the main takes the role back after it returns
 * @param returnStableMs with automatic return, how long the main must be a healthy standby first
 * @param standbyMode whether the standby's drivers stay connected (warm) or start on takeover
 *     (cold)
 * @param versionMismatchBlocksTakeover whether a standby whose product version differs from the
 *     active's refuses to take over when the active is lost (the mismatch is reported either way)
 * @param mirrorMaxLagMs the largest mirror lag, in milliseconds, at which a standby still counts as
 *     ready for a planned switchover
 * @param witness the server that runs as the domain's quorum witness (a third vote: a standby takes
 *     over from a lost active only with its lease), "" when the domain has none
 * @param failoverTimeoutMaxMs how far the loss timeout of a peer may grow above {@code
 *     failoverTimeoutMs} while its heartbeats were recently late or either server is in its first
 *     minute; equal to {@code failoverTimeoutMs} keeps it fixed; 0 means the default, {@value
 *     #FAILOVER_TIMEOUT_MAX_FACTOR} times {@code failoverTimeoutMs}
 * @param probe the service probe, {@link ServiceProbeSpec#OFF} when the domain has none
 * @param virtualIp the address the ACTIVE holds, {@link VirtualIpSpec#NONE} when the domain has
 *     none
 */
public record HotStandbySpec(
    boolean enabled,
    String main,
    String backup,
    int heartbeatMs,
    int failoverTimeoutMs,
    List<IntegrityAddress> integrity,
    boolean activateBackupOnLocalFailure,
    ReturnPolicy returnToMain,
    long returnStableMs,
    StandbyMode standbyMode,
    boolean versionMismatchBlocksTakeover,
    int mirrorMaxLagMs,
    String witness,
    int failoverTimeoutMaxMs,
    ServiceProbeSpec probe,
    VirtualIpSpec virtualIp) {

  public static final int DEFAULT_HEARTBEAT_MS = 100;
  public static final int DEFAULT_MIRROR_MAX_LAG_MS = 1000;
  public static final int DEFAULT_FAILOVER_TIMEOUT_MS = 500;
  public static final long DEFAULT_RETURN_STABLE_MS = 60_000;
  public static final int FAILOVER_TIMEOUT_MAX_FACTOR = 4;

  public HotStandbySpec {
    integrity = List.copyOf(integrity);
    witness = witness == null ? "" : witness;
    probe = probe == null ? ServiceProbeSpec.OFF : probe;
    virtualIp = virtualIp == null ? VirtualIpSpec.NONE : virtualIp;
    if (failoverTimeoutMaxMs == 0) {
      failoverTimeoutMaxMs = FAILOVER_TIMEOUT_MAX_FACTOR * failoverTimeoutMs;
    }
  }

  /** The settings without a quorum witness, a service probe or a virtual IP address. */
  public HotStandbySpec(
      boolean enabled,
      String main,
      String backup,
      int heartbeatMs,
      int failoverTimeoutMs,
      List<IntegrityAddress> integrity,
      boolean activateBackupOnLocalFailure,
      ReturnPolicy returnToMain,
      long returnStableMs,
      StandbyMode standbyMode,
      boolean versionMismatchBlocksTakeover,
      int mirrorMaxLagMs) {
    this(
        enabled,
        main,
        backup,
        heartbeatMs,
        failoverTimeoutMs,
        integrity,
        activateBackupOnLocalFailure,
        returnToMain,
        returnStableMs,
        standbyMode,
        versionMismatchBlocksTakeover,
        mirrorMaxLagMs,
        "",
        0,
        ServiceProbeSpec.OFF,
        VirtualIpSpec.NONE);
  }

  /** Whether the domain has a quorum witness. */
  public boolean hasWitness() {
    return !witness.isEmpty();
  }

  /** The settings with the default {@link #DEFAULT_MIRROR_MAX_LAG_MS mirror lag} limit. */
  public HotStandbySpec(
      boolean enabled,
      String main,
      String backup,
      int heartbeatMs,
      int failoverTimeoutMs,
      List<IntegrityAddress> integrity,
      boolean activateBackupOnLocalFailure,
      ReturnPolicy returnToMain,
      long returnStableMs,
      StandbyMode standbyMode,
      boolean versionMismatchBlocksTakeover) {
    this(
        enabled,
        main,
        backup,
        heartbeatMs,
        failoverTimeoutMs,
        integrity,
        activateBackupOnLocalFailure,
        returnToMain,
        returnStableMs,
        standbyMode,
        versionMismatchBlocksTakeover,
        DEFAULT_MIRROR_MAX_LAG_MS);
  }

  /** The settings with a product-version mismatch reported but not blocking a takeover. */
  public HotStandbySpec(
      boolean enabled,
      String main,
      String backup,
      int heartbeatMs,
      int failoverTimeoutMs,
      List<IntegrityAddress> integrity,
      boolean activateBackupOnLocalFailure,
      ReturnPolicy returnToMain,
      long returnStableMs,
      StandbyMode standbyMode) {
    this(
        enabled,
        main,
        backup,
        heartbeatMs,
        failoverTimeoutMs,
        integrity,
        activateBackupOnLocalFailure,
        returnToMain,
        returnStableMs,
        standbyMode,
        false);
  }
}
