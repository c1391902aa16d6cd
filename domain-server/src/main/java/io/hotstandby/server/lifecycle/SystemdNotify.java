package io.hotstandby.server.lifecycle;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a notification to systemd by running {@code systemd-notify --pid=PID FIELD...}: Java 17 has
 * no AF_UNIX datagram sockets, and sd_notify is one datagram on such a socket.
 *
 * <p>The message comes from the {@code systemd-notify} child, not from the server's own (main)
 * process, so the unit needs {@code NotifyAccess=all}. {@code --pid} adds {@code MAINPID=} of the
 * server, so systemd keeps the JVM as the main process even if a wrapper started it. Without {@code
 * --no-block}, {@code systemd-notify} waits until systemd has read the message (a barrier, at most
 * 5 s): systemd can only attribute a message to the unit while its sender is still alive.
 */
public final class SystemdNotify implements ServiceNotifier.Sender {
  /** After this, a {@code systemd-notify} still running is killed and the send failed. */
  static final long TIMEOUT_MILLIS = 10_000;

  private final String notifySocket;
  private final long mainPid;

  /**
   * @param environment where {@code NOTIFY_SOCKET} is read; the child gets it from here
   * @param mainPid the server's process id, sent as {@code MAINPID=}
   */
  public SystemdNotify(Map<String, String> environment, long mainPid) {
    this.notifySocket = environment.getOrDefault("NOTIFY_SOCKET", "");
    this.mainPid = mainPid;
  }

  /** The command that sends {@code fields}. */
  List<String> command(List<String> fields) {
    List<String> cmd = new ArrayList<>(fields.size() + 2);
    cmd.add("systemd-notify");
    cmd.add("--pid=" + mainPid);
    cmd.addAll(fields);
    return cmd;
  }

  @Override
  public CompletableFuture<?> send(List<String> fields) {
    ProcessBuilder pb =
        new ProcessBuilder(command(fields))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true);
    pb.environment().put("NOTIFY_SOCKET", notifySocket);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return p.onExit()
        .orTimeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .handle(
            (done, failure) -> {
              if (failure instanceof TimeoutException) {
                p.destroyForcibly();
                throw new IllegalStateException(
                    "systemd-notify did not finish within " + TIMEOUT_MILLIS + " ms");
              }
              if (failure != null) {
                throw new IllegalStateException("systemd-notify: " + failure, failure);
              }
              if (done.exitValue() != 0) {
                throw new IllegalStateException(
                    "systemd-notify exited with " + done.exitValue() + ": " + output(done));
              }
              return null;
            });
  }

  /** What the finished process printed (one line of error at most, in practice). */
  private static String output(Process p) {
    try {
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
