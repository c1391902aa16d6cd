package io.hotstandby.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 against the test vectors of RFC 5869, appendix A.1 to A.3. */
class HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] range(int from, int toInclusive) {
    byte[] b = new byte[toInclusive - from + 1];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  private static byte[] repeat(int value, int n) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void rfc5869Case1Basic() {
    byte[] ikm = repeat(0x0b, 22);
    byte[] salt = range(0x00, 0x0c);
    byte[] info = range(0xf0, 0xf9);
    byte[] prk = Hkdf.extract(salt, ikm);
    assertThat(HEX.formatHex(prk))
        .isEqualTo("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    assertThat(HEX.formatHex(Hkdf.expand(prk, info, 42)))
        .isEqualTo(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                + "34007208d5b887185865");
  }

  @Test
  void rfc5869Case2LongInputs() {
    byte[] okm = Hkdf.derive(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82);
    assertThat(HEX.formatHex(Hkdf.extract(range(0x60, 0xaf), range(0x00, 0x4f))))
        .isEqualTo("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
    assertThat(HEX.formatHex(okm))
        .isEqualTo(
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                + "cc30c58179ec3e87c14c01d5c1f3434f1d87");
  }

  @Test
  void rfc5869Case3NoSaltNoInfo() {
    byte[] ikm = repeat(0x0b, 22);
    assertThat(HEX.formatHex(Hkdf.extract(new byte[0], ikm)))
        .isEqualTo("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    assertThat(HEX.formatHex(Hkdf.derive(ikm, new byte[0], new byte[0], 42)))
        .isEqualTo(
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
                + "9d201395faa4b61a96c8");
  }

  @Test
  void refusesLengthsOutsideTheRfcBounds() {
    assertThatThrownBy(() -> Hkdf.expand(new byte[32], new byte[0], 255 * 32 + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Hkdf.expand(new byte[32], new byte[0], 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyPurposeAndDomainGetsItsOwnKey() {
    byte[] secret = "0123456789abcdef0123456789abcdef".getBytes();
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (DomainKeys k : DomainKeys.values()) {
      keys.add(HEX.formatHex(k.derive("plant", secret)));
      keys.add(HEX.formatHex(k.derive("other", secret)));
    }
    keys.add(HEX.formatHex(DomainKeys.TOPIC.derive("plant", secret, "hotstandby.projects")));
    assertThat(keys).hasSize(DomainKeys.values().length * 2 + 1);
    assertThat(DomainKeys.REC.derive("plant", secret))
        .hasSize(32)
        .isEqualTo(DomainKeys.REC.derive("plant", secret.clone()));
  }
}
