package io.hotstandby.server.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.runtime.alarms.AlarmLevel;
import io.hotstandby.runtime.alarms.AlarmState;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagValue;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mirror's wire format: every message comes back equal; anything else is refused. */
class MirrorCodecTest {
  static final Instant T = Instant.parse("2026-12-07T10:15:30.123456789Z");

  static final List<MirrorEntry> ENTRIES =
      List.of(
          new MirrorEntry.Tag("Plant.Level", new TagValue(3.25, Quality.GOOD, T, T.plusNanos(7))),
          new MirrorEntry.Tag("Plant.Count", new TagValue(42L, Quality.UNCERTAIN, T, T)),
          new MirrorEntry.Tag("Plant.Mode", new TagValue("auto", Quality.GOOD, T, T)),
          new MirrorEntry.Tag("Plant.Run", new TagValue(true, Quality.GOOD, T, T)),
          new MirrorEntry.Tag("Plant.N", new TagValue(7, Quality.GOOD, T, T)),
          new MirrorEntry.Tag("Plant.Lost", new TagValue(null, Quality.BAD, T, T)),
          new MirrorEntry.Alarm(
              new AlarmState(
                  "High",
                  "Plant.Level",
                  700,
                  "level high",
                  true,
                  true,
                  AlarmLevel.HI,
                  3.25,
                  T,
                  T,
                  "operator",
                  "seen, lowering",
                  T.plusSeconds(3))),
          new MirrorEntry.Alarm(
              new AlarmState(
                  "Trip",
                  "Plant.Run",
                  900,
                  "trip",
                  false,
                  true,
                  null,
                  null,
                  T,
                  null,
                  null,
                  null,
                  null)),
          new MirrorEntry.Event("{\"message\":\"hello\"}"));

  @Test
  void everyMessageComesBackEqual() throws Exception {
    List<MirrorMessage> all =
        List.of(
            new MirrorMessage.Batch("alpha", 99, 3, 17, 1000, ENTRIES),
            new MirrorMessage.Snapshot("alpha", "beta", 99, 3, 16, 1000, ENTRIES),
            new MirrorMessage.SnapshotRequest(
                "beta", "alpha", Map.of("Plant.Sp", new TagValue(1.5, Quality.GOOD, T, T))),
            new MirrorMessage.Ack("beta", "alpha", 99, 25),
            new MirrorMessage.Forward(
                "alpha", "beta", 5, "write", "Plant.Sp", 2.5, null, "operator", "10.0.0.9"),
            new MirrorMessage.ForwardResult("beta", "alpha", 5, true, "written"));
    for (MirrorMessage m : all) {
      assertThat(MirrorCodec.decode(MirrorCodec.encode(m))).isEqualTo(m);
    }
  }

  @Test
  void garbageTruncationAndLiesAboutLengthsAreRefused() {
    byte[] good = MirrorCodec.encode(new MirrorMessage.Batch("alpha", 99, 3, 17, 1000, ENTRIES));
    assertThatThrownBy(() -> MirrorCodec.decode("hello, world".getBytes()))
        .isInstanceOf(MirrorCodec.MalformedMirrorMessage.class);
    assertThatThrownBy(() -> MirrorCodec.decode(Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(MirrorCodec.MalformedMirrorMessage.class);
    assertThatThrownBy(() -> MirrorCodec.decode(Arrays.copyOf(good, good.length + 1)))
        .hasMessageContaining("after the message");
    byte[] format = good.clone();
    format[4] = 9;
    assertThatThrownBy(() -> MirrorCodec.decode(format)).hasMessageContaining("mirror format 9");
    byte[] type = good.clone();
    type[5] = 77;
    assertThatThrownBy(() -> MirrorCodec.decode(type)).hasMessageContaining("unknown message type");
    // A string length far beyond the message.
    byte[] lie = good.clone();
    ByteBuffer.wrap(lie).putInt(6, Integer.MAX_VALUE);
    assertThatThrownBy(() -> MirrorCodec.decode(lie)).hasMessageContaining("out of range");
  }
}
