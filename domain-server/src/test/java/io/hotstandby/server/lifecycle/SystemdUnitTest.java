package io.hotstandby.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.testkit.Timing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit shipped in the distribution ({@code systemd/hotstandby-server@.service}): one
 * that systemd accepts, with the settings {@link ServiceNotifier} relies on.
 */
class SystemdUnitTest {
  private static final Path UNIT = Path.of("src/dist/systemd/hotstandby-server@.service");
  private static final String INSTALLED_LAUNCHER = "/opt/hotstandby/bin/domain-server";

  /**
   * {@code systemd-analyze verify} on instance "alpha": unknown or misspelt settings, bad values
   * and specifiers are reported against the unit's file name, and fail the test like a non-zero
   * exit. verify also wants ExecStart's program to exist and be executable: the copy verified runs
   * an executable stand-in at a temporary path instead of /opt/hotstandby/bin/domain-server, every
   * other line unchanged.
   */
  @Test
  void systemdAnalyzeVerifyAcceptsTheUnit(@TempDir Path dir) throws Exception {
    Path analyze = Commands.require("systemd-analyze", "systemd");
    Path launcher = dir.resolve("bin/domain-server");
    Files.createDirectories(launcher.getParent());
    Files.writeString(launcher, "#!/bin/sh\n");
    assertThat(launcher.toFile().setExecutable(true)).isTrue();
    String unit = Files.readString(UNIT);
    assertThat(unit).contains("ExecStart=" + INSTALLED_LAUNCHER + " ");
    Path instance = dir.resolve("hotstandby-server@alpha.service");
    Files.writeString(instance, unit.replace(INSTALLED_LAUNCHER, launcher.toString()));

    Process p =
        new ProcessBuilder(analyze.toString(), "verify", "--man=no", instance.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS))
        .as("systemd-analyze verify finished")
        .isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.exitValue()).as(output).isZero();
    // Warnings about this unit do not change the exit code: they fail the test all the same.
    assertThat(output.lines().filter(l -> l.contains("hotstandby-server")).toList())
        .as(output)
        .isEmpty();
  }

  @Test
  void theUnitHasWhatTheNotifierNeeds() throws Exception {
    List<String> lines = Files.readAllLines(UNIT);

    assertThat(lines)
        .contains(
            "Type=notify",
            // systemd-notify is a child of the main process: only "all" accepts its messages.
            "NotifyAccess=all",
            "WatchdogSec=10s",
            "Restart=on-failure",
            "CapabilityBoundingSet=",
            "AmbientCapabilities=");
    assertThat(lines)
        .anyMatch(l -> l.startsWith("ExecStart=") && l.contains("--server %i"))
        .anyMatch(l -> l.startsWith("EnvironmentFile=/etc/hotstandby/%i.env"));
  }
}
