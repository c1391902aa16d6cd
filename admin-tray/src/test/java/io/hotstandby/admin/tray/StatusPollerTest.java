package io.hotstandby.admin.tray;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClientException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One poll at a time, against a scripted server: no threads, no waiting. */
class StatusPollerTest {
  private final Deque<AdminClientException> refusals = new ArrayDeque<>();
  private final Deque<Object> answers = new ArrayDeque<>();
  private final List<String> reported = new ArrayList<>();
  private int connects;
  private int closes;

  private final StatusPoller poller =
      new StatusPoller(
          this::connect,
          json -> reported.add("status " + json),
          why -> reported.add("unreachable " + why));

  @AfterEach
  void close() {
    poller.close();
  }

  @Test
  void backoffDoublesFromOneSecondUpToTen() {
    List<Long> waits = new ArrayList<>();
    Duration d = Duration.ZERO;
    for (int i = 0; i < 7; i++) {
      d = StatusPoller.nextBackoff(d);
      waits.add(d.toSeconds());
    }

    assertThat(waits).containsExactly(1L, 2L, 4L, 8L, 10L, 10L, 10L);
  }

  @Test
  void pollsEverySecondOnOneConnection() {
    answers.add("{\"state\":\"ACTIVE\"}");
    answers.add("{\"state\":\"STANDBY\"}");

    assertThat(poller.pollOnce()).isEqualTo(Duration.ofSeconds(1));
    assertThat(poller.pollOnce()).isEqualTo(Duration.ofSeconds(1));

    assertThat(connects).isEqualTo(1);
    assertThat(closes).isZero();
    assertThat(reported)
        .containsExactly("status {\"state\":\"ACTIVE\"}", "status {\"state\":\"STANDBY\"}");
  }

  @Test
  void anUnreachableServerIsRetriedWithBackoffUntilItAnswers() {
    refusals.add(new AdminClientException("cannot connect to x: connection refused"));
    refusals.add(new AdminClientException("cannot connect to x: connection refused"));
    refusals.add(new AdminClientException("cannot connect to x: no answer within 3000 ms"));
    answers.add("{\"state\":\"STANDBY\"}");

    assertThat(poller.pollOnce()).isEqualTo(Duration.ofSeconds(1));
    assertThat(poller.pollOnce()).isEqualTo(Duration.ofSeconds(2));
    assertThat(poller.pollOnce()).isEqualTo(Duration.ofSeconds(4));
    assertThat(poller.pollOnce()).isEqualTo(Duration.ofSeconds(1));

    assertThat(reported)
        .containsExactly(
            "unreachable cannot connect to x: connection refused",
            "unreachable cannot connect to x: connection refused",
            "unreachable cannot connect to x: no answer within 3000 ms",
            "status {\"state\":\"STANDBY\"}");
  }

  @Test
  void aFailedReadDropsTheConnectionAndTheNextPollReconnects() {
    answers.add("{\"state\":\"ACTIVE\"}");
    answers.add(new AdminClientException("cannot read StatusJson from x: Bad_Timeout"));
    answers.add("{\"state\":\"ACTIVE\"}");

    poller.pollOnce();
    assertThat(poller.pollOnce()).isEqualTo(Duration.ofSeconds(1));
    poller.pollOnce();

    assertThat(connects).isEqualTo(2);
    assertThat(closes).isEqualTo(1);
    assertThat(reported)
        .element(1)
        .isEqualTo("unreachable cannot read StatusJson from x: Bad_Timeout");
  }

  @Test
  void activateWithoutAConnectionSaysSo() throws Exception {
    CompletableFuture<String> failed = new CompletableFuture<>();

    poller.activate(r -> failed.complete("answered " + r), failed::complete);

    assertThat(failed.get(5, TimeUnit.SECONDS)).isEqualTo("not connected to the server");
  }

  @Test
  void activateHandsOverTheServersAnswer() throws Exception {
    answers.add("{\"state\":\"STANDBY\"}");
    poller.pollOnce();
    CompletableFuture<ActivateResult> answered = new CompletableFuture<>();

    poller.activate(answered::complete, why -> answered.completeExceptionally(new Error(why)));

    assertThat(answered.get(5, TimeUnit.SECONDS)).isEqualTo(new ActivateResult(true, "ok"));
  }

  private StatusPoller.Connection connect() throws AdminClientException {
    if (!refusals.isEmpty()) {
      throw refusals.poll();
    }
    connects++;
    return new StatusPoller.Connection() {
      @Override
      public String statusJson() throws AdminClientException {
        Object next = answers.poll();
        if (next instanceof AdminClientException e) {
          throw e;
        }
        return (String) next;
      }

      @Override
      public ActivateResult activate() {
        return new ActivateResult(true, "ok");
      }

      @Override
      public void close() {
        closes++;
      }
    };
  }
}
