package io.hotstandby.server.kit;

import io.hotstandby.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One {@code domain-server} process of a one-server domain without hot standby ({@code hotStandby
 * enabled="false"}), for tests of what a server does on its own: its domain file {@code one.dom} in
 * a folder of the test's, with the project {@code plant.prj} from the same folder, standard error
 * in {@code stderr.txt}, data in {@code data/}.
 */
public final class LoneServer implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final String endpoint;

  private LoneServer(Process process, Path dir, String endpoint) {
    this.process = process;
    this.dir = dir;
    this.endpoint = endpoint;
  }

  /**
   * Writes the domain file into {@code dir} (which holds {@code plant.prj}) and starts the server.
   *
   * @param extraXml elements after {@code <projects>}, e.g. {@code <security .../>}, or ""
   */
  public static LoneServer start(Path dir, String extraXml) throws IOException {
    int ua = FreePorts.next();
    Path domainFile = dir.resolve("one.dom");
    Files.writeString(
        domainFile,
        """
        <domain name="one" version="1">
          <secret>s3cret-s3cret-s3cret</secret>
          <servers>
            <server name="alpha" host="127.0.0.1">
              <hazelcast port="%d"/><opcua port="%d"/><rec path="lan" port="%d"/>
            </server>
          </servers>
          <hotStandby enabled="false" main="alpha"/>
          <projects><project file="plant.prj"/></projects>
          %s
        </domain>
        """
            .formatted(FreePorts.next(), ua, FreePorts.next(), extraXml));
    Process p =
        new ProcessBuilder(
                TestDomain.distBin("domain-server"),
                "--domain",
                domainFile.toString(),
                "--server",
                "alpha",
                "--data-dir",
                dir.resolve("data").toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();
    return new LoneServer(p, dir, "opc.tcp://127.0.0.1:" + ua + "/hotstandby");
  }

  public String endpoint() {
    return endpoint;
  }

  /** What the server wrote to standard error. */
  public Path stderr() {
    return dir.resolve("stderr.txt");
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  /** Kills the server (SIGKILL) and waits for it. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
