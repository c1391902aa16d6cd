package io.hotstandby.server.opcua.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.junit.jupiter.api.Test;

class AlarmIdentityTest {
  private static final Instant CHANGED = Instant.parse("2025-04-01T08:05:00.250Z");
  private static final Instant ACKED = Instant.parse("2025-04-01T08:06:30.500Z");

  private static AlarmView state(
      boolean active, boolean acked, String limit, Instant change, Instant ack) {
    return new AlarmView(
        "Tank1High",
        "Tank1.Level",
        active,
        acked,
        700,
        "high",
        limit,
        change,
        change,
        "op",
        "c",
        ack);
  }

  @Test
  void equalStatesHaveEqualEventIdsOfSixteenBytes() {
    ByteString a = AlarmIdentity.eventId(state(true, false, "HI", CHANGED, null));
    ByteString b = AlarmIdentity.eventId(state(true, false, "HI", CHANGED, null));
    assertThat(a).isEqualTo(b);
    assertThat(a.length()).isEqualTo(AlarmIdentity.EVENT_ID_BYTES);
  }

  @Test
  void everyTransitionGivesANewEventId() {
    List<AlarmView> states =
        List.of(
            state(false, true, "", CHANGED.minusSeconds(60), null),
            state(true, false, "HI", CHANGED, null),
            state(true, false, "HIHI", CHANGED.plusSeconds(5), null),
            state(true, true, "HIHI", CHANGED.plusSeconds(5), ACKED),
            state(false, true, "", CHANGED.plusSeconds(200), ACKED),
            new AlarmView(
                "Tank2High",
                "Tank1.Level",
                false,
                true,
                700,
                "high",
                "",
                CHANGED.minusSeconds(60),
                CHANGED.minusSeconds(60),
                "op",
                "c",
                null));
    assertThat(states.stream().map(AlarmIdentity::eventId).distinct()).hasSize(states.size());
  }

  @Test
  void onlyTheStateCountsNotItsConfigurationNorTimesFinerThanAMillisecond() {
    AlarmView s = state(true, false, "HI", CHANGED, null);
    AlarmView otherText =
        new AlarmView(
            "Tank1High",
            "Other.Tag",
            true,
            false,
            900,
            "reworded",
            "HI",
            CHANGED,
            CHANGED,
            "someone",
            "else",
            null);
    AlarmView copiedToMillis = state(true, false, "HI", CHANGED.plusNanos(999_999), null);
    assertThat(AlarmIdentity.eventId(otherText)).isEqualTo(AlarmIdentity.eventId(s));
    assertThat(AlarmIdentity.eventId(copiedToMillis)).isEqualTo(AlarmIdentity.eventId(s));
  }

  @Test
  void theTimeOfAStateIsItsLatestChange() {
    assertThat(AlarmIdentity.time(state(true, false, "HI", CHANGED, null))).isEqualTo(CHANGED);
    assertThat(AlarmIdentity.time(state(true, true, "HI", CHANGED, ACKED))).isEqualTo(ACKED);
    assertThat(AlarmIdentity.time(new AlarmView("A", "T", false, true, 1, "", ""))).isNull();
  }
}
