package io.hotstandby.runtime.alarms;

import io.hotstandby.runtime.project.AlarmSpec;

/**
 * The level logic of an analog alarm: which limit a value is beyond, with hysteresis. A limit is
 * reached when the value is at or beyond it; once reached, it holds until the value is back inside
 * it by more than the deadband. Unused (null) limits are never reached. Pure and immutable.
 */
public final class AnalogLimits {
  private final Double loLo;
  private final Double lo;
  private final Double hi;
  private final Double hiHi;
  private final double deadband;

  /** The limits of {@code spec}. */
  public AnalogLimits(AlarmSpec.Analog spec) {
    this(spec.loLo(), spec.lo(), spec.hi(), spec.hiHi(), spec.deadband());
  }

  /** Limits given one by one; any may be null. */
  public AnalogLimits(Double loLo, Double lo, Double hi, Double hiHi, double deadband) {
    this.loLo = loLo;
    this.lo = lo;
    this.hi = hi;
    this.hiHi = hiHi;
    this.deadband = Math.max(0, deadband);
  }

  /**
   * The level for {@code value} when the alarm is at {@code current} now (null: no limit reached).
   * A NaN value reaches nothing and keeps nothing.
   */
  public AlarmLevel level(AlarmLevel current, double value) {
    AlarmLevel reached = reached(value);
    AlarmLevel held = current == null ? null : held(current, value);
    if (held == null) {
      return reached;
    }
    return reached != null && reached.worseThan(held) ? reached : held;
  }

  private AlarmLevel reached(double value) {
    if (beyond(hiHi, value, 1, 0)) {
      return AlarmLevel.HIHI;
    }
    if (beyond(loLo, value, -1, 0)) {
      return AlarmLevel.LOLO;
    }
    if (beyond(hi, value, 1, 0)) {
      return AlarmLevel.HI;
    }
    if (beyond(lo, value, -1, 0)) {
      return AlarmLevel.LO;
    }
    return null;
  }

  /** The most severe level on {@code current}'s side, no worse than it, that still holds. */
  private AlarmLevel held(AlarmLevel current, double value) {
    if (current.side() > 0) {
      if (current == AlarmLevel.HIHI && beyond(hiHi, value, 1, deadband)) {
        return AlarmLevel.HIHI;
      }
      return beyond(hi, value, 1, deadband) ? AlarmLevel.HI : null;
    }
    if (current == AlarmLevel.LOLO && beyond(loLo, value, -1, deadband)) {
      return AlarmLevel.LOLO;
    }
    return beyond(lo, value, -1, deadband) ? AlarmLevel.LO : null;
  }

  /**
   * Whether {@code value} is at or beyond {@code limit} on {@code side}, less {@code margin} (the
   * hysteresis).
   */
  private static boolean beyond(Double limit, double value, int side, double margin) {
    if (limit == null) {
      return false;
    }
    return side > 0 ? value >= limit - margin : value <= limit + margin;
  }
}
