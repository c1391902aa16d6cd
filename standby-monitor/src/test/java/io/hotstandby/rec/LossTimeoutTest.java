package io.hotstandby.rec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LossTimeoutTest {
  static final long MS = 1_000_000;
  static final long S = 1000 * MS;
  static final long START = 5 * S;
  static final long WARM = START + LossTimeout.WARMUP_NANOS;

  final LossTimeout t = new LossTimeout(500 * MS, 2000 * MS, START);

  @Test
  void duringTheFirstMinuteOfTheLinkTheTimeoutIsTheCeiling() {
    assertThat(t.nanos(START)).isEqualTo(2000 * MS);
    assertThat(t.nanos(WARM - 1)).isEqualTo(2000 * MS);
    assertThat(t.nanos(WARM)).isEqualTo(500 * MS);
  }

  @Test
  void aNewBootOfThePeerStartsAnotherWarmUp() {
    long at = WARM + 30 * S;
    assertThat(t.nanos(at)).isEqualTo(500 * MS);
    t.booted(at);
    assertThat(t.nanos(at + 59 * S)).isEqualTo(2000 * MS);
    assertThat(t.nanos(at + 60 * S)).isEqualTo(500 * MS);
  }

  @Test
  void punctualHeartbeatsKeepTheFloor() {
    for (long now = WARM; now < WARM + 120 * S; now += 100 * MS) {
      t.gap(100 * MS + (now / MS) % 40 * MS, now);
    }
    assertThat(t.nanos(WARM + 120 * S)).isEqualTo(500 * MS);
  }

  @Test
  void aLateHeartbeatDoublesIntoTheTimeoutForAMinute() {
    long at = WARM + 5 * S;
    t.gap(400 * MS, at);
    assertThat(t.nanos(at)).isEqualTo(800 * MS);
    t.gap(100 * MS, at + 20 * S);
    assertThat(t.nanos(at + 40 * S)).as("still within the minute").isEqualTo(800 * MS);
    // The slot of the late gap (ten seconds wide) leaves the window 50 to 60 s later.
    assertThat(t.nanos(at + 61 * S)).isEqualTo(500 * MS);
  }

  @Test
  void theTimeoutNeverExceedsTheCeiling() {
    t.gap(5 * S, WARM);
    assertThat(t.nanos(WARM)).isEqualTo(2000 * MS);
  }

  @Test
  void aCeilingEqualToTheFloorFixesTheTimeout() {
    LossTimeout fixed = new LossTimeout(500 * MS, 500 * MS, START);
    fixed.gap(900 * MS, START + S);
    assertThat(fixed.nanos(START)).isEqualTo(500 * MS);
    assertThat(fixed.nanos(START + S)).isEqualTo(500 * MS);
  }

  @Test
  void worksAcrossNegativeClockValues() {
    long start = -7 * S;
    LossTimeout n = new LossTimeout(500 * MS, 2000 * MS, start);
    long warm = start + LossTimeout.WARMUP_NANOS;
    n.gap(300 * MS, warm + S);
    assertThat(n.nanos(warm + S)).isEqualTo(600 * MS);
    assertThat(n.nanos(warm + 80 * S)).isEqualTo(500 * MS);
  }

  @Test
  void aCeilingBelowTheFloorIsRefused() {
    assertThatThrownBy(() -> new LossTimeout(500 * MS, 400 * MS, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
