package io.hotstandby.server.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.junit.jupiter.api.Test;

/**
 * The admin namespace's domain changes are answered through futures: the caller (a Milo service
 * thread) is never held while a change takes its time, and a change that finds the queue full is
 * refused at once rather than waiting.
 */
class DomainAdminCallsTest {
  private static final SessionUser ADMIN =
      new SessionUser("admin", io.hotstandby.domain.UserRole.ADMINISTRATOR, "127.0.0.1");

  @Test
  void aSlowChangeHoldsNoCallerAndAFullQueueRefusesAtOnce() throws Exception {
    SlowAdmin slow = new SlowAdmin();
    try (DomainAdminCalls calls =
        new DomainAdminCalls(slow, Duration.ofSeconds(30), Duration.ofSeconds(5), () -> 7)) {
      CompletableFuture<DomainAdminResult> first = calls.apply(new byte[] {1}, ADMIN);
      assertThat(slow.entered.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(first).isNotDone();

      List<CompletableFuture<DomainAdminResult>> waiting = new ArrayList<>();
      for (int i = 0; i < DomainAdminCalls.MAX_WAITING_CHANGES; i++) {
        waiting.add(calls.apply(new byte[] {2}, ADMIN));
      }
      CompletableFuture<DomainAdminResult> refused = calls.apply(new byte[] {3}, ADMIN);
      assertThat(refused).as("answered at once").isCompletedExceptionally();
      assertThatThrownBy(refused::join)
          .cause()
          .isInstanceOfSatisfying(
              UaException.class,
              e -> {
                assertThat(e.getStatusCode().getValue())
                    .isEqualTo(StatusCodes.Bad_TooManyOperations);
                assertThat(e.getMessage())
                    .contains(
                        DomainAdminCalls.MAX_WAITING_CHANGES
                            + " domain changes are waiting already; try again later");
              });

      slow.release.countDown();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(first.getNow(null)).isNotNull();
                assertThat(waiting).allMatch(f -> f.isDone() && f.join().accepted());
              });
    }
  }

  @Test
  void aChangeStillQueuedWhenItsWaitIsOverIsCancelledAndNeverRuns() throws Exception {
    SlowAdmin slow = new SlowAdmin();
    try (DomainAdminCalls calls =
        new DomainAdminCalls(slow, Duration.ofMillis(300), Duration.ofSeconds(5), () -> 7)) {
      CompletableFuture<DomainAdminResult> first = calls.apply(new byte[] {1}, ADMIN);
      assertThat(slow.entered.await(5, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<DomainAdminResult> queued = calls.apply(new byte[] {2}, ADMIN);

      DomainAdminResult r = queued.get(5, TimeUnit.SECONDS);
      assertThat(r.accepted()).isFalse();
      assertThat(r.message())
          .isEqualTo("not started within 300 ms behind other domain changes; cancelled");
      assertThat(first.get(5, TimeUnit.SECONDS).message()).contains("may still complete");

      slow.release.countDown();
      // The next change runs; the cancelled one never did.
      assertThat(calls.apply(new byte[] {3}, ADMIN).get(5, TimeUnit.SECONDS).accepted()).isTrue();
      assertThat(slow.applied).containsExactly((byte) 1, (byte) 3);
    }
  }

  /** A domain admin whose changes wait until released. */
  private static final class SlowAdmin implements DomainAdmin {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<Byte> applied = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<DomainAdminResult> apply(byte[] content, SessionUser user) {
      return CompletableFuture.completedFuture(applyNow(content));
    }

    private DomainAdminResult applyNow(byte[] content) {
      applied.add(content[0]);
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new DomainAdminResult(true, "version " + content[0] + " in force", content[0]);
    }

    @Override
    public String historyJson() {
      return "[]";
    }

    @Override
    public Optional<byte[]> show(String version) {
      return Optional.empty();
    }

    @Override
    public CompletableFuture<DomainAdminResult> rollback(String version, SessionUser user) {
      return apply(new byte[] {0}, user);
    }
  }
}
