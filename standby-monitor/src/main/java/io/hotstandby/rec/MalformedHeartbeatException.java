package io.hotstandby.rec;

/**
 * A datagram that is not a valid heartbeat of this domain: bad magic, unsupported version,
 * truncated, bad MAC, wrong domain... The message is a one-line reason, fit for a log line.
 */
public final class MalformedHeartbeatException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedHeartbeatException(String reason) {
    super(reason);
  }
}
