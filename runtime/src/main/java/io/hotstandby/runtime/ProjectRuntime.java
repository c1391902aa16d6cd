package io.hotstandby.runtime;

import io.hotstandby.runtime.alarms.AckResult;
import io.hotstandby.runtime.alarms.AlarmListener;
import io.hotstandby.runtime.alarms.AlarmState;
import io.hotstandby.runtime.driver.DefaultDrivers;
import io.hotstandby.runtime.driver.Driver;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.project.Project;
import io.hotstandby.runtime.project.ProjectFileException;
import io.hotstandby.runtime.project.ProjectFileReader;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.TagListener;
import io.hotstandby.runtime.tags.TagValue;
import io.hotstandby.runtime.tags.TypedValues;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application runtime: the projects' tags, drivers and alarms, driven through the {@link
 * ApplicationRuntime} life cycle by the domain server.
 *
 * <ul>
 *   <li>{@link #load}: reads and checks every project, builds the tag database and alarm engine and
 *       creates the drivers; in {@link StandbyMode#WARM} it starts them (read only). A project that
 *       cannot be loaded changes nothing: a first load leaves the runtime not ready with nothing
 *       started, a reload keeps the previous projects running.
 *   <li>{@link #activate}: starts the drivers (if not running), accepts writes and evaluates the
 *       alarms, at once against the current values. {@link #deactivate}: refuses writes and stops
 *       evaluating; in {@link StandbyMode#COLD} it also stops the drivers.
 *   <li>{@link #write} and {@link #acknowledge} are refused unless active (and, for writes, not
 *       suspended after a pause); every attempt goes to the {@link AuditSink}.
 *   <li>{@link #health}: the sum of the failure weights of the started drivers whose device is
 *       unreachable; {@link #addHealthListener} hears each connection loss and recovery.
 * </ul>
 *
 * <p>Listeners added here survive a reload.
 */
public final class ProjectRuntime implements ApplicationRuntime {
  private static final Logger log = LoggerFactory.getLogger(ProjectRuntime.class);

  /** How long a driver may take to answer a write before it counts as failed. */
  public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

  private volatile Path retentiveFile;

  private final StandbyMode mode;
  private final Function<DriverSpec, Driver> driverFactory;

  /** The client of an action asked from within this process. */
  public static final String LOCAL = "local";

  private final AuditSink audit;
  private final Clock clock;
  private final Object loading = new Object();
  private final List<TagListener> tagListeners = new CopyOnWriteArrayList<>();
  private final List<AlarmListener> alarmListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<HealthEvent>> healthListeners = new CopyOnWriteArrayList<>();
  private final TagListener tagForwarder = this::tagChanged;
  private final AlarmListener alarmForwarder = this::alarmChanged;
  private volatile LoadedRuntime loaded;
  private volatile RetentiveStore retentive;
  private volatile boolean active;
  private volatile boolean writesSuspended;
  private volatile boolean closed;

  /** A runtime with the built-in drivers, no audit and the system clock. */
  public ProjectRuntime(StandbyMode mode) {
    this(mode, new DefaultDrivers());
  }

  /** A runtime making its drivers with {@code driverFactory}, no audit and the system clock. */
  public ProjectRuntime(StandbyMode mode, Function<DriverSpec, Driver> driverFactory) {
    this(mode, driverFactory, AuditSink.none(), Clock.systemUTC());
  }

  /**
   * A runtime making its drivers with {@code driverFactory}, recording operator actions to {@code
   * audit} and reading time from {@code clock}.
   */
  public ProjectRuntime(
      StandbyMode mode, Function<DriverSpec, Driver> driverFactory, AuditSink audit, Clock clock) {
    this.mode = mode;
    this.driverFactory = driverFactory;
    this.audit = audit;
    this.clock = clock;
  }

  /** How this runtime behaves on a standby. */
  public StandbyMode mode() {
    return mode;
  }

  /**
   * Keeps the values of retentive memory tags in {@code file}, restored by the next {@link #load}.
   * Call before loading.
   */
  public void keepRetentiveValuesIn(Path file) {
    this.retentiveFile = file;
  }

  @Override
  public void load(List<Path> projects) throws RuntimeLoadException {
    load(projects, Map.of());
  }

  /**
   * As {@link #load(List)}, parsing the bytes {@code contents} gives for a project rather than
   * reading its file, so a caller that read the files itself knows exactly which bytes run. A
   * project {@code contents} does not hold is read from its file.
   *
   * @param contents the content of some or all of {@code projects}, by the same path
   */
  public void load(List<Path> projects, Map<Path, byte[]> contents) throws RuntimeLoadException {
    synchronized (loading) {
      List<Project> read = new ArrayList<>();
      for (Path p : projects) {
        byte[] content = contents.get(p);
        try {
          read.add(
              content == null ? ProjectFileReader.read(p) : ProjectFileReader.parse(p, content));
        } catch (ProjectFileException e) {
          throw new RuntimeLoadException(e);
        }
      }
      LoadedRuntime next =
          LoadedRuntime.build(
              MergedProjects.merge(read), driverFactory, this::healthChanged, clock);
      if (retentiveFile != null) {
        RetentiveStore store = new RetentiveStore(retentiveFile, next.tags.tags());
        store.restore(next.tags);
        next.tags.addListener(store);
        retentive = store;
      }
      next.tags.addListener(tagForwarder);
      next.alarms.addListener(alarmForwarder);
      synchronized (this) {
        if (closed) {
          next.close();
          throw new RuntimeLoadException("the runtime is closed");
        }
        LoadedRuntime old = loaded;
        loaded = next;
        if (old != null) {
          old.tags.removeListener(tagForwarder);
          old.alarms.removeListener(alarmForwarder);
          old.close();
        }
        if (mode == StandbyMode.WARM || active) {
          next.startDrivers();
        }
        if (active) {
          enableAlarms(next);
        }
      }
      log.info(
          "runtime loaded {} project(s): {} tags, {} alarms ({} standby)",
          read.size(),
          next.tags.tags().size(),
          next.alarms.snapshot().size(),
          mode);
    }
  }

  @Override
  public synchronized void activate() {
    if (closed) {
      return;
    }
    active = true;
    LoadedRuntime l = loaded;
    if (l != null) {
      l.startDrivers();
      enableAlarms(l);
    }
  }

  private static void enableAlarms(LoadedRuntime l) {
    l.alarms.enable(path -> l.tags.read(path).orElse(null));
  }

  @Override
  public synchronized void deactivate() {
    active = false;
    LoadedRuntime l = loaded;
    if (l != null) {
      l.alarms.disable();
    }
  }

  @Override
  public synchronized void releaseDevices() {
    LoadedRuntime l = loaded;
    if (!active && l != null && mode == StandbyMode.COLD) {
      l.stopDrivers();
    }
  }

  @Override
  public void suspendWrites(boolean suspended) {
    writesSuspended = suspended;
  }

  @Override
  public boolean ready() {
    return loaded != null && !closed;
  }

  /** Whether the runtime is active (alarms evaluated); writes may still be suspended. */
  @Override
  public boolean active() {
    return active;
  }

  /** Whether operators' writes are accepted now: active and not suspended. */
  public boolean writesAllowed() {
    return active && !writesSuspended;
  }

  @Override
  public int health() {
    LoadedRuntime l = loaded;
    return l == null ? 0 : l.health();
  }

  /** Every tag of the loaded projects, in declaration order; empty before a load. */
  public List<TagSpec> tags() {
    LoadedRuntime l = loaded;
    return l == null ? List.of() : l.tags.tags();
  }

  /** The current value of the tag at {@code path}; empty when there is no such tag. */
  public Optional<TagValue> read(String path) {
    LoadedRuntime l = loaded;
    return l == null ? Optional.empty() : l.tags.read(path);
  }

  /** The current value of every tag (for mirroring), in declaration order. */
  public Map<String, TagValue> tagSnapshot() {
    LoadedRuntime l = loaded;
    return l == null ? Map.of() : l.tags.snapshot();
  }

  /** The state of every alarm, in declaration order; empty before a load. */
  public List<AlarmState> alarms() {
    LoadedRuntime l = loaded;
    return l == null ? List.of() : l.alarms.snapshot();
  }

  /**
   * Whether the tag at {@code path} follows the active server's value on a standby: memory tags
   * always (a standby cannot compute them), driver tags only in {@link StandbyMode#COLD} (a warm
   * standby reads its devices itself).
   */
  public boolean mirrors(String path) {
    LoadedRuntime l = loaded;
    Optional<TagSpec> spec = l == null ? Optional.empty() : l.tags.spec(path);
    return spec.isPresent() && (spec.get().memory() || mode == StandbyMode.COLD);
  }

  /** The current value of every tag that {@link #mirrors}, in declaration order. */
  public Map<String, TagValue> mirroredTagSnapshot() {
    Map<String, TagValue> all = tagSnapshot();
    Map<String, TagValue> out = new java.util.LinkedHashMap<>();
    all.forEach(
        (path, v) -> {
          if (mirrors(path)) {
            out.put(path, v);
          }
        });
    return out;
  }

  /**
   * Takes a tag value mirrored from the active server, as it is (timestamps included). Ignored
   * while this runtime is active, and for a tag that does not {@link #mirrors mirror}.
   *
   * @return whether the value was taken
   */
  public boolean applyMirrored(String path, TagValue value) {
    LoadedRuntime l = loaded;
    return !active && l != null && mirrors(path) && l.tags.mirror(path, value);
  }

  /**
   * Takes an alarm state mirrored from the active server (acknowledgement included). Ignored while
   * this runtime is active.
   *
   * @return whether the state was taken
   */
  public boolean applyMirrored(AlarmState state) {
    LoadedRuntime l = loaded;
    return !active && l != null && l.alarms.mirror(state);
  }

  /** The stored value of every retentive memory tag, stamped with when it was stored. */
  public Map<String, TagValue> retentiveValues() {
    RetentiveStore r = retentive;
    return r == null ? Map.of() : r.stored();
  }

  /**
   * Adopts each of {@code offered} (another server's stored retentive values) that is newer than
   * this server's stored value of the same tag, or that this server has none of: the newest
   * confirmed value wins, whichever server started first.
   *
   * @return the paths adopted
   */
  public List<String> adoptNewerRetentive(Map<String, TagValue> offered) {
    RetentiveStore r = retentive;
    LoadedRuntime l = loaded;
    List<String> adopted = new ArrayList<>();
    if (r == null || l == null) {
      return adopted;
    }
    offered.forEach(
        (path, v) -> {
          Instant mine = r.time(path);
          if (r.keeps(path)
              && v.value() != null
              && (mine == null || v.serverTime().isAfter(mine))
              && l.tags.mirror(path, v)) {
            adopted.add(path);
          }
        });
    return adopted;
  }

  /**
   * Writes {@code value} for {@code user} to the tag at {@code path}: a memory tag is set at once,
   * a driver tag is written to its device. Refused (never throws) unless the runtime is active, its
   * writes are not suspended, the tag exists and is writable and the value fits its type. The
   * result, accepted or not, is recorded to the audit sink.
   */
  public CompletableFuture<WriteResult> write(String path, Object value, String user) {
    return write(path, value, user, LOCAL);
  }

  /** As {@link #write(String, Object, String)}, for {@code user} connected from {@code client}. */
  public CompletableFuture<WriteResult> write(
      String path, Object value, String user, String client) {
    Instant time = clock.instant();
    CompletableFuture<WriteResult> result;
    try {
      result = attemptWrite(path, value);
    } catch (RuntimeException e) {
      log.warn("write to {} failed", path, e);
      result = CompletableFuture.completedFuture(WriteResult.failed(e.toString()));
    }
    return result.whenComplete(
        (r, e) ->
            record(new AuditRecord(time, user, client, "write", path, value, r.ok(), r.status())));
  }

  private CompletableFuture<WriteResult> attemptWrite(String path, Object value) {
    LoadedRuntime l = loaded;
    Optional<TagSpec> found = l == null ? Optional.empty() : l.tags.spec(path);
    String refusal = null;
    if (!active) {
      refusal = "this server is not ACTIVE";
    } else if (writesSuspended) {
      refusal = "writes suspended after a pause";
    } else if (found.isEmpty()) {
      refusal = "unknown tag " + path;
    } else if (!found.get().writable()) {
      refusal = "tag " + path + " is not writable";
    }
    if (refusal != null) {
      return CompletableFuture.completedFuture(WriteResult.refused(refusal));
    }
    TagSpec tag = found.get();
    Object typed;
    try {
      typed = TypedValues.convert(tag.type(), value);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          WriteResult.refused("tag " + path + ": " + e.getMessage()));
    }
    Optional<DriverSlot> driver = l.driverOf(path);
    if (driver.isEmpty()) {
      l.tags.set(path, typed);
      return CompletableFuture.completedFuture(WriteResult.written());
    }
    return driver
        .get()
        .write(tag, typed)
        .orTimeout(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .handle((ok, e) -> e == null ? WriteResult.written() : failure(driver.get(), e));
  }

  private static WriteResult failure(DriverSlot driver, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof TimeoutException) {
      return WriteResult.failed(
          "no answer from driver "
              + driver.label()
              + " within "
              + WRITE_TIMEOUT.toSeconds()
              + " s");
    }
    String message = cause.getMessage();
    return WriteResult.failed(message == null ? cause.toString() : message);
  }

  /**
   * Acknowledges the alarm {@code name} for {@code user}; refused unless the runtime is active.
   * Recorded to the audit sink either way.
   */
  public AckResult acknowledge(String name, String user, String comment) {
    return acknowledge(name, user, LOCAL, comment);
  }

  /**
   * As {@link #acknowledge(String, String, String)}, for {@code user} connected from {@code
   * client}.
   */
  public AckResult acknowledge(String name, String user, String client, String comment) {
    Instant time = clock.instant();
    LoadedRuntime l = loaded;
    AckResult r;
    if (!active) {
      r = AckResult.NOT_ACTIVE;
    } else if (l == null) {
      r = AckResult.UNKNOWN_ALARM;
    } else {
      r = l.alarms.acknowledge(name, user, comment);
    }
    record(new AuditRecord(time, user, client, "acknowledge", name, comment, r.ok(), r.text()));
    return r;
  }

  private void record(AuditRecord r) {
    try {
      audit.record(r);
    } catch (RuntimeException e) {
      log.error("cannot record {}: {}", r, e.toString());
    }
  }

  /** Adds a listener told about every published tag change (also after a reload). */
  public void addTagListener(TagListener listener) {
    tagListeners.add(listener);
  }

  /** Removes a tag listener. */
  public void removeTagListener(TagListener listener) {
    tagListeners.remove(listener);
  }

  /** Adds a listener told about every change of an alarm's state (also after a reload). */
  public void addAlarmListener(AlarmListener listener) {
    alarmListeners.add(listener);
  }

  /** Removes an alarm listener. */
  public void removeAlarmListener(AlarmListener listener) {
    alarmListeners.remove(listener);
  }

  /**
   * Adds a listener told when a driver's connection goes down or comes back, for the server's event
   * log ({@link HealthEvent#text()}). Called on the driver's thread; must not block.
   */
  public void addHealthListener(Consumer<HealthEvent> listener) {
    healthListeners.add(listener);
  }

  /** Removes a health listener. */
  public void removeHealthListener(Consumer<HealthEvent> listener) {
    healthListeners.remove(listener);
  }

  private void tagChanged(String path, TagValue value) {
    for (TagListener l : tagListeners) {
      try {
        l.changed(path, value);
      } catch (RuntimeException e) {
        log.warn("tag listener failed", e);
      }
    }
  }

  private void alarmChanged(AlarmState state) {
    for (AlarmListener l : alarmListeners) {
      try {
        l.changed(state);
      } catch (RuntimeException e) {
        log.warn("alarm listener failed", e);
      }
    }
  }

  private void healthChanged(HealthEvent event) {
    for (Consumer<HealthEvent> l : healthListeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        log.warn("health listener failed", e);
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    active = false;
    LoadedRuntime l = loaded;
    if (l != null) {
      l.close();
    }
  }
}
