package io.hotstandby.runtime.alarms;

import static io.hotstandby.runtime.testutil.Specs.analog;
import static io.hotstandby.runtime.testutil.Specs.digital;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagValue;
import io.hotstandby.runtime.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlarmEngineTest {
  private final MutableClock clock = new MutableClock();
  private final AlarmEngine engine =
      new AlarmEngine(
          List.of(
              analog("Level", "Tank.Level", 0.2, 0.5, 4.0, 4.5, 0.1),
              digital("Fault", "Pump.Fault", true)),
          clock);
  private final List<AlarmState> changes = new ArrayList<>();

  @BeforeEach
  void listen() {
    engine.addListener(changes::add);
    engine.enable(path -> null);
  }

  private void tag(String path, Object value) {
    tag(path, value, Quality.GOOD);
  }

  private void tag(String path, Object value, Quality quality) {
    engine.changed(path, new TagValue(value, quality, clock.instant(), clock.instant()));
  }

  private AlarmState state(String name) {
    return engine.state(name).orElseThrow();
  }

  @Test
  void startsInactiveAndAcknowledged() {
    assertThat(engine.snapshot())
        .extracting(AlarmState::name, AlarmState::active, AlarmState::acknowledged)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Level", false, true),
            org.assertj.core.groups.Tuple.tuple("Fault", false, true));
    assertThat(engine.snapshot()).noneMatch(AlarmState::visible);
    assertThat(changes).isEmpty();
  }

  @Test
  void analogAlarmReportsTheActiveLimitAndIsUnacknowledged() {
    clock.advance(Duration.ofSeconds(1));
    tag("Tank.Level", 4.2);
    AlarmState s = state("Level");
    assertThat(s.active()).isTrue();
    assertThat(s.acknowledged()).isFalse();
    assertThat(s.level()).isEqualTo(AlarmLevel.HI);
    assertThat(s.value()).isEqualTo(4.2);
    assertThat(s.activeTime()).isEqualTo(clock.instant());
    assertThat(s.severity()).isEqualTo(500);
    assertThat(s.message()).isEqualTo("Level message");
    tag("Tank.Level", 4.3); // same level: no new state
    assertThat(changes).hasSize(1);
  }

  @Test
  void hysteresisKeepsTheAlarmUntilBackInsideByTheDeadband() {
    tag("Tank.Level", 4.0);
    tag("Tank.Level", 3.95);
    assertThat(state("Level").active()).isTrue();
    tag("Tank.Level", 3.85);
    assertThat(state("Level").active()).isFalse();
    assertThat(state("Level").level()).isNull();
    assertThat(changes).extracting(AlarmState::active).containsExactly(true, false);
  }

  @Test
  void clearedWhileUnackedStaysVisibleUntilAcknowledged() {
    tag("Tank.Level", 4.2);
    tag("Tank.Level", 2.0);
    AlarmState s = state("Level");
    assertThat(s.active()).isFalse();
    assertThat(s.acknowledged()).isFalse();
    assertThat(s.visible()).isTrue();

    clock.advance(Duration.ofSeconds(3));
    assertThat(engine.acknowledge("Level", "ann", "seen")).isEqualTo(AckResult.ACKNOWLEDGED);
    s = state("Level");
    assertThat(s.visible()).isFalse();
    assertThat(s.ackUser()).isEqualTo("ann");
    assertThat(s.ackComment()).isEqualTo("seen");
    assertThat(s.ackTime()).isEqualTo(clock.instant());
    assertThat(changes).hasSize(3);
  }

  @Test
  void acknowledgedActiveAlarmStaysActiveAndANewActivationNeedsAnotherAck() {
    tag("Tank.Level", 4.2);
    assertThat(engine.acknowledge("Level", "ann", "")).isEqualTo(AckResult.ACKNOWLEDGED);
    assertThat(engine.acknowledge("Level", "bob", "")).isEqualTo(AckResult.ALREADY_ACKNOWLEDGED);
    assertThat(state("Level"))
        .extracting(AlarmState::active, AlarmState::acknowledged, AlarmState::visible)
        .containsExactly(true, true, true);
    tag("Tank.Level", 2.0);
    assertThat(state("Level").visible()).isFalse();
    tag("Tank.Level", 0.4);
    assertThat(state("Level"))
        .extracting(AlarmState::level, AlarmState::acknowledged)
        .containsExactly(AlarmLevel.LO, false);
  }

  @Test
  void escalationNeedsANewAckButDeescalationDoesNot() {
    tag("Tank.Level", 4.2);
    engine.acknowledge("Level", "ann", "");
    tag("Tank.Level", 4.6);
    assertThat(state("Level"))
        .extracting(AlarmState::level, AlarmState::acknowledged)
        .containsExactly(AlarmLevel.HIHI, false);
    engine.acknowledge("Level", "ann", "");
    tag("Tank.Level", 4.2);
    assertThat(state("Level"))
        .extracting(AlarmState::level, AlarmState::acknowledged)
        .containsExactly(AlarmLevel.HI, true);
  }

  @Test
  void badQualityChangesNothing() {
    tag("Tank.Level", 4.2);
    tag("Tank.Level", 2.0, Quality.BAD);
    tag("Tank.Level", null, Quality.BAD);
    assertThat(state("Level").active()).isTrue();
    tag("Pump.Fault", true, Quality.BAD);
    assertThat(state("Fault").active()).isFalse();
    tag("Tank.Level", 2.0, Quality.UNCERTAIN);
    assertThat(state("Level").active()).isFalse();
  }

  @Test
  void digitalAlarmFollowsItsTag() {
    tag("Pump.Fault", true);
    assertThat(state("Fault"))
        .extracting(AlarmState::active, AlarmState::acknowledged, AlarmState::level)
        .containsExactly(true, false, null);
    tag("Pump.Fault", false);
    assertThat(state("Fault").active()).isFalse();
  }

  @Test
  void digitalAlarmActiveWhenFalse() {
    AlarmEngine e = new AlarmEngine(List.of(digital("Off", "Run", false)), clock);
    e.enable(path -> new TagValue(false, Quality.GOOD, Instant.EPOCH, Instant.EPOCH));
    assertThat(e.state("Off").orElseThrow().active()).isTrue();
  }

  @Test
  void nothingIsEvaluatedWhileDisabledAndEnablingEvaluatesCurrentValues() {
    engine.disable();
    tag("Tank.Level", 4.2);
    assertThat(state("Level").active()).isFalse();
    Map<String, TagValue> current =
        Map.of("Tank.Level", new TagValue(0.1, Quality.GOOD, Instant.EPOCH, Instant.EPOCH));
    engine.enable(current::get);
    assertThat(state("Level").level()).isEqualTo(AlarmLevel.LOLO);
    engine.disable();
    tag("Tank.Level", 2.0);
    assertThat(state("Level").active()).as("states are kept while disabled").isTrue();
  }

  @Test
  void unknownAlarmCannotBeAcknowledged() {
    assertThat(engine.acknowledge("nope", "ann", "")).isEqualTo(AckResult.UNKNOWN_ALARM);
    assertThat(engine.acknowledge("Fault", "ann", "")).isEqualTo(AckResult.ALREADY_ACKNOWLEDGED);
  }

  @Test
  void valueThatIsNotANumberChangesNothing() {
    tag("Tank.Level", "high");
    assertThat(changes).isEmpty();
  }
}
