package io.hotstandby.rec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The punctuality figures of a REC link: which side was late, and by how much. */
class RecTimingTest {
  static final long MS = 1_000_000;

  @SuppressWarnings("unchecked")
  static Map<String, Object> peer(RecTiming t, String name, String which) {
    return (Map<String, Object>)
        ((Map<String, Object>) ((Map<String, Object>) t.toMap().get("peers")).get(name)).get(which);
  }

  @Test
  void aStarvedSenderShowsInItsSendingGapsAndASlowPathOnlyInTheArrivals() {
    RecTiming t = new RecTiming(100);
    t.arrived("beta", 1, 1, 0, 1_000 * MS);
    // On time: sent 100 ms apart, arrived 100 ms apart.
    t.arrived("beta", 1, 2, 100 * MS, 1_100 * MS);
    // The sender ran 400 ms late: both gaps show it.
    t.arrived("beta", 1, 3, 600 * MS, 1_600 * MS);
    // Sent on time, arrived 200 ms late (network, or this side's receiving).
    t.arrived("beta", 1, 4, 700 * MS, 1_900 * MS);
    // The same round on the second path counts once.
    t.arrived("beta", 1, 4, 700 * MS, 1_901 * MS);

    Map<String, Object> sent = peer(t, "beta", "sentLate");
    Map<String, Object> arrived = peer(t, "beta", "arrivedLate");
    assertThat(sent).containsEntry("count", 3L).containsEntry("maxMs", 400L);
    assertThat(sent).containsEntry("le10", 2L).containsEntry("le500", 1L);
    assertThat(arrived).containsEntry("count", 3L).containsEntry("maxMs", 400L);
    assertThat(arrived).containsEntry("le250", 1L).containsEntry("le500", 1L);
  }

  @Test
  void lostRoundsAndANewBootAreNoGap() {
    RecTiming t = new RecTiming(100);
    t.arrived("beta", 1, 1, 0, 0);
    t.arrived("beta", 1, 5, 400 * MS, 400 * MS); // rounds 2-4 lost
    t.arrived("beta", 2, 1, 0, 900 * MS); // restarted
    assertThat(peer(t, "beta", "arrivedLate")).containsEntry("count", 0L);
  }

  @Test
  void lateTicksOfThisServerAreCountedByHowLate() {
    RecTiming t = new RecTiming(100);
    t.tick(0);
    t.tick(30 * MS);
    t.tick(1_200 * MS);
    @SuppressWarnings("unchecked")
    Map<String, Object> late = (Map<String, Object>) t.toMap().get("tickLate");
    assertThat(late)
        .containsEntry("count", 3L)
        .containsEntry("le10", 1L)
        .containsEntry("le50", 1L)
        .containsEntry("over1000", 1L)
        .containsEntry("maxMs", 1200L);
  }
}
