package io.hotstandby.runtime.alarms;

import io.hotstandby.runtime.project.AlarmSpec;
import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagListener;
import io.hotstandby.runtime.tags.TagValue;
import io.hotstandby.runtime.tags.TypedValues;
import io.hotstandby.runtime.util.SerialRunner;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Evaluates the alarms of the loaded projects on every change of the tags they watch, while
 * evaluation is enabled (on the active server). Analog alarms follow {@link AnalogLimits}; a
 * digital alarm is active while its boolean tag equals {@code activeWhen}. A tag value with BAD
 * quality (or no value) changes no alarm. Only changes of an alarm's activity or level (and
 * acknowledgements) make a new {@link AlarmState}.
 *
 * <p>Feed it tag changes as a {@link TagListener}. Thread safe; listeners are called outside the
 * engine's lock, in order.
 */
public final class AlarmEngine implements TagListener {
  private final Clock clock;
  private final Map<String, AlarmSpec> specs = new LinkedHashMap<>();
  private final Map<String, List<AlarmSpec>> byTag = new HashMap<>();
  private final Map<String, AnalogLimits> limits = new HashMap<>();
  private final Object lock = new Object();
  private final Map<String, AlarmState> states = new HashMap<>();
  private final List<AlarmListener> listeners = new CopyOnWriteArrayList<>();
  private final SerialRunner notifications = new SerialRunner();
  private boolean enabled;

  /**
   * An engine for {@code alarms}, all inactive and acknowledged, evaluation disabled.
   *
   * @throws IllegalArgumentException when two alarms share a name
   */
  public AlarmEngine(List<AlarmSpec> alarms, Clock clock) {
    this.clock = clock;
    Instant now = clock.instant();
    for (AlarmSpec a : alarms) {
      if (specs.putIfAbsent(a.name(), a) != null) {
        throw new IllegalArgumentException("alarm " + a.name() + " is declared twice");
      }
      byTag.computeIfAbsent(a.tag(), t -> new ArrayList<>()).add(a);
      if (a instanceof AlarmSpec.Analog analog) {
        limits.put(a.name(), new AnalogLimits(analog));
      }
      states.put(
          a.name(),
          new AlarmState(
              a.name(),
              a.tag(),
              a.severity(),
              a.message(),
              false,
              true,
              null,
              null,
              now,
              null,
              null,
              null,
              null));
    }
  }

  /**
   * Starts evaluating, first every alarm against the current value of its tag.
   *
   * @param current the current value of a tag by path (null when unknown)
   */
  public void enable(Function<String, TagValue> current) {
    synchronized (lock) {
      enabled = true;
      Instant now = clock.instant();
      for (AlarmSpec a : specs.values()) {
        evaluate(a, current.apply(a.tag()), now);
      }
    }
    notifications.drain();
  }

  /** Stops evaluating; the alarms keep their states. */
  public void disable() {
    synchronized (lock) {
      enabled = false;
    }
  }

  /** Whether tag changes are evaluated. */
  public boolean enabled() {
    synchronized (lock) {
      return enabled;
    }
  }

  @Override
  public void changed(String path, TagValue value) {
    List<AlarmSpec> watching = byTag.get(path);
    if (watching == null) {
      return;
    }
    synchronized (lock) {
      if (!enabled) {
        return;
      }
      Instant now = clock.instant();
      for (AlarmSpec a : watching) {
        evaluate(a, value, now);
      }
    }
    notifications.drain();
  }

  private void evaluate(AlarmSpec spec, TagValue value, Instant now) {
    if (value == null || value.quality() == Quality.BAD || value.value() == null) {
      return;
    }
    AlarmState old = states.get(spec.name());
    boolean active;
    AlarmLevel level = null;
    try {
      if (spec instanceof AlarmSpec.Digital d) {
        active = TypedValues.convert(DataType.BOOLEAN, value.value()).equals(d.activeWhen());
      } else {
        double x = (Double) TypedValues.convert(DataType.DOUBLE, value.value());
        level = limits.get(spec.name()).level(old.level(), x);
        active = level != null;
      }
    } catch (IllegalArgumentException e) {
      return;
    }
    if (active != old.active() || level != old.level()) {
      put(old.condition(active, level, value.value(), now));
    }
  }

  private void put(AlarmState next) {
    states.put(next.name(), next);
    for (AlarmListener l : listeners) {
      notifications.enqueue(() -> l.changed(next));
    }
  }

  /**
   * Acknowledges the alarm {@code name}: records who, why and when. An inactive alarm that is
   * acknowledged is no longer {@link AlarmState#visible() visible}.
   */
  public AckResult acknowledge(String name, String user, String comment) {
    synchronized (lock) {
      AlarmState old = states.get(name);
      if (old == null) {
        return AckResult.UNKNOWN_ALARM;
      }
      if (old.acknowledged()) {
        return AckResult.ALREADY_ACKNOWLEDGED;
      }
      put(old.acknowledgedBy(user, comment, clock.instant()));
    }
    notifications.drain();
    return AckResult.ACKNOWLEDGED;
  }

  /**
   * Puts {@code state} as it is, as the state mirrored from the active server: only while
   * evaluation is disabled (never over the active's own evaluation), only for a declared alarm, and
   * only when it differs from the state held. The declaration's tag, severity and message are kept.
   *
   * @return whether the state was taken
   */
  public boolean mirror(AlarmState state) {
    synchronized (lock) {
      AlarmSpec spec = specs.get(state.name());
      if (enabled || spec == null) {
        return false;
      }
      AlarmState next =
          new AlarmState(
              spec.name(),
              spec.tag(),
              spec.severity(),
              spec.message(),
              state.active(),
              state.acknowledged(),
              state.level(),
              state.value(),
              state.changeTime(),
              state.activeTime(),
              state.ackUser(),
              state.ackComment(),
              state.ackTime());
      if (next.equals(states.get(spec.name()))) {
        return false;
      }
      put(next);
    }
    notifications.drain();
    return true;
  }

  /** The state of the alarm {@code name}. */
  public Optional<AlarmState> state(String name) {
    synchronized (lock) {
      return Optional.ofNullable(states.get(name));
    }
  }

  /** The state of every alarm, in declaration order. */
  public List<AlarmState> snapshot() {
    List<AlarmState> list = new ArrayList<>();
    synchronized (lock) {
      for (String name : specs.keySet()) {
        list.add(states.get(name));
      }
    }
    return list;
  }

  /** Adds a listener told about every later change. */
  public void addListener(AlarmListener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  /** Removes a listener added before. */
  public void removeListener(AlarmListener listener) {
    listeners.remove(listener);
  }
}
