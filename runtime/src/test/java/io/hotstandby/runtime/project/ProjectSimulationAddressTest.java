package io.hotstandby.runtime.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.runtime.project.SimulationAddress.Signal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProjectSimulationAddressTest {
  static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void signalAloneTakesTheDefaults() {
    assertThat(SimulationAddress.parse("sine"))
        .isEqualTo(new SimulationAddress(Signal.SINE, Duration.ofSeconds(10), 1, 0, 0, 1, 1));
    assertThat(SimulationAddress.parse("counter"))
        .isEqualTo(new SimulationAddress(Signal.COUNTER, Duration.ofSeconds(10), 1, 0, 0, INF, 1));
  }

  @Test
  void everySignalWithItsParameters() {
    assertThat(SimulationAddress.parse("sine:period=10s,amplitude=2,offset=-1.5"))
        .isEqualTo(new SimulationAddress(Signal.SINE, Duration.ofSeconds(10), 2, -1.5, 0, 1, 1));
    assertThat(SimulationAddress.parse("square:period=500ms,min=-1,max=1"))
        .isEqualTo(new SimulationAddress(Signal.SQUARE, Duration.ofMillis(500), 1, 0, -1, 1, 1));
    assertThat(SimulationAddress.parse("ramp:period=2min,min=0,max=100"))
        .isEqualTo(new SimulationAddress(Signal.RAMP, Duration.ofMinutes(2), 1, 0, 0, 100, 1));
    assertThat(SimulationAddress.parse("random:min=1.0,max=1.2"))
        .isEqualTo(new SimulationAddress(Signal.RANDOM, Duration.ofSeconds(10), 1, 0, 1.0, 1.2, 1));
    assertThat(SimulationAddress.parse("counter:step=5,min=10,max=1e3"))
        .isEqualTo(
            new SimulationAddress(Signal.COUNTER, Duration.ofSeconds(10), 1, 0, 10, 1000, 5));
  }

  @Test
  void spacesAroundSeparatorsAndOrderDoNotMatter() {
    assertThat(SimulationAddress.parse(" sine : offset = 3 , period = 1.5s "))
        .isEqualTo(new SimulationAddress(Signal.SINE, Duration.ofMillis(1500), 1, 3, 0, 1, 1));
  }

  @ParameterizedTest(name = "''{0}'': {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "\"\"                          | empty simulation address",
        "\"  \"                        | empty simulation address",
        "Sine                          | unknown signal 'Sine' (allowed: counter, ramp, random, sine, square)",
        "triangle:period=1s            | unknown signal 'triangle' (allowed: counter, ramp, random, sine, square)",
        "sine:                         | empty parameter: write key=value, separated by ','",
        "sine:period=1s,               | empty parameter: write key=value, separated by ','",
        "sine:period                   | 'period' is not key=value",
        "sine:perod=1s                 | sine takes no 'perod' (allowed: amplitude, offset, period)",
        "random:period=1s              | random takes no 'period' (allowed: max, min)",
        "counter:amplitude=1           | counter takes no 'amplitude' (allowed: max, min, step)",
        "sine:period=1s,period=2s      | duplicate key 'period'",
        "sine:amplitude=               | amplitude: no value",
        "sine:amplitude=big            | amplitude: not a number: 'big'",
        "sine:amplitude=-1             | amplitude must be >= 0, not -1",
        "sine:offset=0x10              | offset: not a number: '0x10'",
        "sine:period=10                | period: '10' needs a unit (ms, s, min, h)",
        "sine:period=10sec             | period: not a duration: '10sec' (e.g. 500ms, 10s, 2min, 1h)",
        "sine:period=-1s               | period: not a duration: '-1s' (e.g. 500ms, 10s, 2min, 1h)",
        "sine:period=0ms               | period: 0ms is outside 1ms..24h",
        "sine:period=25h               | period: 25h is outside 1ms..24h",
        "ramp:min=5,max=5              | min 5 must be below max 5",
        "random:min=2                  | min 2 must be below max 1",
        "counter:step=0                | step must be > 0, not 0",
      })
  void rejectsWithAReason(String text, String reason) {
    assertThatThrownBy(() -> SimulationAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(reason);
  }

  @Test
  void eachSignalListsItsKeys() {
    assertThat(Signal.SINE.keys()).containsExactlyInAnyOrder("period", "amplitude", "offset");
    assertThat(Signal.COUNTER.label()).isEqualTo("counter");
  }
}
