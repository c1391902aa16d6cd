package io.hotstandby.testkit;

import java.time.Duration;

/** Every timeout of the tests, scaled from one base a slow machine can stretch. */
public final class Timing {
  private static final double SCALE =
      Double.parseDouble(System.getProperty("test.timeout.scale", "1"));

  private Timing() {}

  /** {@code seconds}, stretched by the {@code test.timeout.scale} system property. */
  public static Duration seconds(double seconds) {
    return Duration.ofMillis((long) (seconds * 1000 * SCALE));
  }
}
