package io.hotstandby.server.vip;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the address commands as processes; a seam, so the logic is tested without root. */
interface Commands {

  /** What a command did: its exit code (-1 when it could not run) and its error output. */
  record Result(int exitCode, String error) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs {@code command} and waits for it, at most {@code timeoutMillis}. */
  Result run(List<String> command, long timeoutMillis);

  /** Starts {@code command} and returns at once; the future completes when it exits. */
  CompletableFuture<Result> start(List<String> command, long timeoutMillis);

  /** Whether the interface has the address now. */
  boolean present(AddressCommands address) throws IOException;

  /** Real processes. */
  Commands PROCESSES =
      new Commands() {
        @Override
        public boolean present(AddressCommands address) throws IOException {
          // The process's own network namespace, asked through the JDK: no process started.
          NetworkInterface device = NetworkInterface.getByName(address.device());
          if (device == null) {
            return false;
          }
          InetAddress wanted = InetAddress.getByName(address.address());
          return device.inetAddresses().anyMatch(wanted::equals);
        }

        @Override
        public Result run(List<String> command, long timeoutMillis) {
          return start(command, timeoutMillis).join();
        }

        @Override
        public CompletableFuture<Result> start(List<String> command, long timeoutMillis) {
          File err;
          Process p;
          try {
            err = File.createTempFile("vip", ".err");
            p =
                new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err)
                    .start();
            p.getOutputStream().close();
          } catch (IOException e) {
            return CompletableFuture.completedFuture(
                new Result(-1, "cannot run " + command.get(0) + ": " + e.getMessage()));
          }
          return p.onExit()
              .completeOnTimeout(null, timeoutMillis, TimeUnit.MILLISECONDS)
              .thenApply(
                  done -> {
                    try {
                      if (done == null) {
                        p.destroyForcibly();
                        return new Result(-1, "no answer within " + timeoutMillis + " ms");
                      }
                      String text = Files.readString(err.toPath(), StandardCharsets.UTF_8);
                      return new Result(p.exitValue(), text.strip().replaceAll("\\s*\n\\s*", "; "));
                    } catch (IOException e) {
                      return new Result(p.exitValue(), "");
                    } finally {
                      err.delete();
                    }
                  });
        }
      };
}
