package io.hotstandby.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TagCommandTest {

  @Test
  void aValueTakesTheTypeTheTagHoldsNow() {
    assertThat(TagCommand.convert("true", Boolean.FALSE)).isEqualTo(Boolean.TRUE);
    assertThat(TagCommand.convert("42", 7)).isEqualTo(42);
    assertThat(TagCommand.convert("42", 7L)).isEqualTo(42L);
    assertThat(TagCommand.convert("2.5", 1.0)).isEqualTo(2.5);
    assertThat(TagCommand.convert("MANUAL", "AUTO")).isEqualTo("MANUAL");
  }

  @Test
  void aValueThatDoesNotFitIsRefusedWithTheReason() {
    assertThatThrownBy(() -> TagCommand.convert("yes", Boolean.TRUE))
        .hasMessage("'yes' is not true or false");
    assertThatThrownBy(() -> TagCommand.convert("high", 1.0)).hasMessage("'high' is not a number");
  }
}
