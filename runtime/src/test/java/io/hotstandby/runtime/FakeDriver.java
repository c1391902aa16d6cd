package io.hotstandby.runtime;

import io.hotstandby.runtime.driver.Driver;
import io.hotstandby.runtime.driver.DriverSink;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.Quality;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A driver a test controls: it records writes, and delivers values and connection changes. */
final class FakeDriver implements Driver {
  private final String name;
  final List<String> writes = new CopyOnWriteArrayList<>();
  volatile String refuseWrites;
  volatile boolean started;
  volatile boolean closed;
  private volatile boolean connected;
  private volatile DriverSink sink;

  FakeDriver(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start(List<TagSpec> tags, DriverSink sink) {
    this.sink = sink;
    started = true;
    connect();
  }

  void connect() {
    connected = true;
    sink.connection(name, true, "");
  }

  void disconnect(String why) {
    connected = false;
    sink.connection(name, false, why);
  }

  void push(String path, Object value) {
    sink.value(path, value, Quality.GOOD, Instant.now());
  }

  @Override
  public CompletableFuture<Void> write(TagSpec tag, Object value) {
    writes.add(tag.path() + "=" + value + " (" + value.getClass().getSimpleName() + ")");
    if (refuseWrites != null) {
      return CompletableFuture.failedFuture(new IllegalStateException(refuseWrites));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public boolean connected() {
    return connected;
  }

  @Override
  public void close() {
    closed = true;
    connected = false;
  }
}
