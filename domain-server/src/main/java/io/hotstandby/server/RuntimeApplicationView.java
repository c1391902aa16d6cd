package io.hotstandby.server;

import io.hotstandby.runtime.ProjectRuntime;
import io.hotstandby.runtime.alarms.AckResult;
import io.hotstandby.runtime.alarms.AlarmState;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.TagValue;
import io.hotstandby.server.mirror.StateMirror;
import io.hotstandby.server.opcua.SessionUser;
import io.hotstandby.server.opcua.app.AlarmView;
import io.hotstandby.server.opcua.app.ApplicationView;
import io.hotstandby.server.opcua.app.WriteOutcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The runtime as the OPC UA application namespace sees it. An accepted write or acknowledgement is
 * answered once the state mirror's standbys have applied it ({@link StateMirror#confirm}), so what
 * a client was told is done survives a failover.
 */
public final class RuntimeApplicationView implements ApplicationView {
  private final ProjectRuntime runtime;
  private final StateMirror mirror;
  private final SwapForwarding swap;

  /** A view with no mirror: actions are answered as soon as the runtime has done them. */
  public RuntimeApplicationView(ProjectRuntime runtime) {
    this(runtime, null, null);
  }

  RuntimeApplicationView(ProjectRuntime runtime, StateMirror mirror, SwapForwarding swap) {
    this.runtime = runtime;
    this.mirror = mirror;
    this.swap = swap;
  }

  /** Whether an action refused now should wait for a planned switchover to end instead. */
  private boolean heldBySwap() {
    return swap != null && !runtime.active() && swap.holds();
  }

  private CompletableFuture<Boolean> confirmed() {
    return mirror == null ? CompletableFuture.completedFuture(true) : mirror.confirm();
  }

  @Override
  public List<TagSpec> tags() {
    return runtime.tags();
  }

  @Override
  public TagValue read(String path) {
    return runtime.read(path).orElse(null);
  }

  @Override
  public void addTagListener(BiConsumer<String, TagValue> listener) {
    runtime.addTagListener(listener::accept);
  }

  @Override
  public CompletableFuture<WriteOutcome> write(String path, Object value, SessionUser user) {
    return writeHere(path, value, user)
        .thenCompose(
            o ->
                o.ok() || !heldBySwap()
                    ? CompletableFuture.completedFuture(o)
                    : swap.afterSwap("write", path, value, null, user)
                        .thenCompose(
                            after ->
                                after != null
                                    ? CompletableFuture.completedFuture(after)
                                    : writeHere(path, value, user)));
  }

  private CompletableFuture<WriteOutcome> writeHere(String path, Object value, SessionUser user) {
    return runtime
        .write(path, value, user.name(), user.client())
        .thenCompose(
            r ->
                r.ok()
                    ? confirmed().thenApply(c -> new WriteOutcome(true, r.status()))
                    : CompletableFuture.completedFuture(new WriteOutcome(false, r.status())));
  }

  @Override
  public List<AlarmView> alarms() {
    return runtime.alarms().stream().map(RuntimeApplicationView::view).toList();
  }

  @Override
  public void addAlarmListener(Consumer<AlarmView> listener) {
    runtime.addAlarmListener(state -> listener.accept(view(state)));
  }

  @Override
  public WriteOutcome acknowledge(String alarm, SessionUser user, String comment) {
    AckResult r = runtime.acknowledge(alarm, user.name(), user.client(), comment);
    if (r == AckResult.NOT_ACTIVE && heldBySwap()) {
      WriteOutcome after = swap.afterSwap("acknowledge", alarm, null, comment, user).join();
      if (after != null) {
        return after;
      }
      r = runtime.acknowledge(alarm, user.name(), user.client(), comment);
    }
    if (!r.ok()) {
      return WriteOutcome.refused(r.text());
    }
    confirmed().join(); // completes within the mirror's confirmation timeout, never exceptionally
    return new WriteOutcome(true, r.text());
  }

  private static AlarmView view(AlarmState s) {
    return new AlarmView(
        s.name(),
        s.tag(),
        s.active(),
        s.acknowledged(),
        s.severity(),
        s.message(),
        s.level() == null ? "" : s.level().name(),
        s.changeTime(),
        s.activeTime(),
        s.ackUser(),
        s.ackComment(),
        s.ackTime());
  }
}
