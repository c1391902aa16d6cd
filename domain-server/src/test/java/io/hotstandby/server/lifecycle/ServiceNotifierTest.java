package io.hotstandby.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.testkit.Timing;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the server tells systemd, and when, on a clock and a role thread that the test drives: one
 * tick a second, as the notifier's own thread does.
 */
class ServiceNotifierTest {
  private static final long PID = 4242;
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final Map<String, String> UNDER_SYSTEMD =
      Map.of(
          "NOTIFY_SOCKET",
          "/run/systemd/notify",
          "WATCHDOG_USEC",
          "10000000",
          "WATCHDOG_PID",
          "4242");

  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
  private final RoleThread roleThread = new RoleThread();
  private final AtomicReference<String> status = new AtomicReference<>("STANDBY term 6");
  private final Systemd systemd = new Systemd();

  @Test
  void pingsAtHalfTheWatchdogIntervalWhileTheRoleThreadRuns() {
    ServiceNotifier n = notifier(UNDER_SYSTEMD);
    n.onReady();

    runSeconds(n, 30, true);

    assertThat(n.pingIntervalNanos()).isEqualTo(5 * SECOND);
    assertThat(systemd.secondsOf("WATCHDOG=1")).containsExactly(5L, 10L, 15L, 20L, 25L, 30L);
  }

  @Test
  void aBlockedRoleThreadStopsThePingsAndTheyResumeWhenItRunsAgain() {
    ServiceNotifier n = notifier(UNDER_SYSTEMD);
    n.onReady();
    runSeconds(n, 7, true);

    runSeconds(n, 53, false); // the role thread hangs at second 7 (its last probe ran then)

    // The last ping within the watchdog interval (10 s) of the hang: systemd kills the process at
    // most two intervals after it hung.
    assertThat(systemd.secondsOf("WATCHDOG=1")).containsExactly(5L, 10L, 15L);
    roleThread.runPending();
    runSeconds(n, 1, true);
    assertThat(systemd.secondsOf("WATCHDOG=1")).containsExactly(5L, 10L, 15L, 61L);
  }

  @Test
  void withoutNotifySocketNothingIsEverSent() {
    ServiceNotifier n =
        notifier(Map.of("WATCHDOG_USEC", "10000000", "WATCHDOG_PID", String.valueOf(PID)));

    n.ready();
    n.close();

    assertThat(n.enabled()).isFalse();
    assertThat(systemd.sent).isEmpty();
    assertThat(roleThread.tasks).isEmpty();
  }

  @Test
  void aWatchdogMeantForAnotherProcessGetsNoPings() {
    Map<String, String> env =
        Map.of(
            "NOTIFY_SOCKET",
            "/run/systemd/notify",
            "WATCHDOG_USEC",
            "10000000",
            "WATCHDOG_PID",
            "1");
    ServiceNotifier n = notifier(env);
    n.onReady();

    runSeconds(n, 30, true);

    assertThat(n.pingIntervalNanos()).isZero();
    assertThat(systemd.fields()).containsExactly(List.of("READY=1", "STATUS=STANDBY term 6"));
  }

  @Test
  void withoutWatchdogUsecOnlyReadyStatusAndStoppingAreSent() {
    ServiceNotifier n = notifier(Map.of("NOTIFY_SOCKET", "@/org/freedesktop/systemd1/notify"));
    n.onReady();
    runSeconds(n, 30, true);
    n.onStopping();

    assertThat(systemd.fields())
        .containsExactly(
            List.of("READY=1", "STATUS=STANDBY term 6"), List.of("STOPPING=1", "STATUS=stopping"));
    assertThat(roleThread.tasks).isEmpty();
  }

  @Test
  void itTicksEverySecondOrAQuarterOfAShortWatchdogInterval() {
    Map<String, String> socketOnly = Map.of("NOTIFY_SOCKET", "/run/systemd/notify");
    Map<String, String> shortWatchdog =
        Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "200000");

    assertThat(notifier(socketOnly).tickNanos()).isEqualTo(SECOND);
    assertThat(notifier(UNDER_SYSTEMD).tickNanos()).isEqualTo(SECOND);
    assertThat(notifier(shortWatchdog).tickNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
  }

  @Test
  void readyIsSentOnceWithTheStatus() {
    ServiceNotifier n = notifier(UNDER_SYSTEMD);

    n.onReady();
    n.onReady();

    assertThat(systemd.fields()).containsExactly(List.of("READY=1", "STATUS=STANDBY term 6"));
  }

  @Test
  void aRoleChangeIsSentAsStatusAtTheNextTick() {
    ServiceNotifier n = notifier(UNDER_SYSTEMD);
    n.onReady();
    runSeconds(n, 2, true);

    status.set("ACTIVE term 7");
    runSeconds(n, 3, true);

    assertThat(systemd.fields())
        .containsExactly(
            List.of("READY=1", "STATUS=STANDBY term 6"),
            List.of("STATUS=ACTIVE term 7"),
            List.of("WATCHDOG=1"));
  }

