package io.hotstandby.admin.tray;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The icons are drawn off screen; nothing here needs a display. */
class TrayViewTest {

  @ParameterizedTest
  @EnumSource(TrayStatus.class)
  void eachIconIsItsColourInTheMiddleOnATransparentSquare(TrayStatus status) {
    BufferedImage image = TrayView.image(status, 24);

    assertThat(image.getWidth()).isEqualTo(24);
    assertThat(new Color(image.getRGB(12, 12), true)).isEqualTo(status.colour());
    assertThat(new Color(image.getRGB(0, 0), true).getAlpha()).isZero();
  }

  @ParameterizedTest
  @EnumSource(TrayStatus.class)
  void theShapesDifferInTheirCorners(TrayStatus status) {
    BufferedImage image = TrayView.image(status, 24);
    int nearCorner = new Color(image.getRGB(4, 4), true).getAlpha();
    int topMiddle = new Color(image.getRGB(12, 4), true).getAlpha();

    switch (status.shape()) {
      case SQUARE, CROSS -> assertThat(nearCorner).as("corner").isGreaterThan(128);
      case CIRCLE, RING, DIAMOND -> assertThat(nearCorner).as("corner").isLessThan(128);
      case TRIANGLE -> assertThat(nearCorner).as("corner").isLessThan(128);
    }
    if (status.shape() == TrayStatus.Shape.CROSS) {
      assertThat(topMiddle).as("top middle of a cross").isLessThan(128);
    }
  }
}
