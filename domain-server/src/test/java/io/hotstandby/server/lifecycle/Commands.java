package io.hotstandby.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** Programs a test needs from the machine: found on the PATH, or the test fails saying so. */
final class Commands {
  private Commands() {}

  /**
   * The program {@code name} on the PATH; fails (never skips) when it is missing, naming the Debian
   * package that has it ({@code .ci/run} installs them).
   */
  static Path require(String name, String debianPackage) {
    Optional<Path> found =
        Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(dir -> !dir.isEmpty())
            .map(dir -> Path.of(dir, name))
            .filter(Files::isExecutable)
            .findFirst();
    assertThat(found).as(name + " on the PATH (apt-get install " + debianPackage + ")").isPresent();
    return found.get();
  }
}
