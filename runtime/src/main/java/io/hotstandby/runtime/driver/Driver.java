package io.hotstandby.runtime.driver;

import io.hotstandby.runtime.project.TagSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One driver instance of a project: reaches one device (or computes values), delivers the values of
 * its tags to a {@link DriverSink}, and writes to the device on request. The runtime decides when
 * it runs: on a warm standby it is started (connected and subscribed, read only); on a cold standby
 * only when the server becomes active.
 */
public interface Driver extends AutoCloseable {

  /** The driver's name in the project. */
  String name();

  /** Connects (retrying in the background) and starts delivering the values of {@code tags}. */
  void start(List<TagSpec> tags, DriverSink sink);

  /**
   * Writes {@code value} to the device address of {@code tag}; completes exceptionally with a
   * one-line reason when the device refuses or cannot be reached.
   */
  CompletableFuture<Void> write(TagSpec tag, Object value);

  /** Whether the device is reachable now. */
  boolean connected();

  /** Disconnects and stops every thread of the driver; a second call is harmless. */
  @Override
  void close();
}
