package io.hotstandby.runtime.alarms;

/**
 * Told about every change of an alarm's state. Called outside the engine's lock, one change at a
 * time in the order they happened; must not block.
 */
@FunctionalInterface
public interface AlarmListener {

  /** The alarm {@code state.name()} is now in {@code state}. */
  void changed(AlarmState state);
}
