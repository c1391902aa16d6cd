package io.hotstandby.runtime;

/**
 * The outcome of an operator's write.
 *
 * @param ok whether the value was written (to memory, or accepted by the device)
 * @param status a one-line description: {@code written}, or why not ({@code refused: ...} when the
 *     runtime did not try, {@code failed: ...} when the device or driver did not take it)
 */
public record WriteResult(boolean ok, String status) {

  /** The write succeeded. */
  public static WriteResult written() {
    return new WriteResult(true, "written");
  }

  /** The runtime refused the write: {@code "refused: " + reason}. */
  public static WriteResult refused(String reason) {
    return new WriteResult(false, "refused: " + reason);
  }

  /** The write was tried and failed: {@code "failed: " + reason}. */
  public static WriteResult failed(String reason) {
    return new WriteResult(false, "failed: " + reason);
  }
}
