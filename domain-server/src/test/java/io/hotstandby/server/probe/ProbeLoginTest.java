package io.hotstandby.server.probe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeLoginTest {
  static final byte[] KEY = ProbeLogin.key("plant", "secret one".getBytes(UTF_8));
  static final byte[] OLD_KEY = ProbeLogin.key("plant", "secret zero".getBytes(UTF_8));
  static final byte[] NONCE = "n".repeat(32).getBytes(UTF_8);
  static final byte[] CERTIFICATE = "certificate of alpha".getBytes(UTF_8);

  @Test
  void aPasswordOpensOnlyItsOwnSessionOnItsOwnServer() {
    String password = ProbeLogin.password(KEY, NONCE, CERTIFICATE);

    assertThat(ProbeLogin.verify(List.of(KEY), NONCE, CERTIFICATE, password)).isTrue();
    assertThat(
            ProbeLogin.verify(List.of(KEY), "m".repeat(32).getBytes(UTF_8), CERTIFICATE, password))
        .as("another session's nonce")
        .isFalse();
    assertThat(ProbeLogin.verify(List.of(KEY), NONCE, "an impostor's".getBytes(UTF_8), password))
        .as("the certificate of whoever posed as the server")
        .isFalse();
    assertThat(ProbeLogin.verify(List.of(OLD_KEY), NONCE, CERTIFICATE, password))
        .as("another secret")
        .isFalse();
  }

  @Test
  void duringARotationEitherSecretsPasswordIsAccepted() {
    String old = ProbeLogin.password(OLD_KEY, NONCE, CERTIFICATE);

    assertThat(ProbeLogin.verify(List.of(KEY, OLD_KEY), NONCE, CERTIFICATE, old)).isTrue();
    assertThat(ProbeLogin.verify(List.of(KEY), NONCE, CERTIFICATE, old)).isFalse();
  }

  @Test
  void aChannelWithoutSecurityOrAMissingPasswordNeverMatches() {
    String password = ProbeLogin.password(KEY, new byte[0], new byte[0]);

    assertThat(ProbeLogin.verify(List.of(KEY), new byte[0], new byte[0], password)).isFalse();
    assertThat(ProbeLogin.verify(List.of(KEY), NONCE, CERTIFICATE, null)).isFalse();
    assertThat(ProbeLogin.verify(List.of(), NONCE, CERTIFICATE, "x")).isFalse();
  }

  @Test
  void theKeyIsTheDomainsOwn() {
    assertThat(ProbeLogin.key("plant", "s".getBytes(UTF_8)))
        .hasSize(32)
        .isNotEqualTo(ProbeLogin.key("other", "s".getBytes(UTF_8)));
  }
}
