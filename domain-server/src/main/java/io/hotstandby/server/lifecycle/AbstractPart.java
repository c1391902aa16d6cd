package io.hotstandby.server.lifecycle;

import io.hotstandby.server.StartupException;
import java.util.Optional;

/**
 * The state bookkeeping of a {@link ServerPart}: subclasses write {@link #doStart} and {@link
 * #doStop} only. The state is one volatile field written under the part's lock, so it can be read
 * from any thread without one.
 */
public abstract class AbstractPart implements ServerPart {
  private final String name;
  private volatile State state = State.NEW;
  private volatile Throwable failure;
  private boolean stopCalled;

  protected AbstractPart(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final void start() throws StartupException {
    synchronized (this) {
      if (state != State.NEW) {
        throw new IllegalStateException(name + " cannot start when " + state);
      }
      state = State.STARTING;
    }
    try {
      doStart();
    } catch (StartupException | RuntimeException e) {
      fail(e);
      throw e;
    }
    synchronized (this) {
      if (state == State.STARTING) {
        state = State.RUNNING;
      }
    }
  }

  @Override
  public final void stop() {
    synchronized (this) {
      if (stopCalled) {
        return;
      }
      stopCalled = true;
      if (state == State.NEW) {
        state = State.TERMINATED;
        return;
      }
      if (state != State.FAILED) {
        state = State.STOPPING;
      }
    }
    try {
      // A part that failed may still hold threads or ports: it is stopped like any other.
      doStop();
    } finally {
      synchronized (this) {
        state = failure == null ? State.TERMINATED : State.FAILED;
      }
    }
  }

  /** Marks the part failed; what it holds is still released by {@link #stop}. */
  protected final void fail(Throwable cause) {
    synchronized (this) {
      if (failure == null) {
        failure = cause;
      }
      if (state != State.TERMINATED) {
        state = State.FAILED;
      }
    }
  }

  @Override
  public final State state() {
    return state;
  }

  @Override
  public final Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  protected abstract void doStart() throws StartupException;

  protected abstract void doStop();
}
