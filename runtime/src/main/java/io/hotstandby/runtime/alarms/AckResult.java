package io.hotstandby.runtime.alarms;

/** The outcome of an acknowledgement. */
public enum AckResult {
  /** The alarm was unacknowledged and now is acknowledged. */
  ACKNOWLEDGED("acknowledged"),
  /** No alarm has that name. */
  UNKNOWN_ALARM("refused: unknown alarm"),
  /** The alarm had nothing to acknowledge. */
  ALREADY_ACKNOWLEDGED("refused: already acknowledged"),
  /** Acknowledgements are taken only by the active server. */
  NOT_ACTIVE("refused: this server is not ACTIVE");

  private final String text;

  AckResult(String text) {
    this.text = text;
  }

  /** Whether the acknowledgement was taken. */
  public boolean ok() {
    return this == ACKNOWLEDGED;
  }

  /** A one-line description for operators and the audit log. */
  public String text() {
    return text;
  }
}
