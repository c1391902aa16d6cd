package io.hotstandby.rec;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What the local server announces in its heartbeats; set on the link with {@link
 * RecLink#setStatus}. Strings are never null: "" means none.
 *
 * @param state the local state
 * @param term the term of the local server's last activation
 * @param activeSinceMillis wall-clock time it became ACTIVE, 0 when not active
 * @param health failure weight, 0 is healthy
 * @param runtimeReady whether the runtime is loaded and could run
 * @param domainVersion version of the domain file in use
 * @param mirrorSeq last mirror sequence published (active) or applied (standby)
 * @param productVersion the product version
 * @param takeoverRequest name of the active asked to hand over, "" for none
 * @param handoverTo name of the standby the role was released to, "" for none
 * @param leaseHolder a witness's: the server holding its lease on the active role, "" for none
 * @param leaseRequest a standby's: it lost the active and asks the witness for the lease
 * @param leaseEchoNanos a witness's: the holder's send time of the heartbeat that last renewed it
 */
public record LocalStatus(
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
    String leaseHolder,
    boolean leaseRequest,
    long leaseEchoNanos) {

  /**
   * Null strings become "".
   *
   * @throws IllegalArgumentException if a string is longer than the wire format allows
   */
  public LocalStatus {
    Objects.requireNonNull(state, "state");
    productVersion = checked("productVersion", productVersion);
    takeoverRequest = checked("takeoverRequest", takeoverRequest);
    handoverTo = checked("handoverTo", handoverTo);
    leaseHolder = checked("leaseHolder", leaseHolder);
  }

  /** A status without the witness's fields. */
  public LocalStatus(
      ServerState state,
      long term,
      long activeSinceMillis,
      int health,
      boolean runtimeReady,
      long domainVersion,
      long mirrorSeq,
      String productVersion,
      String takeoverRequest,
      String handoverTo) {
    this(
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
        "",
        false,
        0);
  }

  private static String checked(String field, String value) {
    String s = value == null ? "" : value;
    int bytes = s.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > HeartbeatCodec.MAX_STRING_BYTES) {
      throw new IllegalArgumentException(
          field + " is " + bytes + " bytes of UTF-8, max " + HeartbeatCodec.MAX_STRING_BYTES);
    }
    return s;
  }

  /** The status of a server that has just started: STARTING, term 0, nothing claimed. */
  public static LocalStatus starting(String productVersion) {
    return new LocalStatus(ServerState.STARTING, 0, 0, 0, false, 0, 0, productVersion, "", "");
  }

  /** The status a heartbeat announces. */
  public static LocalStatus of(Heartbeat hb) {
    return new LocalStatus(
        hb.state(),
        hb.term(),
        hb.activeSinceMillis(),
        hb.health(),
        hb.runtimeReady(),
        hb.domainVersion(),
        hb.mirrorSeq(),
        hb.productVersion(),
        hb.takeoverRequest(),
        hb.handoverTo(),
        hb.leaseHolder(),
        hb.leaseRequest(),
        hb.leaseEchoNanos());
  }

  /** A heartbeat announcing this status, with the link's envelope fields. */
  public Heartbeat toHeartbeat(
      String domain,
      String server,
      long bootId,
      long seq,
      long sentAtNanos,
      long echoNanos,
      long echoHoldNanos) {
    return new Heartbeat(
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
        leaseHolder,
        leaseRequest,
        leaseEchoNanos);
  }
}