  @Test
  void stoppingIsSentAtCloseAndNothingAfterIt() {
    ServiceNotifier n = notifier(UNDER_SYSTEMD);
    n.onReady();
    runSeconds(n, 5, true);

    n.onStopping();
    n.onStopping();
    status.set("STOPPED term 6");
    runSeconds(n, 30, true);

    List<List<String>> sent = systemd.fields();
    assertThat(sent).hasSize(3);
    assertThat(sent.get(2)).containsExactly("STOPPING=1", "STATUS=stopping");
  }

  @Test
  void aSendStillUnderWayHoldsBackThePingsInsteadOfPilingUp() {
    ServiceNotifier n = notifier(UNDER_SYSTEMD);
    n.onReady();
    CompletableFuture<Void> slow = new CompletableFuture<>();
    systemd.next = slow;
    runSeconds(n, 5, true); // this ping hangs in systemd-notify

    runSeconds(n, 20, true);
    assertThat(systemd.secondsOf("WATCHDOG=1")).containsExactly(5L);

    slow.complete(null);
    runSeconds(n, 1, true);
    assertThat(systemd.secondsOf("WATCHDOG=1")).containsExactly(5L, 26L);
  }

  @Test
  void aFailedSendDoesNotStopTheNextPings() {
    ServiceNotifier n = notifier(UNDER_SYSTEMD);
    n.onReady();
    systemd.next = CompletableFuture.failedFuture(new IllegalStateException("exited with 1"));

    runSeconds(n, 10, true);

    assertThat(systemd.secondsOf("WATCHDOG=1")).containsExactly(5L, 10L);
  }

  @Test
  void onItsOwnThreadItPingsWhileTheRoleThreadRunsAndSaysStoppingLast() throws Exception {
    ExecutorService role = Executors.newSingleThreadExecutor(r -> new Thread(r, "role-test"));
    try {
      Map<String, String> env =
          Map.of(
              "NOTIFY_SOCKET",
              "/run/systemd/notify",
              "WATCHDOG_USEC",
              "200000",
              "WATCHDOG_PID",
              String.valueOf(PID));
      ServiceNotifier n =
          new ServiceNotifier(env, PID, System::nanoTime, role::execute, status::get, systemd);

      n.ready();
      n.ready();
      await().atMost(Timing.seconds(10)).until(() -> systemd.count("WATCHDOG=1") >= 3);
      n.close();

      await().atMost(Timing.seconds(10)).until(() -> systemd.count("STOPPING=1") == 1);
      List<List<String>> sent = systemd.fields();
      assertThat(sent.get(0)).containsExactly("READY=1", "STATUS=STANDBY term 6");
      assertThat(sent.get(sent.size() - 1)).contains("STOPPING=1");
      assertThat(systemd.count("READY=1")).isEqualTo(1);
    } finally {
      role.shutdownNow();
    }
  }

  private ServiceNotifier notifier(Map<String, String> env) {
    return new ServiceNotifier(env, PID, clock::get, roleThread, status::get, systemd);
  }

  /** One tick a second for {@code seconds}; the role thread runs its queue after each if asked. */
  private void runSeconds(ServiceNotifier n, int seconds, boolean roleThreadRuns) {
    for (int i = 0; i < seconds; i++) {
      clock.addAndGet(SECOND);
      n.tick();
      if (roleThreadRuns) {
        roleThread.runPending();
      }
    }
  }

  /** The role thread: runs what was queued when the test says so, or never (a hung thread). */
  private final class RoleThread implements ServiceNotifier.Probe {
    final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void submit(Runnable task) {
      tasks.add(task);
    }

    void runPending() {
      for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
        r.run();
      }
    }
  }

  /** What systemd received, with the test clock's second since the start. */
  private final class Systemd implements ServiceNotifier.Sender {
    final long start = clock.get();
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    CompletableFuture<?> next;

    record Sent(long second, List<String> fields) {}

    @Override
    public CompletableFuture<?> send(List<String> fields) {
      sent.add(new Sent((clock.get() - start) / SECOND, List.copyOf(fields)));
      CompletableFuture<?> f = next != null ? next : CompletableFuture.completedFuture(null);
      next = null;
      return f;
    }

    List<List<String>> fields() {
      return sent.stream().map(Sent::fields).toList();
    }

    List<Long> secondsOf(String field) {
      List<Long> seconds = new ArrayList<>();
      sent.stream().filter(s -> s.fields().contains(field)).forEach(s -> seconds.add(s.second()));
      return seconds;
    }

    long count(String field) {
      return sent.stream().filter(s -> s.fields().contains(field)).count();
    }
  }
}
