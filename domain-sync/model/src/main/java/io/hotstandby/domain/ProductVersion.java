package io.hotstandby.domain;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The product version this build announces to its peers, from a resource the build fills in: the
 * version number and the build's stamp ({@code 0.1.0+2026-12-07T14:07:15Z}), so two servers built
 * apart from the same version number do not pass for the same product.
 */
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
      String version = p.getProperty("version", "unknown");
      String build = p.getProperty("build", "");
      return build.isBlank() || build.startsWith("$") ? version : version + "+" + build;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
