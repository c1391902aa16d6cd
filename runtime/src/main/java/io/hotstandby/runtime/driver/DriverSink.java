package io.hotstandby.runtime.driver;

import io.hotstandby.runtime.tags.Quality;
import java.time.Instant;

/** Where a driver delivers what it reads. Called from the driver's threads; must not block. */
public interface DriverSink {

  /** A new value of the tag at {@code path}. */
  void value(String path, Object value, Quality quality, Instant sourceTime);

  /** The driver's connection to its device went up or down; {@code detail} says why. */
  void connection(String driver, boolean up, String detail);
}
