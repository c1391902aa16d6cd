package io.hotstandby.server.opcua;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;

/**
 * One thread of the endpoint with a short queue in front of it, for calls that must not run on
 * Milo's threads nor all at once (Activate, domain changes and queries).
 *
 * <p>A call that finds the queue full is answered at once with {@code Bad_TooManyOperations}, so a
 * flood of calls costs neither memory nor a waiting client. A call still waiting in the queue when
 * its caller's time is up is taken out of the queue and never runs: the caller was told it got no
 * answer, and an Activate or a domain change must not happen minutes later behind its back. A call
 * that has started is left to finish (a switchover half done must finish or roll back on its own);
 * its caller gets {@link TimeoutException}.
 */
final class BoundedQueue implements AutoCloseable {
  private static final int WAITING = 0;
  private static final int STARTED = 1;
  private static final int CANCELLED = 2;

  private final String what;
  private final int capacity;
  private final ThreadPoolExecutor executor;

  /**
   * @param thread the thread's name
   * @param what what the queue holds, plural, for refusals (e.g. "activations")
   * @param capacity calls that may wait behind the one under way
   */
  BoundedQueue(String thread, String what, int capacity) {
    this.what = what;
    this.capacity = capacity;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(capacity),
            r -> {
              Thread t = new Thread(r, thread);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Runs {@code call} on the queue's thread and answers with its future, within {@code timeoutMs}.
   *
   * @return completes with the call's answer; or exceptionally with a {@link UaException} ({@code
   *     Bad_TooManyOperations} when the queue is full, {@code Bad_Shutdown} when closed), with
   *     {@link CancellationException} when the call was still waiting at the timeout (it never
   *     runs), or {@link TimeoutException} when it had started
   */
  <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> call, long timeoutMs) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    AtomicInteger state = new AtomicInteger(WAITING);
    Runnable task =
        () -> {
          if (!state.compareAndSet(WAITING, STARTED)) {
            return;
          }
          CompletableFuture<T> f;
          try {
            f = call.get();
          } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
          }
          if (f == null) {
            f = CompletableFuture.completedFuture(null);
          }
          f.whenComplete(
              (r, e) -> {
                if (e == null) {
                  answer.complete(r);
                } else {
                  answer.completeExceptionally(unwrap(e));
                }
              });
        };
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          executor.isShutdown()
              ? new UaException(StatusCodes.Bad_Shutdown, "the server is shutting down")
              : new UaException(
                  StatusCodes.Bad_TooManyOperations,
                  capacity + " " + what + " are waiting already; try again later"));
    }
    CompletableFuture.delayedExecutor(timeoutMs, TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (state.compareAndSet(WAITING, CANCELLED)) {
                executor.remove(task);
                answer.completeExceptionally(
                    new CancellationException("still waiting after " + timeoutMs + " ms"));
              } else {
                answer.completeExceptionally(new TimeoutException());
              }
            });
    return answer;
  }

  /** Whether {@link #close} was called. */
  boolean isShutdown() {
    return executor.isShutdown();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
