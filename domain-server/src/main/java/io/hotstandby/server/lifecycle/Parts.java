package io.hotstandby.server.lifecycle;

import io.hotstandby.server.StartupException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of one server in the order they were started: {@link #stopAll} stops them in the
 * reverse order, each once, and goes on past a part whose stop fails.
 */
public final class Parts {
  private static final Logger log = LoggerFactory.getLogger(Parts.class);

  private final List<ServerPart> started = new ArrayList<>();

  /** What a simple part does when it starts. */
  @FunctionalInterface
  public interface StartAction {
    void run() throws StartupException;
  }

  /** A part made of two actions; for a component that has a start and a close and nothing else. */
  public static ServerPart of(String name, StartAction start, Runnable stop) {
    return new AbstractPart(name) {
      @Override
      protected void doStart() throws StartupException {
        start.run();
      }

      @Override
      protected void doStop() {
        stop.run();
      }
    };
  }

  /** A part that only has to be closed: started already, or nothing to start. */
  public static ServerPart closing(String name, AutoCloseable closeable) {
    return of(name, () -> {}, () -> closeQuietly(name, closeable));
  }

  /**
   * Starts {@code part} and remembers it; a part that fails to start is still stopped by {@link
   * #stopAll}, since it may have bound a port or started a thread before it failed.
   */
  public synchronized void start(ServerPart part) throws StartupException {
    started.add(part);
    part.start();
  }

  /** Stops every started part, the last started first. A second call does nothing more. */
  public void stopAll() {
    List<ServerPart> toStop;
    synchronized (this) {
      toStop = new ArrayList<>(started);
      started.clear();
    }
    for (int i = toStop.size() - 1; i >= 0; i--) {
      ServerPart part = toStop.get(i);
      try {
        part.stop();
      } catch (RuntimeException e) {
        log.warn("stopping {}: {}", part.name(), e.toString());
      }
    }
  }

  /** Closes {@code c}, logging rather than throwing: a stop must go on to the next part. */
  public static void closeQuietly(String name, AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.warn("closing {}: {}", name, e.toString());
    }
  }
}
