package io.hotstandby.domain;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The product version this build announces to its peers, from a resource the build fills in. */
public final class ProductVersion {
  private ProductVersion() {}

  /** The version, or the {@code hotstandby.productVersion} system property when set. */
  public static String current() {
    String override = System.getProperty("hotstandby.productVersion");
    if (override != null && !override.isBlank()) {
      return override;
    }
    try (InputStream in =
        ProductVersion.class.getResourceAsStream("/hotstandby-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
