package io.hotstandby.runtime.util;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued tasks one at a time, in the order they were queued, without holding any lock while a
 * task runs. A component queues its notifications while it holds its own lock (so the queue order
 * is the order of its state changes) and calls {@link #drain()} after releasing it; the first
 * caller to arrive drains the queue, later and re-entrant callers leave their tasks to it. A task
 * that throws is logged and the next one runs.
 */
public final class SerialRunner {
  private static final Logger log = LoggerFactory.getLogger(SerialRunner.class);

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger requests = new AtomicInteger();

  /** Queues {@code task}; it runs at the next {@link #drain()}. */
  public void enqueue(Runnable task) {
    queue.add(task);
  }

  /** Runs every queued task unless another call is already doing so. */
  public void drain() {
    if (requests.getAndIncrement() != 0) {
      return;
    }
    int seen = 1;
    do {
      for (Runnable task = queue.poll(); task != null; task = queue.poll()) {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("listener failed", e);
        }
      }
      seen = requests.addAndGet(-seen);
    } while (seen != 0);
  }
}
