package io.hotstandby.cluster.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  static final long SECOND = 1_000_000_000L;

  final AtomicLong clock = new AtomicLong(1_000 * SECOND);

  /** Sends {@code total} bytes in {@code chunk}s, waiting as told; returns the time it took. */
  long send(TokenBucket bucket, long total, int chunk) {
    long start = clock.get();
    for (long sent = 0; sent < total; sent += chunk) {
      clock.addAndGet(bucket.reserve(Math.min(chunk, total - sent)));
    }
    return clock.get() - start;
  }

  @Test
  void aFullBucketSendsItsCapacityAtOnceThenWaitsForTheRefill() {
    TokenBucket bucket = new TokenBucket(1024, 1024, clock::get);

    assertThat(bucket.reserve(1024)).isZero();
    assertThat(bucket.reserve(512)).isEqualTo(SECOND / 2);
    clock.addAndGet(SECOND / 2);
    assertThat(bucket.reserve(512)).isEqualTo(SECOND / 2);
  }

  @Test
  void aLongTransferRunsAtTheRateLessTheFirstBurst() {
    long rate = 256 * 1024;
    TokenBucket bucket = new TokenBucket(rate, 64 * 1024, clock::get);

    long took = send(bucket, 4L << 20, 64 * 1024);

    // 4 MiB at 256 KiB/s is 16 s; the first 64 KiB leave at once.
    assertThat(took).isEqualTo(16 * SECOND - SECOND / 4);
  }

  @Test
  void anIdleBucketHoldsNoMoreThanItsCapacity() {
    TokenBucket bucket = new TokenBucket(1000, 4000, clock::get);
    clock.addAndGet(3600 * SECOND);

    assertThat(bucket.reserve(4000)).isZero();
    assertThat(bucket.reserve(1000)).isEqualTo(SECOND);
  }

  @Test
  void aNewRateAppliesFromNowAndKeepsWhatTheOldOneEarned() {
    TokenBucket bucket = new TokenBucket(1000, 1000, clock::get);
    assertThat(bucket.reserve(1000)).isZero();
    clock.addAndGet(SECOND / 2); // 500 bytes earned at the old rate

    bucket.set(4000, 1000);

    assertThat(bucket.reserve(1000)).isEqualTo(SECOND / 8); // 500 missing at 4000 B/s
    assertThat(bucket.rate()).isEqualTo(4000);
    clock.addAndGet(SECOND / 8);
    assertThat(send(bucket, 40_000, 1000)).isEqualTo(10 * SECOND);
  }

  @Test
  void aSmallerCapacityCutsWhatWasSaved() {
    TokenBucket bucket = new TokenBucket(1000, 10_000, clock::get);

    bucket.set(1000, 2000);

    assertThat(bucket.reserve(2000)).isZero();
    assertThat(bucket.reserve(1000)).isEqualTo(SECOND);
  }

  @Test
  void rateAndCapacityMustBePositive() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, clock::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0, clock::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
