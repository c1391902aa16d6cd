package io.hotstandby.runtime.alarms;

import static io.hotstandby.runtime.alarms.AlarmLevel.HI;
import static io.hotstandby.runtime.alarms.AlarmLevel.HIHI;
import static io.hotstandby.runtime.alarms.AlarmLevel.LO;
import static io.hotstandby.runtime.alarms.AlarmLevel.LOLO;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalogLimitsTest {
  private final AnalogLimits limits = new AnalogLimits(0.2, 0.5, 4.0, 4.5, 0.1);

  /** The level after each value in turn, starting with no alarm. */
  private List<AlarmLevel> walk(AnalogLimits l, double... values) {
    List<AlarmLevel> levels = new ArrayList<>();
    AlarmLevel current = null;
    for (double v : values) {
      current = l.level(current, v);
      levels.add(current);
    }
    return levels;
  }

  @Test
  void reachesEachLimitAtOrBeyondIt() {
    assertThat(limits.level(null, 2.0)).isNull();
    assertThat(limits.level(null, 4.0)).isEqualTo(HI);
    assertThat(limits.level(null, 4.5)).isEqualTo(HIHI);
    assertThat(limits.level(null, 99)).isEqualTo(HIHI);
    assertThat(limits.level(null, 0.5)).isEqualTo(LO);
    assertThat(limits.level(null, 0.2)).isEqualTo(LOLO);
    assertThat(limits.level(null, -99)).isEqualTo(LOLO);
  }

  @Test
  void aLimitClearsOnlyWhenBackInsideByMoreThanTheDeadband() {
    assertThat(walk(limits, 4.0, 3.95, 3.91, 3.89)).containsExactly(HI, HI, HI, null);
    assertThat(walk(limits, 0.5, 0.55, 0.59, 0.61)).containsExactly(LO, LO, LO, null);
  }

  @Test
  void fromHiHiDownThroughHiWithHysteresisAtBoth() {
    assertThat(walk(limits, 4.6, 4.41, 4.39, 4.2, 4.5, 3.95, 3.8))
        .containsExactly(HIHI, HIHI, HI, HI, HIHI, HI, null);
  }

  @Test
  void fromLoLoUpThroughLo() {
    assertThat(walk(limits, 0.1, 0.29, 0.31, 0.59, 0.61)).containsExactly(LOLO, LOLO, LO, LO, null);
  }

  @Test
  void aJumpAcrossTheRangeTakesTheOtherSide() {
    assertThat(walk(limits, 4.6, 0.1, 2.0)).containsExactly(HIHI, LOLO, null);
  }

  @Test
  void unusedLimitsAreNeverReached() {
    AnalogLimits hiOnly = new AnalogLimits(null, null, 24.0, null, 0.2);
    assertThat(walk(hiOnly, -1000, 24, 1000, 23.9, 23.7)).containsExactly(null, HI, HI, HI, null);
  }

  @Test
  void nanReachesNothing() {
    assertThat(limits.level(null, Double.NaN)).isNull();
    assertThat(limits.level(HI, Double.NaN)).isNull();
  }
}
