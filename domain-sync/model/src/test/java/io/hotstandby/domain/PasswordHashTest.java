package io.hotstandby.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashTest {
  @Test
  void aHashVerifiesItsPasswordOnlyAndPassesTheValidatorsFormat() {
    String h = PasswordHash.create("correct horse".toCharArray());

    assertThat(h).matches(DomainValidator.PASSWORD_HASH);
    assertThat(PasswordHash.verify(h, "correct horse".toCharArray())).isTrue();
    assertThat(PasswordHash.verify(h, "correct hors".toCharArray())).isFalse();
    assertThat(PasswordHash.create("correct horse".toCharArray())).isNotEqualTo(h);
  }

  @Test
  void aMalformedHashVerifiesNothing() {
    assertThat(PasswordHash.verify("secret", "secret".toCharArray())).isFalse();
    assertThat(PasswordHash.verify("pbkdf2-sha256:5:AAAA:AAAA", "x".toCharArray())).isFalse();
    assertThat(PasswordHash.verify("pbkdf2-sha256:1000:!!:AAAA", "x".toCharArray())).isFalse();
  }
}
