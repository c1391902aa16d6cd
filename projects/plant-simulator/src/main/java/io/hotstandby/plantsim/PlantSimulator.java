package io.hotstandby.plantsim;

import io.hotstandby.domain.ProductVersion;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code plant-simulator [--host H] [--port N] [--pki DIR] [--tick-ms MS]}: an OPC UA server that
 * behaves like the PLC of a small water plant (see {@link PlantModel}, {@link PlantTag}), in the
 * foreground until SIGTERM.
 *
 * <p>Prints {@code plant-simulator listening on opc.tcp://HOST:PORT/plant} once clients can
 * connect. Exit codes: 0 stopped, 2 bad arguments, 3 cannot listen (port in use, address not local)
 * or cannot make its certificate; the reason is one line on stderr.
 */
@Command(
    name = "plant-simulator",
    mixinStandardHelpOptions = true,
    versionProvider = PlantSimulator.Version.class,
    description =
        "Simulates the PLC of a small water plant as an OPC UA server (opc.tcp://HOST:PORT/plant,"
            + " SecurityPolicy None and Basic256Sha256 SignAndEncrypt, anonymous read and write);"
            + " SIGTERM stops it.")
public final class PlantSimulator implements Callable<Integer> {
  /** Exit code when the simulator cannot listen or cannot make its certificate. */
  public static final int EXIT_CANNOT_START = 3;

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Option(
      names = "--port",
      defaultValue = "4860",
      description = "TCP port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--pki",
      description =
          "folder for the server certificate, kept between runs"
              + " (default: a temporary folder, deleted on exit)")
  Path pki;

  @Option(
      names = "--tick-ms",
      defaultValue = "100",
      description = "simulation step in ms (default: ${DEFAULT-VALUE})")
  long tickMs;

  // Guarded by this: the running server, so stop() can end call() (tests).
  private PlantServer server;
  private boolean stopRequested;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PlantSimulator()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    if (port < 1 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be 1..65535, not " + port);
    }
    if (tickMs < 1 || tickMs > 60_000) {
      throw new ParameterException(spec.commandLine(), "--tick-ms must be 1..60000, not " + tickMs);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PlantServer s = new PlantServer(host, port, pki, Duration.ofMillis(tickMs));
    synchronized (this) {
      if (stopRequested) {
        return 0;
      }
      server = s;
    }
    try {
      s.start();
    } catch (PlantStartException e) {
      err.println("plant-simulator: " + e.getMessage());
      err.flush();
      return EXIT_CANNOT_START;
    }
    Thread hook = new Thread(s::close, "plant-simulator-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("plant-simulator listening on " + s.endpointUrl());
    out.flush();
    try {
      s.awaitClosed();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook is what closed the server.
      }
      s.close();
    }
    return 0;
  }

  /** Stops a running {@link #call()} (or one about to start), which then returns 0. */
  void stop() {
    PlantServer s;
    synchronized (this) {
      stopRequested = true;
      s = server;
    }
    if (s != null) {
      s.close();
    }
  }

  /** Reports the version for {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"plant-simulator " + ProductVersion.current()};
    }
  }
}
