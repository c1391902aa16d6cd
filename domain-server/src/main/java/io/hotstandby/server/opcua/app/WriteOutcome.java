package io.hotstandby.server.opcua.app;

/**
 * The outcome of an operator's write or acknowledgement.
 *
 * @param ok whether it was taken
 * @param status one line for operators and the audit log: {@code written} / {@code acknowledged},
 *     or why not, by the runtime's convention {@code refused: <reason>} when it did not try (e.g.
 *     {@code refused: this server is not ACTIVE}) and {@code failed: <reason>} when the device or
 *     driver did not take it. OPC UA clients of a write get a status code chosen from this text
 *     (see {@link ApplicationNamespace}).
 */
public record WriteOutcome(boolean ok, String status) {

  public WriteOutcome {
    status = status == null ? "" : status;
  }

  /** A write that was taken. */
  public static WriteOutcome written() {
    return new WriteOutcome(true, "written");
  }

  /** A write or acknowledgement the runtime did not try: {@code "refused: " + reason}. */
  public static WriteOutcome refused(String reason) {
    return new WriteOutcome(false, "refused: " + reason);
  }

  /** A write that was tried and failed: {@code "failed: " + reason}. */
  public static WriteOutcome failed(String reason) {
    return new WriteOutcome(false, "failed: " + reason);
  }
}
