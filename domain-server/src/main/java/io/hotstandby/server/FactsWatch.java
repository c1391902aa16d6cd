package io.hotstandby.server;

import io.hotstandby.server.role.RoleContext;
import io.hotstandby.server.role.RoleEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Watches, on the role thread, the facts the role rules read from outside the machine (integrity
 * check, readiness, failure weight) and feeds a {@link RoleEvent.FactsChanged} when one changes.
 * Its own schedule, on the monotonic clock, also tells when this process was paused: a sample that
 * runs late by more than the pause threshold feeds {@link RoleEvent.Paused}.
 */
final class FactsWatch {
  /** How often the facts are sampled. */
  static final long PERIOD_MS = 25;

  private final RoleContext facts;
  private final LongSupplier pauseThresholdMillis;
  private final LongSupplier nanoClock;
  private final Consumer<RoleEvent> sink;
  private Sample last;
  private long lastRunNanos;

  private record Sample(boolean integrity, boolean ready, int health) {}

  /**
   * @param facts where the facts are read
   * @param pauseThresholdMillis how late a sample may run before it counts as a pause
   * @param sink feeds an event to the role machine (called on the role thread)
   */
  FactsWatch(
      RoleContext facts,
      LongSupplier pauseThresholdMillis,
      LongSupplier nanoClock,
      Consumer<RoleEvent> sink) {
    this.facts = facts;
    this.pauseThresholdMillis = pauseThresholdMillis;
    this.nanoClock = nanoClock;
    this.sink = sink;
  }

  /** One sample; role thread only. */
  void sample() {
    long now = nanoClock.getAsLong();
    if (lastRunNanos != 0) {
      long late = (now - lastRunNanos) / 1_000_000 - PERIOD_MS;
      if (late > pauseThresholdMillis.getAsLong()) {
        sink.accept(new RoleEvent.Paused(late));
      }
    }
    lastRunNanos = now;
    Sample s = new Sample(facts.integrityPasses(), facts.runtimeReady(), facts.health());
    Sample before = last;
    last = s;
    if (before == null || before.equals(s)) {
      return;
    }
    List<String> what = new ArrayList<>();
    if (before.integrity() != s.integrity()) {
      what.add(s.integrity() ? "integrity check passes" : "integrity check fails");
    }
    if (before.ready() != s.ready()) {
      what.add(s.ready() ? "ready" : "not ready");
    }
    if (before.health() != s.health()) {
      what.add("failure weight " + s.health());
    }
    sink.accept(new RoleEvent.FactsChanged(String.join(", ", what)));
  }
}
