package io.hotstandby.runtime.project;

/** An alarm as the project declares it, on one tag. */
public sealed interface AlarmSpec permits AlarmSpec.Analog, AlarmSpec.Digital {

  /** The alarm's unique name. */
  String name();

  /** The path of the tag it watches. */
  String tag();

  /** OPC UA severity, 1..1000. */
  int severity();

  /** The text operators see. */
  String message();

  /**
   * Limits on a numeric tag; any limit may be null (not used). An active limit clears only when the
   * value is back inside it by more than the deadband.
   */
  record Analog(
      String name,
      String tag,
      Double loLo,
      Double lo,
      Double hi,
      Double hiHi,
      double deadband,
      int severity,
      String message)
      implements AlarmSpec {}

  /** Active while a boolean tag equals {@code activeWhen}. */
  record Digital(String name, String tag, boolean activeWhen, int severity, String message)
      implements AlarmSpec {}
}
