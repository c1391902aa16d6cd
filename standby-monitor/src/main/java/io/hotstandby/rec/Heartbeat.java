package io.hotstandby.rec;

/**
 * One REC heartbeat: what a server tells its peers about itself, several times a second, on every
 * path. Authenticated on the wire with the domain's secret.
 *
 * @param domain the domain's name; a heartbeat of another domain is dropped
 * @param server the sender's name
 * @param bootId random per process start, so a restarted sender's sequence numbers start afresh
 * @param seq sender's sequence number, growing within one boot
 * @param state the sender's state
 * @param term the sender's term (the term of its last activation)
 * @param activeSinceMillis wall-clock time the sender became ACTIVE, 0 when not active
 * @param health failure weight the sender reports; 0 is healthy, higher is worse
 * @param runtimeReady whether the sender's runtime is loaded and could run
 * @param domainVersion version of the domain file the sender runs
 * @param mirrorSeq last mirror sequence the sender published (active) or applied (standby)
 * @param productVersion the sender's product version
 * @param takeoverRequest non-empty when the sender (a standby) asks the named active to hand over
 * @param handoverTo non-empty when the sender (an active) has released the role to the named
 *     standby
 * @param sentAtNanos sender's monotonic clock at sending, echoed back to measure round trips
 * @param echoNanos the {@code sentAtNanos} of the last heartbeat the sender heard from the receiver
 *     on this path, 0 if none
 * @param echoHoldNanos how long the sender held that echo before sending it back
 * @param leaseHolder a witness's: the server that holds its lease on the active role now, "" when
 *     none; empty from any other server
 * @param leaseRequest a standby's: it has lost the active and asks the witness for the lease
 * @param leaseEchoNanos a witness's: the holder's {@code sentAtNanos} of the heartbeat that last
 *     renewed its lease (the holder's clock), so the holder knows from when its lease runs; 0 when
 *     there is no holder
 */
public record Heartbeat(
    String domain,
    String server,
    long bootId,
    long seq,
    ServerState state,
    long term,
    long activeSinceMillis,
    int health,
    boolean runtimeReady,
    long domainVersion,
    long mirrorSeq,
    String productVersion,
    String takeoverRequest,
    String handoverTo,
    long sentAtNanos,
    long echoNanos,
    long echoHoldNanos,
    String leaseHolder,
    boolean leaseRequest,
    long leaseEchoNanos) {

  public Heartbeat {
    leaseHolder = leaseHolder == null ? "" : leaseHolder;
  }

  /** A heartbeat that carries nothing of a quorum witness (every heartbeat of a domain without). */
  public Heartbeat(
      String domain,
      String server,
      long bootId,
      long seq,
      ServerState state,
      long term,
      long activeSinceMillis,
      int health,
      boolean runtimeReady,
      long domainVersion,
      long mirrorSeq,
      String productVersion,
      String takeoverRequest,
      String handoverTo,
      long sentAtNanos,
      long echoNanos,
      long echoHoldNanos) {
    this(
        domain,
        server,
        bootId,
        seq,
        state,
        term,
        activeSinceMillis,
        health,
        runtimeReady,
        domainVersion,
        mirrorSeq,
        productVersion,
        takeoverRequest,
        handoverTo,
        sentAtNanos,
        echoNanos,
        echoHoldNanos,
        "",
        false,
        0);
  }

  /** Whether this heartbeat needs the format that carries the witness's fields. */
  boolean carriesQuorum() {
    return state == ServerState.WITNESS || !leaseHolder.isEmpty() || leaseRequest;
  }
}
