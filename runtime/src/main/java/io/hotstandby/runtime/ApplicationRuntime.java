package io.hotstandby.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * The application a domain runs, as the domain server drives it. The runtime knows nothing of roles
 * or of the cluster: the server loads it on every candidate, activates it on the active and
 * deactivates it when the server steps down.
 */
public interface ApplicationRuntime extends AutoCloseable {

  /**
   * Loads and validates the projects, ready to run. On the standby this is the preloading that
   * makes a takeover cost milliseconds.
   *
   * @throws RuntimeLoadException naming the file, element and problem when a project is invalid
   */
  void load(List<Path> projects) throws RuntimeLoadException;

  /** Starts device writes and alarm evaluation. */
  void activate();

  /**
   * Stops device writes and alarm evaluation at once; the project stays loaded and, until {@link
   * #releaseDevices}, so do the device connections.
   */
  void deactivate();

  /**
   * A cold standby closes its device connections once it is no longer active (a warm standby keeps
   * them); may take a while as sessions close, so a server calls it off the thread that decides
   * roles. Does nothing while active.
   */
  void releaseDevices();

  /** Holds device writes back while an active that was paused has not heard its peers. */
  void suspendWrites(boolean suspended);

  /** Whether a project is loaded and the runtime could be activated. */
  boolean ready();

  /** Whether the runtime is active. */
  boolean active();

  /** The sum of the weights of the failures the runtime reports now; 0 is healthy. */
  int health();

  @Override
  void close();
}
