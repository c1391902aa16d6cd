package io.hotstandby.admin.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Points {@link KnownServers#file()} at a fresh file in a folder of its own for each test, and back
 * afterwards: {@code @RegisterExtension TemporaryKnownServers known = new TemporaryKnownServers();}
 */
public final class TemporaryKnownServers implements BeforeEachCallback, AfterEachCallback {
  private static final String PROPERTY = "hotstandby.knownServers";
  private String before;
  private Path dir;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    before = System.getProperty(PROPERTY);
    dir = Files.createTempDirectory("known-servers-");
    // A folder not made yet, so the tests see it made owner-only.
    System.setProperty(PROPERTY, dir.resolve("sub/known-servers").toString());
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (before == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, before);
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
