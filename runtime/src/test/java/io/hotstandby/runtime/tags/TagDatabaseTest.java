package io.hotstandby.runtime.tags;

import static io.hotstandby.runtime.testutil.Specs.driven;
import static io.hotstandby.runtime.testutil.Specs.memory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TagDatabaseTest {
  private final MutableClock clock = new MutableClock();
  private final TagDatabase db =
      new TagDatabase(
          List.of(
              memory("M.Setpoint", DataType.DOUBLE, "2.5"),
              memory("M.Count", DataType.INT32, null),
              memory("M.Mode", DataType.STRING, "AUTO"),
              driven("D.Level", DataType.DOUBLE, "plc", 0.5),
              driven("D.Run", DataType.BOOLEAN, "plc", 0),
              driven("D.Total", DataType.INT64, "plc", 0)),
          clock);
  private final List<String> seen = new ArrayList<>();

  {
    db.addListener((path, v) -> seen.add(path + "=" + v.value() + "/" + v.quality()));
  }

  @Test
  void initialValues() {
    assertThat(db.read("M.Setpoint").orElseThrow())
        .isEqualTo(new TagValue(2.5, Quality.GOOD, clock.instant(), clock.instant()));
    assertThat(db.read("M.Count").orElseThrow().value()).isEqualTo(0);
    assertThat(db.read("M.Count").orElseThrow().quality()).isEqualTo(Quality.UNCERTAIN);
    assertThat(db.read("M.Mode").orElseThrow().value()).isEqualTo("AUTO");
    assertThat(db.read("D.Level").orElseThrow().value()).isNull();
    assertThat(db.read("D.Level").orElseThrow().quality()).isEqualTo(Quality.BAD);
    assertThat(db.read("nope")).isEmpty();
    assertThat(db.snapshot().keySet())
        .containsExactly("M.Setpoint", "M.Count", "M.Mode", "D.Level", "D.Run", "D.Total");
  }

  @Test
  void badInitialValueOrDuplicatePathIsRefused() {
    assertThatThrownBy(() -> new TagDatabase(List.of(memory("A", DataType.INT32, "1.5")), clock))
        .hasMessageContaining("tag A: initial value")
        .hasMessageContaining("not a whole number");
    assertThatThrownBy(
            () ->
                new TagDatabase(
                    List.of(memory("A", DataType.INT32, "1"), memory("A", DataType.INT32, "2")),
                    clock))
        .hasMessageContaining("tag A is declared twice");
  }

  @Test
  void numericChangeSmallerThanDeadbandIsNotPublished() {
    assertThat(db.update("D.Level", 1.0, Quality.GOOD, null)).isTrue();
    assertThat(db.update("D.Level", 1.4, Quality.GOOD, null)).isFalse();
    assertThat(db.read("D.Level").orElseThrow().value()).isEqualTo(1.0);
    // against the last published value, so slow drift is published once it adds up
    assertThat(db.update("D.Level", 1.5, Quality.GOOD, null)).isTrue();
    assertThat(db.update("D.Level", 1.1, Quality.GOOD, null)).isFalse();
    assertThat(db.update("D.Level", 0.9, Quality.GOOD, null)).isTrue();
    assertThat(seen).containsExactly("D.Level=1.0/GOOD", "D.Level=1.5/GOOD", "D.Level=0.9/GOOD");
  }

  @Test
  void qualityChangeIsPublishedInsideTheDeadband() {
    db.update("D.Level", 1.0, Quality.GOOD, null);
    assertThat(db.update("D.Level", 1.1, Quality.UNCERTAIN, null)).isTrue();
    assertThat(db.update("D.Level", 1.1, Quality.UNCERTAIN, null)).isFalse();
    assertThat(seen).containsExactly("D.Level=1.0/GOOD", "D.Level=1.1/UNCERTAIN");
  }

  @Test
  void withoutDeadbandEveryChangeButNoRepeatIsPublished() {
    assertThat(db.update("D.Run", true, Quality.GOOD, null)).isTrue();
    assertThat(db.update("D.Run", true, Quality.GOOD, null)).isFalse();
    assertThat(db.update("D.Run", false, Quality.GOOD, null)).isTrue();
    assertThat(db.update("D.Total", Long.MAX_VALUE - 1, Quality.GOOD, null)).isTrue();
    assertThat(db.update("D.Total", Long.MAX_VALUE, Quality.GOOD, null)).isTrue();
  }

  @Test
  void driverValuesAreConvertedToTheTagType() {
    clock.advance(Duration.ofSeconds(5));
    Instant source = Instant.parse("2026-01-01T00:00:01Z");
    db.update("D.Level", 3, Quality.GOOD, source);
    TagValue v = db.read("D.Level").orElseThrow();
    assertThat(v.value()).isEqualTo(3.0);
    assertThat(v.sourceTime()).isEqualTo(source);
    assertThat(v.serverTime()).isEqualTo(clock.instant());
    db.update("D.Total", 7, Quality.GOOD, null);
    assertThat(db.read("D.Total").orElseThrow().value()).isEqualTo(7L);
  }

  @Test
  void aValueThatDoesNotFitIsStoredBad() {
    db.update("D.Run", true, Quality.GOOD, null);
    db.update("D.Run", "maybe", Quality.GOOD, null);
    assertThat(db.read("D.Run").orElseThrow().quality()).isEqualTo(Quality.BAD);
    assertThat(db.read("D.Run").orElseThrow().value()).isNull();
  }

  @Test
  void setWritesAMemoryTagGoodAndAlwaysPublishes() {
    db.set("M.Count", "12");
    db.set("M.Count", 12);
    assertThat(db.read("M.Count").orElseThrow())
        .extracting(TagValue::value, TagValue::quality)
        .containsExactly(12, Quality.GOOD);
    assertThat(seen).containsExactly("M.Count=12/GOOD", "M.Count=12/GOOD");
    assertThatThrownBy(() -> db.set("M.Count", 1.5)).hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> db.set("nope", 1)).hasMessageContaining("unknown tag nope");
  }

  @Test
  void invalidateKeepsTheLastValueAsBad() {
    db.update("D.Level", 2.0, Quality.GOOD, null);
    db.invalidate(List.of("D.Level", "D.Run"));
    assertThat(db.read("D.Level").orElseThrow())
        .extracting(TagValue::value, TagValue::quality)
        .containsExactly(2.0, Quality.BAD);
    // D.Run was BAD already: nothing to publish
    assertThat(seen).containsExactly("D.Level=2.0/GOOD", "D.Level=2.0/BAD");
  }

  @Test
  void unknownPathFromADriverIsIgnored() {
    assertThat(db.update("nope", 1, Quality.GOOD, null)).isFalse();
    assertThat(seen).isEmpty();
  }

  @Test
  void removedListenerHearsNothing() {
    List<String> other = new ArrayList<>();
    TagListener l = (p, v) -> other.add(p);
    db.addListener(l);
    db.set("M.Mode", "MANUAL");
    db.removeListener(l);
    db.set("M.Mode", "AUTO");
    assertThat(other).containsExactly("M.Mode");
  }

  @Test
  void listenerThatWritesIsToldInOrderWithoutRecursion() {
    List<String> order = new ArrayList<>();
    db.addListener(
        (p, v) -> {
          order.add(p + "=" + v.value());
          if (p.equals("M.Mode")) {
            db.set("M.Count", 1);
            order.add("after set");
          }
        });
    db.set("M.Mode", "MANUAL");
    assertThat(order).containsExactly("M.Mode=MANUAL", "after set", "M.Count=1");
  }

  @Test
  void listenersAreCalledOutsideTheLock() throws Exception {
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean readWhileListening = new AtomicBoolean();
    db.addListener(
        (p, v) -> {
          if (p.equals("M.Mode")) {
            inListener.countDown();
            await(release);
          }
        });
    Thread writer = new Thread(() -> db.set("M.Mode", "MANUAL"));
    writer.start();
    assertThat(inListener.await(5, TimeUnit.SECONDS)).isTrue();
    // another thread can read and update while a listener runs
    Thread other =
        new Thread(
            () -> {
              db.update("D.Run", true, Quality.GOOD, null);
              readWhileListening.set(db.read("M.Mode").orElseThrow().value().equals("MANUAL"));
            });
    other.start();
    other.join(5000);
    assertThat(other.isAlive()).isFalse();
    assertThat(readWhileListening).isTrue();
    release.countDown();
    writer.join(5000);
    assertThat(writer.isAlive()).isFalse();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
