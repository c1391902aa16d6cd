package io.hotstandby.admin.tray;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The icon is drawn off screen; nothing here needs a display. */
class TrayViewTest {

  @Test
  void theIconIsACircleOfTheStateColourOnATransparentSquare() {
    BufferedImage image = TrayView.image(TrayModel.GREEN, 16);

    assertThat(image.getWidth()).isEqualTo(16);
    assertThat(image.getHeight()).isEqualTo(16);
    assertThat(new Color(image.getRGB(8, 8), true)).isEqualTo(TrayModel.GREEN);
    assertThat(new Color(image.getRGB(0, 0), true).getAlpha()).isZero();
  }
}
