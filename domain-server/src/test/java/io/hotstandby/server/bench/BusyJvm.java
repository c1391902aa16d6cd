package io.hotstandby.server.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A neighbour that keeps a machine busy, as an HMI, a historian or a virus scanner would: {@code
 * threads} threads, half allocating and hashing, half only computing, for {@code seconds}, then
 * exit (bounded, so a benchmark that dies leaves nothing running for long). {@code java -cp
 * target/test-classes io.hotstandby.server.bench.BusyJvm THREADS SECONDS}.
 */
public final class BusyJvm {
  private BusyJvm() {}

  public static void main(String[] args) throws InterruptedException {
    int threads = Integer.parseInt(args[0]);
    long until = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      // Every other thread only computes: a thread that allocates waits at the collector's
      // safepoints, is not runnable then, and so adds less than one to the load average.
      boolean allocates = i % 2 == 0;
      Thread t =
          new Thread(
              () -> {
                long sink = 0;
                List<byte[]> keep = new ArrayList<>();
                while (System.nanoTime() < until) {
                  if (!allocates) {
                    for (int j = 0; j < 100_000; j++) {
                      sink = sink * 31 + j;
                    }
                    continue;
                  }
                  byte[] b = new byte[4096 + (int) (sink & 0xfff)];
                  for (int j = 0; j < b.length; j += 64) {
                    sink = sink * 31 + b[j] + j;
                  }
                  keep.add(b);
                  if (keep.size() > 2000) {
                    keep.clear(); // some garbage survives a while: the collector has work
                  }
                }
                if (sink == 42) {
                  System.out.println(sink);
                }
              },
              "busy-" + i);
      t.start();
      all.add(t);
    }
    for (Thread t : all) {
      t.join();
    }
  }
}
