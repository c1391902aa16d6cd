package io.hotstandby.server.kit;

import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The plant simulator (the demo's PLC) as a real process on a loopback port the kit chose. */
public final class PlantSimulatorProcess implements AutoCloseable {
  private final int port;
  private final Path dir;
  private Process process;
  private int starts;

  PlantSimulatorProcess(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  public String endpoint() {
    return "opc.tcp://127.0.0.1:" + port + "/plant";
  }

  /** Starts the simulator and waits until it says it is listening. */
  public synchronized PlantSimulatorProcess start() {
    try {
      Files.createDirectories(dir);
      Path console = dir.resolve("console-" + ++starts + ".log");
      process =
          new ProcessBuilder(
                  List.of(
                      TestDomain.distBin("plant-simulator"),
                      "--port",
                      Integer.toString(port),
                      "--pki",
                      dir.resolve("pki").toString()))
              .redirectErrorStream(true)
              .redirectOutput(console.toFile())
              .start();
      org.awaitility.Awaitility.await("plant simulator listening")
          .atMost(Timing.seconds(60))
          .pollInterval(java.time.Duration.ofMillis(100))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError("plant simulator exited: " + Files.readString(console));
                }
                return Files.readString(console).contains("listening on");
              });
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the simulator as if the PLC were switched off (SIGKILL). */
  public synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
