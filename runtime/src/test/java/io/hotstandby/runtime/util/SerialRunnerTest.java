package io.hotstandby.runtime.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SerialRunnerTest {
  private final SerialRunner runner = new SerialRunner();
  private final List<String> log = new ArrayList<>();

  @Test
  void runsQueuedTasksInOrder() {
    runner.enqueue(() -> log.add("a"));
    runner.enqueue(() -> log.add("b"));
    runner.drain();
    runner.drain();
    assertThat(log).containsExactly("a", "b");
  }

  @Test
  void aTaskQueuedByATaskRunsAfterIt() {
    runner.enqueue(
        () -> {
          log.add("outer start");
          runner.enqueue(() -> log.add("inner"));
          runner.drain();
          log.add("outer end");
        });
    runner.drain();
    assertThat(log).containsExactly("outer start", "outer end", "inner");
  }

  @Test
  void aFailingTaskDoesNotStopTheNext() {
    runner.enqueue(
        () -> {
          throw new IllegalStateException("boom");
        });
    runner.enqueue(() -> log.add("next"));
    runner.drain();
    assertThat(log).containsExactly("next");
  }
}
