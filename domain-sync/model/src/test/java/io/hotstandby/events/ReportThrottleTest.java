package io.hotstandby.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReportThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final ReportThrottle throttle = new ReportThrottle(Duration.ofSeconds(60), now::get);

  @Test
  void theSameReportPassesOncePerIntervalAndSaysHowManyWereHeldBack() {
    assertThat(throttle.admit("bad magic")).isZero();
    assertThat(throttle.admit("bad magic")).isEqualTo(ReportThrottle.HELD);
    assertThat(throttle.admit("bad magic")).isEqualTo(ReportThrottle.HELD);

    now.addAndGet(Duration.ofSeconds(60).toNanos());

    assertThat(throttle.admit("bad magic")).isEqualTo(2);
  }

  @Test
  void aReportAboutAnotherSubjectPassesAtOnce() {
    assertThat(throttle.admit("bad magic")).isZero();
    assertThat(throttle.admit("truncated")).isZero();
    assertThat(throttle.admit("truncated")).isEqualTo(ReportThrottle.HELD);
  }
}
