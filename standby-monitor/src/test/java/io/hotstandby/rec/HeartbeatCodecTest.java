package io.hotstandby.rec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.keys.DomainKeys;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HeartbeatCodecTest {
  private static final byte[] SECRET = "correct horse battery staple".getBytes(UTF_8);
  private final HeartbeatCodec codec = new HeartbeatCodec("plant", SECRET);

  static Heartbeat sample(String domain, String server, long bootId, long seq) {
    return new Heartbeat(
        domain,
        server,
        bootId,
        seq,
        ServerState.STANDBY,
        7,
        1_700_000_000_000L,
        3,
        true,
        42,
        123_456,
        "1.4.0-é✓",
        "",
        "srv-ü",
        987_654_321L,
        -5L,
        1_000L);
  }

  @Test
  void roundTripKeepsEveryField() throws Exception {
    Heartbeat hb = sample("plant", "srv-a", 0x1234_5678_9abcL, 99);
    byte[] bytes = codec.encode(hb);

    assertThat(bytes.length).isLessThanOrEqualTo(HeartbeatCodec.MAX_DATAGRAM);
    assertThat(Arrays.copyOf(bytes, 5)).isEqualTo(new byte[] {'H', 'S', 'R', '1', 2});
    assertThat(codec.decode(bytes, bytes.length)).isEqualTo(hb);
  }

  @Test
  void roundTripOfEveryStateAndExtremeValues() throws Exception {
    for (ServerState state : ServerState.values()) {
      Heartbeat hb =
          new Heartbeat(
              "plant",
              "s",
              Long.MIN_VALUE,
              Long.MAX_VALUE,
              state,
              -1,
              0,
              Integer.MIN_VALUE,
              false,
              Long.MAX_VALUE,
              Long.MIN_VALUE,
              "",
              "x".repeat(255),
              "",
              0,
              0,
              0);
      byte[] bytes = codec.encode(hb);
      assertThat(codec.decode(bytes, bytes.length)).isEqualTo(hb);
    }
  }

  @Test
  void aWitnessesFieldsTravelInVersionThreeOnly() throws Exception {
    Heartbeat plain = sample("plant", "srv-a", 1, 1);
    Heartbeat asking = withQuorum(plain, plain.state(), "", true);
    Heartbeat witness = withQuorum(plain, ServerState.WITNESS, "srv-b", false);
    for (Heartbeat hb : List.of(asking, witness)) {
      byte[] bytes = codec.encode(hb);
      assertThat(bytes[4]).isEqualTo(HeartbeatCodec.QUORUM_VERSION);
      assertThat(codec.decode(bytes, bytes.length)).isEqualTo(hb);
    }
    assertThat(codec.encode(plain)[4]).isEqualTo(HeartbeatCodec.VERSION);
  }

  @Test
  void theWitnessStateIsRefusedInVersionTwo() throws Exception {
    Heartbeat witness = withQuorum(sample("plant", "srv-a", 1, 1), ServerState.WITNESS, "", false);
    byte[] v3 = codec.encode(witness);
    // The same fields re-signed as version 2: the state code does not exist there.
    byte[] v2 = Arrays.copyOf(v3, v3.length - 1 - 1 - 32);
    v2[4] = HeartbeatCodec.VERSION;
    byte[] signed = resign(v2);
    assertThatThrownBy(() -> codec.decode(signed, signed.length))
        .hasMessage("corrupt: unknown state code 6");
  }

  /** {@code body} (header and fields) followed by its MAC under the test domain's REC key. */
  private static byte[] resign(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(DomainKeys.REC.derive("plant", SECRET), "HmacSHA256"));
    byte[] out = Arrays.copyOf(body, body.length + 32);
    System.arraycopy(mac.doFinal(body), 0, out, body.length, 32);
    return out;
  }

  private static Heartbeat withQuorum(
      Heartbeat hb, ServerState state, String holder, boolean request) {
    return new Heartbeat(
        hb.domain(),
        hb.server(),
        hb.bootId(),
        hb.seq(),
        state,
        hb.term(),
        hb.activeSinceMillis(),
        hb.health(),
        hb.runtimeReady(),
        hb.domainVersion(),
        hb.mirrorSeq(),
        hb.productVersion(),
        hb.takeoverRequest(),
        hb.handoverTo(),
        hb.sentAtNanos(),
        hb.echoNanos(),
        hb.echoHoldNanos(),
        holder,
        request,
        request ? 0 : 123_456_789L);
  }

  @Test
  void decodesOnlyTheGivenLength() throws Exception {
    Heartbeat hb = sample("plant", "srv-a", 1, 1);
    byte[] bytes = codec.encode(hb);
    byte[] padded = Arrays.copyOf(bytes, bytes.length + 100);
    assertThat(codec.decode(padded, bytes.length)).isEqualTo(hb);
  }

  @Test
  void everyFlippedBitIsDetected() {
    byte[] good = codec.encode(sample("plant", "srv-a", 1, 1));
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        // Version 2 with one bit flipped to 3 is a version this codec reads: the MAC fails then.
        boolean otherKnownVersion = i == 4 && bad[i] == HeartbeatCodec.QUORUM_VERSION;
        String expected =
            i < 4 ? "bad magic" : i == 4 && !otherKnownVersion ? "unsupported version" : "bad MAC";
        assertThatThrownBy(() -> codec.decode(bad, bad.length))
            .isInstanceOf(MalformedHeartbeatException.class)
            .hasMessageStartingWith(expected);
      }
    }
  }

  @Test
  void everyTruncationIsDetected() {
    byte[] good = codec.encode(sample("plant", "srv-a", 1, 1));
    for (int len = 0; len < good.length; len++) {
      int n = len;
      assertThatThrownBy(() -> codec.decode(good, n))
          .isInstanceOf(MalformedHeartbeatException.class);
    }
    assertThatThrownBy(() -> codec.decode(good, 4)).hasMessageStartingWith("truncated");
    assertThatThrownBy(() -> codec.decode(good, 60)).hasMessageStartingWith("truncated");
    assertThatThrownBy(() -> codec.decode(good, good.length - 1)).hasMessageStartingWith("bad MAC");
  }

  @Test
  void wrongSecretIsABadMac() {
    byte[] bytes =
        new HeartbeatCodec("plant", "other".getBytes(UTF_8)).encode(sample("plant", "a", 1, 1));
    assertThatThrownBy(() -> codec.decode(bytes, bytes.length))
        .isInstanceOf(MalformedHeartbeatException.class)
        .hasMessageStartingWith("bad MAC");
  }

  @Test
  void otherDomainWithTheSameSecretIsRefused() {
    // The domain's name salts the key: another domain's heartbeats do not even authenticate.
    byte[] bytes = new HeartbeatCodec("lab", SECRET).encode(sample("lab", "a", 1, 1));
    assertThatThrownBy(() -> codec.decode(bytes, bytes.length))
        .isInstanceOf(MalformedHeartbeatException.class)
        .hasMessageStartingWith("bad MAC");
  }

  @Test
  void otherMagicAndVersionsAreRefused() {
    byte[] bytes = codec.encode(sample("plant", "a", 1, 1));
    byte[] v1 = bytes.clone();
    v1[4] = 1; // before the key was derived and the boot number persisted
    assertThatThrownBy(() -> codec.decode(v1, v1.length)).hasMessage("unsupported version 1");
    byte[] http = "GET / HTTP/1.1\r\n\r\n".getBytes(UTF_8);
    assertThatThrownBy(() -> codec.decode(http, http.length)).hasMessage("bad magic");
    byte[] big = Arrays.copyOf(bytes, HeartbeatCodec.MAX_DATAGRAM + 1);
    assertThatThrownBy(() -> codec.decode(big, big.length)).hasMessageStartingWith("too long");
  }

  @Test
  void authenticatedGarbageFailsOnlyWithTheCheckedException() throws Exception {
    // A peer that holds the secret but sends nonsense must not crash the parser either.
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(DomainKeys.REC.derive("plant", SECRET), "HmacSHA256"));
    Random random = new Random(42);
    int decoded = 0;
    for (int i = 0; i < 5_000; i++) {
      int bodyLen = random.nextInt(HeartbeatCodec.MAX_DATAGRAM - 5 - 32 + 1);
      ByteBuffer buf = ByteBuffer.allocate(5 + bodyLen + 32);
      buf.put("HSR1".getBytes(UTF_8)).put(HeartbeatCodec.VERSION);
      byte[] body = new byte[bodyLen];
      random.nextBytes(body);
      if (bodyLen > 0 && random.nextBoolean()) {
        body[0] = (byte) "plant".length(); // gets past the first string more often
      }
      buf.put(body);
      buf.put(mac.doFinal(Arrays.copyOf(buf.array(), buf.position())));
      try {
        codec.decode(buf.array(), buf.capacity());
        decoded++;
      } catch (MalformedHeartbeatException e) {
        assertThat(e.getMessage()).doesNotContain("\n").isNotBlank();
      }
    }
    assertThat(decoded).isLessThan(5_000);
  }

  @Test
  void encodeRefusesWhatTheWireCannotCarry() {
    assertThatThrownBy(() -> codec.encode(sample("lab", "a", 1, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    Heartbeat longString =
        new Heartbeat(
            "plant",
            "a",
            1,
            1,
            ServerState.ACTIVE,
            1,
            0,
            0,
            true,
            1,
            1,
            "v".repeat(256),
            "",
            "",
            0,
            0,
            0);
    assertThatThrownBy(() -> codec.encode(longString))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("productVersion");
    String max = "w".repeat(255);
    Heartbeat tooBig =
        new Heartbeat(
            "plant", max, 1, 1, ServerState.ACTIVE, 1, 0, 0, true, 1, 1, max, max, max, 0, 0, 0);
    assertThatThrownBy(() -> codec.encode(tooBig))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than 1024");
    assertThatThrownBy(() -> new HeartbeatCodec("plant", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void localStatusNormalisesStrings() {
    LocalStatus s = new LocalStatus(ServerState.ACTIVE, 1, 2, 0, true, 3, 4, null, null, null);
    assertThat(s.productVersion()).isEmpty();
    assertThat(s.takeoverRequest()).isEmpty();
    assertThat(LocalStatus.starting("1.0").state()).isEqualTo(ServerState.STARTING);
    Heartbeat hb = s.toHeartbeat("plant", "a", 1, 2, 3, 4, 5);
    assertThat(LocalStatus.of(hb)).isEqualTo(s);
    assertThatThrownBy(
            () -> new LocalStatus(ServerState.ACTIVE, 1, 2, 0, true, 3, 4, "é".repeat(128), "", ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRotatedSecretIsAcceptedAlongsideTheOldOneUntilTheOldIsDropped() throws Exception {
    byte[] old = "old-secret".getBytes();
    byte[] fresh = "new-secret".getBytes();
    HeartbeatCodec lagging = new HeartbeatCodec("plant", old);
    HeartbeatCodec rotating = new HeartbeatCodec("plant", old);
    rotating.setSecrets(old, java.util.List.of(fresh, old));

    // While rotating, it signs with the old secret and takes both.
    byte[] fromRotating = rotating.encode(sample("plant", "alpha", 1, 1));
    assertThat(lagging.decode(fromRotating, fromRotating.length).server()).isEqualTo("alpha");
    byte[] fromLagging = lagging.encode(sample("plant", "beta", 2, 1));
    assertThat(rotating.decode(fromLagging, fromLagging.length).server()).isEqualTo("beta");

    // Once every peer has the new secret, the old one is refused.
    rotating.setSecrets(fresh, java.util.List.of(fresh));
    byte[] stale = lagging.encode(sample("plant", "beta", 2, 2));
    assertThatThrownBy(() -> rotating.decode(stale, stale.length))
        .isInstanceOf(MalformedHeartbeatException.class)
        .hasMessageContaining("bad MAC");
  }
}
