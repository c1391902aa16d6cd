package io.hotstandby.admin.tray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.admin.tray.ServerWatch.LoginPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watch against a scripted server and a scripted login dialog. */
class ServerWatchTest {
  private final Deque<AdminClientException> refusals = new ArrayDeque<>();
  private final Deque<AdminClient.Credentials> typed = new ArrayDeque<>();
  private final List<String> reported = Collections.synchronizedList(new ArrayList<>());
  private final List<String> connectedAs = Collections.synchronizedList(new ArrayList<>());
  private final List<String> asked = Collections.synchronizedList(new ArrayList<>());
  private volatile AdminClientException checkFails;
  private volatile Consumer<String> pusher;
  private int closes;

  private final ServerWatch watch =
      new ServerWatch(
          this::connect,
          null,
          why -> {
            asked.add(why);
            return typed.poll();
          },
          json -> reported.add("status " + json),
          why -> reported.add("unreachable " + why));

  @AfterEach
  void close() {
    watch.close();
  }

  @Test
  void backoffDoublesFromOneSecondUpToTen() {
    List<Long> waits = new ArrayList<>();
    Duration d = Duration.ZERO;
    for (int i = 0; i < 7; i++) {
      d = ServerWatch.nextBackoff(d);
      waits.add(d.toSeconds());
    }

    assertThat(waits).containsExactly(1L, 2L, 4L, 8L, 10L, 10L, 10L);
  }

  @Test
  void theServerPushesItsStatusOnOneConnectionCheckedEverySecond() {
    assertThat(watch.checkOnce()).isEqualTo(Duration.ofSeconds(1));
    pusher.accept("{\"state\":\"STANDBY\"}");
    assertThat(watch.checkOnce()).isEqualTo(Duration.ofSeconds(1));

    await().atMost(Duration.ofSeconds(10)).until(() -> reported.size() == 2);
    assertThat(reported)
        .containsExactly("status {\"state\":\"ACTIVE\"}", "status {\"state\":\"STANDBY\"}");
    assertThat(connectedAs).containsExactly("anonymous");
  }

  @Test
  void aServerThatGoesAwayIsUnreachableAndRetriedWithBackoff() {
    watch.checkOnce();
    checkFails = new AdminClientException("cannot read ServiceLevel from x: Bad_Timeout");
    refusals.add(new AdminClientException("cannot connect to x: connection refused"));

    assertThat(watch.checkOnce()).isEqualTo(Duration.ofSeconds(1));
    assertThat(watch.checkOnce()).isEqualTo(Duration.ofSeconds(2));
    checkFails = null;
    assertThat(watch.checkOnce()).isEqualTo(Duration.ofSeconds(1));

    assertThat(closes).isEqualTo(1);
    assertThat(connectedAs).hasSize(2);
    assertThat(reported)
        .contains(
            "unreachable cannot read ServiceLevel from x: Bad_Timeout",
            "unreachable cannot connect to x: connection refused");
  }

  @Test
  void anActionAsksForALoginFirstAndKeepsIt() throws Exception {
    watch.checkOnce();
    typed.add(new AdminClient.Credentials("olga", "right".toCharArray()));

    assertThat(activate(LoginPolicy.FIRST)).isEqualTo("accepted as olga");
    assertThat(activate(LoginPolicy.FIRST)).isEqualTo("accepted as olga");

    assertThat(asked).hasSize(1);
    assertThat(connectedAs).containsExactly("anonymous", "olga");
  }

  @Test
  void aWrongPasswordAsksAgainAndACancelEndsIt() throws Exception {
    typed.add(new AdminClient.Credentials("olga", "wrong".toCharArray()));

    assertThat(activate(LoginPolicy.FIRST)).isEqualTo("not done: no login");

    assertThat(asked).hasSize(2);
    assertThat(asked.get(1)).contains("wrong user name or password");
  }

  @Test
  void whatTheOperatorDidNotAskForNeverOpensALogin() throws Exception {
    watch.checkOnce();

    assertThat(activate(LoginPolicy.NEVER)).contains("log in with");
    assertThat(asked).isEmpty();
  }

  private String activate(LoginPolicy policy) throws Exception {
    CompletableFuture<String> done = new CompletableFuture<>();
    watch.request(
        policy, ServerWatch.Connection::activate, r -> done.complete(r.message()), done::complete);
    return done.get(10, TimeUnit.SECONDS);
  }

  private ServerWatch.Connection connect(AdminClient.Credentials login)
      throws AdminClientException {
    if (!refusals.isEmpty()) {
      throw refusals.poll();
    }
    if (login != null && new String(login.password()).equals("wrong")) {
      throw new AdminClientException("cannot connect to x: wrong user name or password");
    }
    String who = login == null ? "anonymous" : login.user();
    connectedAs.add(who);
    return new ServerWatch.Connection() {
      @Override
      public AutoCloseable watch(Consumer<String> listener) {
        pusher = listener;
        listener.accept("{\"state\":\"ACTIVE\"}");
        return () -> {};
      }

      @Override
      public void check() throws AdminClientException {
        if (checkFails != null) {
          throw checkFails;
        }
      }

      @Override
      public ActivateResult activate() throws AdminClientException {
        if (login == null) {
          throw new AdminClientException("Activate needs the Operator role; log in with --user");
        }
        return new ActivateResult(true, "accepted as " + who);
      }

      @Override
      public ActivateResult stopDomain() {
        return new ActivateResult(true, "stopped");
      }

      @Override
      public ActivateResult startDomain() {
        return new ActivateResult(true, "started");
      }

      @Override
      public ActivateResult setMaintenance(String server, boolean on) {
        return new ActivateResult(true, "maintenance " + on);
      }

      @Override
      public String eventsJson(long afterSeq, int max) {
        return "[]";
      }

      @Override
      public ActivateResult acknowledgeEvents(List<String> ids) {
        return new ActivateResult(true, ids.size() + " acknowledged");
      }

      @Override
      public void close() {
        closes++;
      }
    };
  }
}
