package io.hotstandby.runtime.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.runtime.project.DataType;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class TypedValuesTest {

  @Test
  void convertsToEachType() {
    assertThat(TypedValues.convert(DataType.BOOLEAN, "TRUE")).isEqualTo(true);
    assertThat(TypedValues.convert(DataType.BOOLEAN, 0)).isEqualTo(false);
    assertThat(TypedValues.convert(DataType.INT32, 7L)).isEqualTo(7);
    assertThat(TypedValues.convert(DataType.INT32, 7.0)).isEqualTo(7);
    assertThat(TypedValues.convert(DataType.INT32, " 12 ")).isEqualTo(12);
    assertThat(TypedValues.convert(DataType.INT64, new BigInteger("9000000000")))
        .isEqualTo(9_000_000_000L);
    assertThat(TypedValues.convert(DataType.DOUBLE, 3)).isEqualTo(3.0);
    assertThat(TypedValues.convert(DataType.DOUBLE, 1.5f)).isEqualTo(1.5);
    assertThat(TypedValues.convert(DataType.DOUBLE, "2e3")).isEqualTo(2000.0);
    assertThat(TypedValues.convert(DataType.DOUBLE, true)).isEqualTo(1.0);
    assertThat(TypedValues.convert(DataType.STRING, 1.5)).isEqualTo("1.5");
  }

  @Test
  void refusesWhatWouldLoseInformation() {
    assertThatThrownBy(() -> TypedValues.convert(DataType.INT32, 3.5))
        .hasMessage("3.5 is not a whole number (INT32)");
    assertThatThrownBy(() -> TypedValues.convert(DataType.INT32, 1L << 40))
        .hasMessage((1L << 40) + " is out of range for INT32");
    assertThatThrownBy(() -> TypedValues.convert(DataType.INT64, Double.NaN))
        .hasMessage("cannot convert NaN to INT64");
    assertThatThrownBy(() -> TypedValues.convert(DataType.BOOLEAN, 2))
        .hasMessage("cannot convert 2 to BOOLEAN");
    assertThatThrownBy(() -> TypedValues.convert(DataType.DOUBLE, "abc"))
        .hasMessage("cannot convert \"abc\" to DOUBLE");
    assertThatThrownBy(() -> TypedValues.convert(DataType.STRING, null))
        .hasMessage("no value for a STRING tag");
  }

  @Test
  void defaults() {
    assertThat(TypedValues.defaultValue(DataType.BOOLEAN)).isEqualTo(false);
    assertThat(TypedValues.defaultValue(DataType.INT32)).isEqualTo(0);
    assertThat(TypedValues.defaultValue(DataType.INT64)).isEqualTo(0L);
    assertThat(TypedValues.defaultValue(DataType.DOUBLE)).isEqualTo(0.0);
    assertThat(TypedValues.defaultValue(DataType.STRING)).isEqualTo("");
  }
}
