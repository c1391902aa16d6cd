package io.hotstandby.rec;

/**
 * A datagram that is not a valid heartbeat of this domain: bad magic, unsupported version,
 * truncated, bad MAC, wrong domain... The message is a one-line reason, fit for a log line.
 */
public final class MalformedHeartbeatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean wrongKey;

  public MalformedHeartbeatException(String reason) {
    this(reason, false);
  }

  MalformedHeartbeatException(String reason, boolean wrongKey) {
    super(reason);
    this.wrongKey = wrongKey;
  }

  /**
   * Whether the datagram is a well-formed heartbeat (magic, version and length right) whose MAC
   * fails under every accepted key: a sender of this protocol under another secret, or forged.
   */
  public boolean wrongKey() {
    return wrongKey;
  }
}
