package io.hotstandby.server;

import io.hotstandby.runtime.ProjectRuntime;
import io.hotstandby.runtime.alarms.AckResult;
import io.hotstandby.runtime.alarms.AlarmState;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.TagValue;
import io.hotstandby.server.opcua.SessionUser;
import io.hotstandby.server.opcua.app.AlarmView;
import io.hotstandby.server.opcua.app.ApplicationView;
import io.hotstandby.server.opcua.app.WriteOutcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The runtime as the OPC UA application namespace sees it. */
public final class RuntimeApplicationView implements ApplicationView {
  private final ProjectRuntime runtime;

  public RuntimeApplicationView(ProjectRuntime runtime) {
    this.runtime = runtime;
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
    return runtime
        .write(path, value, user.name(), user.client())
        .thenApply(r -> new WriteOutcome(r.ok(), r.status()));
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
    return r.ok() ? new WriteOutcome(true, r.text()) : WriteOutcome.refused(r.text());
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
