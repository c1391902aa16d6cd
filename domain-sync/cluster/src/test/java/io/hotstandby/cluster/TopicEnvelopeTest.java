package io.hotstandby.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.cluster.TopicEnvelope.Opened;
import io.hotstandby.cluster.TopicEnvelope.Refusal;
import io.hotstandby.cluster.TopicEnvelope.RefusedException;
import io.hotstandby.keys.DomainKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicEnvelopeTest {
  static final byte[] SECRET = "a-domain-secret-of-enough-length".getBytes(StandardCharsets.UTF_8);
  static final byte[] KEY = DomainKeys.TOPIC.derive("plant", SECRET, "t");
  static final byte[] PAYLOAD =
      "<domain><users><user name=\"operator\"/></users></domain>".getBytes(StandardCharsets.UTF_8);

  static Opened message(long seq) {
    return new Opened("alpha", 42, 1000, seq, System.currentTimeMillis(), PAYLOAD);
  }

  @Test
  void sealedOpensWithTheKeyAndHidesThePayload() throws Exception {
    byte[] sealed = TopicEnvelope.seal(KEY, "t", message(7));
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1))
        .doesNotContain("operator")
        .doesNotContain("alpha");
    Opened o = TopicEnvelope.open(List.of(KEY), "t", sealed);
    assertThat(o.sender()).isEqualTo("alpha");
    assertThat(o.bootId()).isEqualTo(42);
    assertThat(o.bootStart()).isEqualTo(1000);
    assertThat(o.seq()).isEqualTo(7);
    assertThat(o.payload()).isEqualTo(PAYLOAD);
  }

  @Test
  void twoSealsOfOneMessageDiffer() {
    assertThat(TopicEnvelope.seal(KEY, "t", message(1)))
        .isNotEqualTo(TopicEnvelope.seal(KEY, "t", message(1)));
  }

  @Test
  void opensWithAnyAcceptedKeyDuringARotation() throws Exception {
    byte[] old =
        DomainKeys.TOPIC.derive("plant", "the-old-secret-of-this-domain!!".getBytes(), "t");
    byte[] sealed = TopicEnvelope.seal(old, "t", message(1));
    assertThat(TopicEnvelope.open(List.of(KEY, old), "t", sealed).seq()).isEqualTo(1);
  }

  @Test
  void refusesAnotherKeyAnotherTopicTamperingAndGarbage() {
    byte[] sealed = TopicEnvelope.seal(KEY, "t", message(1));
    byte[] otherKey = DomainKeys.TOPIC.derive("plant", SECRET, "u");
    assertRefused(List.of(otherKey), "t", sealed, Refusal.BAD_TAG);
    assertRefused(List.of(KEY), "u", sealed, Refusal.BAD_TAG);
    for (int i = TopicEnvelope.MAGIC.length; i < sealed.length; i++) {
      byte[] flipped = sealed.clone();
      flipped[i] ^= 1;
      assertRefused(List.of(KEY), "t", flipped, Refusal.BAD_TAG);
    }
    assertRefused(List.of(KEY), "t", new byte[0], Refusal.GARBAGE);
    assertRefused(List.of(KEY), "t", PAYLOAD, Refusal.GARBAGE);
    byte[] unsealed = new byte[200];
    System.arraycopy(TopicEnvelope.MAGIC, 0, unsealed, 0, 4);
    assertRefused(List.of(KEY), "t", unsealed, Refusal.BAD_TAG);
  }

  private static void assertRefused(List<byte[]> keys, String topic, byte[] b, Refusal why) {
    assertThatThrownBy(() -> TopicEnvelope.open(keys, topic, b))
        .isInstanceOfSatisfying(
            RefusedException.class, e -> assertThat(e.refusal()).isEqualTo(why));
  }
}
