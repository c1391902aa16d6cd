package io.hotstandby.runtime.tags;

import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.util.SerialRunner;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current value of every tag of the loaded projects.
 *
 * <p>Initial values: a memory tag is GOOD with its declared initial value (as {@link
 * DataType#parseValue} reads it), or UNCERTAIN with its type's default ({@link
 * TypedValues#defaultValue}) when it declares none; a driver tag is BAD with no value until its
 * driver delivers one. A driver update is published only when it matters: the quality changed, or
 * the value changed (for numeric tags: by at least the tag's deadband against the last published
 * value). What is not published is not stored either, so {@link #read} and {@link #snapshot} always
 * show what listeners were told.
 *
 * <p>Thread safe; listeners are called outside the database's lock, in the order of the changes.
 */
public final class TagDatabase {
  private static final Logger log = LoggerFactory.getLogger(TagDatabase.class);

  private final Map<String, TagSpec> specs;
  private final Clock clock;
  private final Object lock = new Object();
  private final Map<String, TagValue> values = new HashMap<>();
  private final List<TagListener> listeners = new CopyOnWriteArrayList<>();
  private final SerialRunner notifications = new SerialRunner();

  /**
   * A database of {@code tags} with their initial values.
   *
   * @throws IllegalArgumentException when two tags share a path or a memory tag's initial value
   *     does not fit its type; the message names the tag
   */
  public TagDatabase(List<TagSpec> tags, Clock clock) {
    this.clock = clock;
    Map<String, TagSpec> byPath = new LinkedHashMap<>();
    Instant now = clock.instant();
    for (TagSpec t : tags) {
      if (byPath.putIfAbsent(t.path(), t) != null) {
        throw new IllegalArgumentException("tag " + t.path() + " is declared twice");
      }
      values.put(t.path(), initial(t, now));
    }
    this.specs = Collections.unmodifiableMap(byPath);
  }

  private static TagValue initial(TagSpec t, Instant now) {
    if (!t.memory()) {
      return new TagValue(null, Quality.BAD, now, now);
    }
    if (t.initial() == null) {
      return new TagValue(TypedValues.defaultValue(t.type()), Quality.UNCERTAIN, now, now);
    }
    try {
      return new TagValue(DataType.parseValue(t.type(), t.initial()), Quality.GOOD, now, now);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tag " + t.path() + ": initial value: " + e.getMessage(), e);
    }
  }

  /** Every tag, in declaration order. */
  public List<TagSpec> tags() {
    return List.copyOf(specs.values());
  }

  /** The declaration of the tag at {@code path}. */
  public Optional<TagSpec> spec(String path) {
    return Optional.ofNullable(specs.get(path));
  }

  /** The current value of the tag at {@code path}; empty for an unknown tag. */
  public Optional<TagValue> read(String path) {
    synchronized (lock) {
      return Optional.ofNullable(values.get(path));
    }
  }

  /** The current value of every tag, in declaration order. */
  public Map<String, TagValue> snapshot() {
    Map<String, TagValue> copy = new LinkedHashMap<>();
    synchronized (lock) {
      for (String path : specs.keySet()) {
        copy.put(path, values.get(path));
      }
    }
    return copy;
  }

  /**
   * A value from a driver. A value that does not fit the tag's type is stored as BAD with no value
   * (and logged). Unknown paths are ignored.
   *
   * @param sourceTime when the device produced it; null means now
   * @return whether the change was published
   */
  public boolean update(String path, Object value, Quality quality, Instant sourceTime) {
    TagSpec spec = specs.get(path);
    if (spec == null) {
      return false;
    }
    Object typed = value;
    Quality q = quality;
    if (value != null) {
      try {
        typed = TypedValues.convert(spec.type(), value);
      } catch (IllegalArgumentException e) {
        log.warn("tag {}: value from driver {} refused: {}", path, spec.driver(), e.getMessage());
        typed = null;
        q = Quality.BAD;
      }
    }
    return publish(spec, typed, q, sourceTime, false);
  }

  /**
   * Sets the tag at {@code path} to {@code value} (converted to its type) with GOOD quality, as an
   * accepted operator write to a memory tag does. Always published.
   *
   * @throws IllegalArgumentException for an unknown tag or a value that does not fit its type
   */
  public void set(String path, Object value) {
    TagSpec spec = specs.get(path);
    if (spec == null) {
      throw new IllegalArgumentException("unknown tag " + path);
    }
    publish(spec, TypedValues.convert(spec.type(), value), Quality.GOOD, null, true);
  }

  /**
   * Puts {@code value} as it is (value, quality and both timestamps) into the tag at {@code path},
   * as a value mirrored from the active server or restored from the retentive file. Published when
   * it differs from the current value in any field. Unknown paths and values that do not fit the
   * tag's type are ignored.
   *
   * @return whether the change was published
   */
  public boolean mirror(String path, TagValue value) {
    TagSpec spec = specs.get(path);
    if (spec == null || value == null || value.quality() == null) {
      return false;
    }
    TagValue typed = value;
    if (value.value() != null) {
      try {
        typed =
            new TagValue(
                TypedValues.convert(spec.type(), value.value()),
                value.quality(),
                value.sourceTime(),
                value.serverTime());
      } catch (IllegalArgumentException e) {
        log.warn("tag {}: mirrored value refused: {}", path, e.getMessage());
        return false;
      }
    }
    TagValue next = typed;
    synchronized (lock) {
      if (next.equals(values.get(path))) {
        return false;
      }
      values.put(path, next);
      for (TagListener l : listeners) {
        notifications.enqueue(() -> l.changed(path, next));
      }
    }
    notifications.drain();
    return true;
  }

  /**
   * Marks the tags at {@code paths} BAD, keeping their last values (as a last known value), as when
   * their driver loses its device or stops.
   */
  public void invalidate(Collection<String> paths) {
    for (String path : paths) {
      TagSpec spec = specs.get(path);
      if (spec != null) {
        publish(spec, old -> change(old.value(), Quality.BAD, null), false);
      }
    }
  }

  private boolean publish(
      TagSpec spec, Object value, Quality quality, Instant sourceTime, boolean always) {
    return publish(spec, old -> change(value, quality, sourceTime), always);
  }

  private TagValue change(Object value, Quality quality, Instant sourceTime) {
    Instant now = clock.instant();
    return new TagValue(value, quality, sourceTime == null ? now : sourceTime, now);
  }

  private boolean publish(TagSpec spec, UnaryOperator<TagValue> change, boolean always) {
    synchronized (lock) {
      TagValue old = values.get(spec.path());
      TagValue next = change.apply(old);
      if (!always && !significant(spec, old, next)) {
        return false;
      }
      values.put(spec.path(), next);
      for (TagListener l : listeners) {
        notifications.enqueue(() -> l.changed(spec.path(), next));
      }
    }
    notifications.drain();
    return true;
  }

  private static boolean significant(TagSpec spec, TagValue old, TagValue next) {
    if (old.quality() != next.quality()) {
      return true;
    }
    if (Objects.equals(old.value(), next.value())) {
      return false;
    }
    if (spec.deadband() > 0
        && old.value() instanceof Number a
        && next.value() instanceof Number b) {
      return !(Math.abs(a.doubleValue() - b.doubleValue()) < spec.deadband());
    }
    return true;
  }

  /** Adds a listener told about every later published change. */
  public void addListener(TagListener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  /** Removes a listener added before. */
  public void removeListener(TagListener listener) {
    listeners.remove(listener);
  }
}
