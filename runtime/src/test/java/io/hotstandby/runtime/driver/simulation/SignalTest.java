package io.hotstandby.runtime.driver.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SignalTest {
  private static final Duration PERIOD = Duration.ofSeconds(8);

  private static Duration ms(long ms) {
    return Duration.ofMillis(ms);
  }

  @Test
  void sine() {
    Signal s = Signals.parse("sine:period=8s,amplitude=2,offset=10", new SplittableRandom(1));
    assertThat(s.next(ms(0))).isCloseTo(10, within(1e-9));
    assertThat(s.next(ms(2000))).isCloseTo(12, within(1e-9));
    assertThat(s.next(ms(4000))).isCloseTo(10, within(1e-9));
    assertThat(s.next(ms(6000))).isCloseTo(8, within(1e-9));
    assertThat(s.next(ms(10000))).isCloseTo(12, within(1e-9));
    assertThat(s.asBoolean(11)).isTrue();
    assertThat(s.asBoolean(9)).isFalse();
  }

  @Test
  void rampIsASawtoothFromMinToMax() {
    Signal s = new Signal.Ramp(PERIOD, 0, 100);
    assertThat(s.next(ms(0))).isEqualTo(0);
    assertThat(s.next(ms(2000))).isCloseTo(25, within(1e-9));
    assertThat(s.next(ms(6000))).isCloseTo(75, within(1e-9));
    assertThat(s.next(ms(8000))).isCloseTo(0, within(1e-9));
    assertThat(s.next(ms(12000))).isCloseTo(50, within(1e-9));
  }

  @Test
  void squareIsMaxForTheFirstHalfOfEachPeriodThenMin() {
    Signal s = Signals.parse("square:period=8s,min=-1,max=5", new SplittableRandom(1));
    assertThat(s.next(ms(0))).isEqualTo(5);
    assertThat(s.next(ms(3999))).isEqualTo(5);
    assertThat(s.next(ms(4000))).isEqualTo(-1);
    assertThat(s.next(ms(7999))).isEqualTo(-1);
    assertThat(s.next(ms(8000))).isEqualTo(5);
    assertThat(s.asBoolean(5)).isTrue();
    assertThat(s.asBoolean(-1)).isFalse();
  }

  @Test
  void randomStaysInItsRange() {
    Signal s = Signals.parse("random:min=1,max=1.2", new SplittableRandom(42));
    for (int i = 0; i < 1000; i++) {
      assertThat(s.next(ms(i))).isBetween(1.0, 1.2).isNotEqualTo(1.2);
    }
  }

  @Test
  void counterAddsAStepEverySampleAndWrapsPastMax() {
    Signal s = Signals.parse("counter:step=2,min=1,max=6", new SplittableRandom(1));
    double[] values = new double[6];
    boolean[] booleans = new boolean[6];
    for (int i = 0; i < values.length; i++) {
      values[i] = s.next(ms(0));
      booleans[i] = s.asBoolean(values[i]);
    }
    assertThat(values).containsExactly(1, 3, 5, 1, 3, 5);
    assertThat(booleans).containsExactly(false, true, false, true, false, true);
  }

  @Test
  void counterWithoutMaxNeverWraps() {
    Signal s = Signals.parse("counter", new SplittableRandom(1));
    double last = 0;
    for (int i = 0; i < 100; i++) {
      last = s.next(ms(i));
    }
    assertThat(last).isEqualTo(99);
  }

  @Test
  void badAddressOrPeriodIsRefused() {
    assertThatThrownBy(() -> Signals.parse("sin:period=1s", new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Signal.Ramp(Duration.ZERO, 0, 1))
        .hasMessageContaining("period must be positive");
  }
}
