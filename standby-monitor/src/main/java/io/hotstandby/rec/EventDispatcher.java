package io.hotstandby.rec;

import io.hotstandby.events.RateLimitedLog;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the listener on one thread of its own, in order. The link's receive and scheduler threads
 * only queue calls, so a listener that takes its time (activating a runtime, say) can never delay a
 * heartbeat and make the peers think this server is lost.
 */
final class EventDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  /** Minutes of events at 10 Hz; a listener this far behind is stuck and events are dropped. */
  private static final int CAPACITY = 10_000;

  private final RecListener listener;
  private final ThreadPoolExecutor executor;
  private final RateLimitedLog overflowLog = new RateLimitedLog(log, 1000);
  private volatile Thread thread;

  EventDispatcher(String threadName, RecListener listener) {
    this.listener = listener;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(CAPACITY),
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              thread = t;
              return t;
            });
  }

  void post(List<Consumer<RecListener>> events) {
    for (Consumer<RecListener> event : events) {
      try {
        executor.execute(() -> deliver(event));
      } catch (RejectedExecutionException e) {
        if (!executor.isShutdown()) {
          overflowLog.warn(() -> "REC listener is " + CAPACITY + " events behind; dropping events");
        }
      }
    }
  }

  private void deliver(Consumer<RecListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      log.error("REC listener failed", e);
    }
  }

  /** Delivers what is queued (for up to a second), then stops. */
  @Override
  public void close() {
    executor.shutdown();
    if (Thread.currentThread() == thread) {
      return; // closed from a listener call: waiting for ourselves would only time out
    }
    try {
      if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
