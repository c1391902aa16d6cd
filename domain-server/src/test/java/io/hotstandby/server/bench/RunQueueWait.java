package io.hotstandby.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How long a thread of a process waited for a CPU while runnable, from {@code
 * /proc/PID/task/TID/schedstat} (its second field, nanoseconds since the thread started): CPU
 * starvation of the REC scheduler, told apart from a pause of the whole JVM.
 */
final class RunQueueWait {
  private RunQueueWait() {}

  /**
   * Run-queue wait and time slices of the thread of {@code pid} whose name is {@code thread}, as
   * {waitNanos, slices}; {0, 0} when there is none (the process ended).
   */
  static long[] of(long pid, String thread) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (Stream<Path> all = Files.list(tasks)) {
      for (Path t : all.toList()) {
        String comm = Files.readString(t.resolve("comm")).strip();
        if (comm.equals(thread)) {
          String[] f = Files.readString(t.resolve("schedstat")).strip().split("\\s+");
          return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
        }
      }
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
    return new long[] {0, 0};
  }
}
