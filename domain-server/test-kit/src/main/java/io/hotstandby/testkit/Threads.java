package io.hotstandby.testkit;

import java.util.Arrays;
import java.util.List;

/** What the JVM's threads are doing, for tests that a call leaves no thread waiting. */
public final class Threads {
  private Threads() {}

  /**
   * The names of the threads that are not running and have a frame of a class in {@code
   * packagePrefix}: they wait somewhere in that code. Frames of {@code except} (the asking test) do
   * not count.
   */
  public static List<String> waitingIn(String packagePrefix, Class<?> except) {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getState() != Thread.State.RUNNABLE)
        .filter(
            e ->
                Arrays.stream(e.getValue())
                    .map(StackTraceElement::getClassName)
                    .anyMatch(c -> c.startsWith(packagePrefix) && !c.startsWith(except.getName())))
        .map(e -> e.getKey().getName())
        .distinct()
        .toList();
  }
}
