package io.hotstandby.domain.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VersionStampTest {
  @Test
  void rewritesOnlyTheRootVersion() {
    String text =
        "<?xml version=\"1.0\"?>\n<!-- version=\"5\" -->\n<domain name='d'  version = '12'>"
            + "<x version=\"3\"/>é</domain>";
    byte[] out = VersionStamp.write(text.getBytes(StandardCharsets.UTF_8), 13);

    assertThat(new String(out, StandardCharsets.UTF_8))
        .isEqualTo(text.replace("version = '12'", "version = '13'"));
    assertThat(VersionStamp.read(out)).hasValue(13);
  }

  @Test
  void aFileWithoutAVersionCannotBeStamped() {
    assertThat(VersionStamp.read("<domain name='d'/>".getBytes())).isEmpty();
    assertThatThrownBy(() -> VersionStamp.write("<domain/>".getBytes(), 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNumberWithSpacesOrASignIsStampedToo() {
    byte[] out = VersionStamp.write("<domain version=\" +7 \">".getBytes(), 9);

    assertThat(new String(out)).isEqualTo("<domain version=\" +9 \">");
    assertThat(VersionStamp.read(out)).hasValue(9);
  }
}
