package io.hotstandby.server.opcua.app;

import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.TagValue;
import io.hotstandby.server.opcua.SessionUser;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What the OPC UA application namespace needs from the runtime: its tags and alarms, their current
 * values, change notifications, operator writes and acknowledgements. The namespace knows nothing
 * else of the runtime, roles or the cluster; an adapter implements this on the loaded runtime.
 *
 * <p>{@link #tags()} and {@link #alarms()} are read once, when the namespace starts: the set of
 * tags and alarms is fixed for the namespace's life.
 */
public interface ApplicationView {

  /** Every tag of the loaded project, in the order the address space should show them. */
  List<TagSpec> tags();

  /**
   * The current value of a tag.
   *
   * @return its value, quality and timestamps; null when the tag has none (yet) or is unknown
   */
  TagValue read(String path);

  /**
   * Registers a listener called with the tag's path and new value on every change, from runtime
   * threads. Calls for one tag come in the order of its changes.
   */
  void addTagListener(BiConsumer<String, TagValue> listener);

  /**
   * An operator's write of {@code value} to the tag at {@code path}. The value is of the tag's Java
   * type (Boolean, Integer, Long, Double or String).
   *
   * @param user who writes (an operator, checked already), for the audit log
   * @return completes with whether it was written and a one-line status ({@code written}, {@code
   *     refused: ...}, {@code failed: ...}); the OPC UA client waits for it, up to a bound
   */
  CompletableFuture<WriteOutcome> write(String path, Object value, SessionUser user);

  /** Every alarm of the loaded project with its current state. */
  List<AlarmView> alarms();

  /**
   * Registers a listener called with an alarm's new state on every change, from runtime threads.
   */
  void addAlarmListener(Consumer<AlarmView> listener);

  /**
   * An operator's acknowledgement of an alarm; {@code user} (an operator, checked already) is
   * recorded in the audit log.
   *
   * @return whether it was taken and a one-line status ({@code acknowledged}, {@code refused: ...})
   */
  WriteOutcome acknowledge(String alarm, SessionUser user, String comment);
}
