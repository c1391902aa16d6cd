package io.hotstandby.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.testkit.Timing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code systemd-notify} against a real notify socket, without systemd: a small Python
 * program binds the AF_UNIX datagram socket that systemd would and prints every message it gets,
 * one a line, its fields joined by "|".
 */
class SystemdNotifyTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final String RECEIVER =
      String.join(
          "\n",
          "import socket, sys",
          "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
          "s.bind(sys.argv[1])",
          "print('bound', flush=True)",
          "while True:",
          // recv without room for ancillary data closes the descriptor that systemd-notify's
          // BARRIER=1 passes, which is how systemd tells it that the message was read.
          "    print(s.recv(65536).decode().replace('\\n', '|'), flush=True)");

  @TempDir Path dir;
  private Path socket;
  private Process receiver;
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

  @BeforeEach
  void bindNotifySocket() throws Exception {
    Path python = Commands.require("python3", "python3-minimal");
    Commands.require("systemd-notify", "systemd");
    socket = dir.resolve("notify");
    receiver =
        new ProcessBuilder(python.toString(), "-c", RECEIVER, socket.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  received.add(line);
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "notify-socket-reader");
    reader.setDaemon(true);
    reader.start();
    assertThat(next(l -> true)).isEqualTo("bound");
  }

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.destroyForcibly();
    }
  }

  @Test
  void theCommandNamesTheServerAsMainPid() {
    SystemdNotify notify = new SystemdNotify(Map.of("NOTIFY_SOCKET", "/run/systemd/notify"), 42);

    assertThat(notify.command(List.of("WATCHDOG=1")))
        .containsExactly("systemd-notify", "--pid=42", "WATCHDOG=1");
  }

  @Test
  void aMessageReachesTheNotifySocket() throws Exception {
    SystemdNotify notify = new SystemdNotify(Map.of("NOTIFY_SOCKET", socket.toString()), PID);

    notify.send(List.of("READY=1", "STATUS=ACTIVE term 7")).get(20, TimeUnit.SECONDS);

    assertThat(next(l -> l.contains("READY=1")).split("\\|"))
        .containsExactlyInAnyOrder("MAINPID=" + PID, "READY=1", "STATUS=ACTIVE term 7");
  }

  @Test
  void aSocketNobodyListensOnFailsTheSendWithTheReason() {
    SystemdNotify notify =
        new SystemdNotify(Map.of("NOTIFY_SOCKET", dir.resolve("nobody").toString()), PID);

    assertThatThrownBy(() -> notify.send(List.of("WATCHDOG=1")).get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("systemd-notify exited with")
        .hasMessageContaining("No such file or directory");
  }

  @Test
  void theNotifierSaysReadyPingsAndSaysStopping() throws Exception {
    Map<String, String> env =
        Map.of(
            "NOTIFY_SOCKET", socket.toString(),
            "WATCHDOG_USEC", "400000",
            "WATCHDOG_PID", String.valueOf(PID));
    ExecutorService role = Executors.newSingleThreadExecutor(r -> new Thread(r, "role-test"));
    try (ServiceNotifier notifier =
        new ServiceNotifier(
            env,
            PID,
            System::nanoTime,
            role::execute,
            () -> "ACTIVE term 3",
            new SystemdNotify(env, PID))) {
      notifier.ready();

      assertThat(next(l -> l.contains("READY=1"))).contains("STATUS=ACTIVE term 3");
      next(l -> l.contains("WATCHDOG=1"));
      next(l -> l.contains("WATCHDOG=1"));
      notifier.close();
      assertThat(next(l -> l.contains("STOPPING=1"))).contains("STATUS=stopping");
    } finally {
      role.shutdownNow();
    }
  }

  /** The next message that matches, skipping others (BARRIER=1); fails after a while. */
  private String next(Predicate<String> wanted) throws InterruptedException {
    List<String> skipped = new ArrayList<>();
    long deadline = System.nanoTime() + Timing.seconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      String line = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line != null && wanted.test(line)) {
        return line;
      }
      if (line != null) {
        skipped.add(line);
      }
    }
    throw new AssertionError("no such message on the notify socket; got " + skipped);
  }
}
