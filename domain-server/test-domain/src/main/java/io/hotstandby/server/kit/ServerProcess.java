package io.hotstandby.server.kit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.admin.client.KnownServers;
import io.hotstandby.opcua.ApplicationPki;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;

/**
 * One real {@code domain-server} process started from the distribution, with the operations a
 * failure test needs: crash ({@link #kill}), freeze and thaw (SIGSTOP/SIGCONT), graceful stop,
 * restart.
 */
public final class ServerProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path dir;
  private final Path dataDir;
  private final boolean dataInOwnNamespace;
  private final String endpoint;
  private Process process;
  private final boolean anonymousRead;
  private AdminClient client;
  private AdminClient admin;
  private AdminClient operator;
  private int starts;
  private volatile int eventsBeforeThisRun;
  private boolean trusted;

  ServerProcess(
      String name,
      List<String> command,
      Map<String, String> env,
      Path dir,
      Path dataDir,
      boolean dataInOwnNamespace,
      String endpoint,
      boolean anonymousRead) {
    this.anonymousRead = anonymousRead;
    this.name = name;
    this.command = command;
    this.env = env;
    this.dir = dir;
    this.dataDir = dataDir;
    this.dataInOwnNamespace = dataInOwnNamespace;
    this.endpoint = endpoint;
  }

  public String name() {
    return name;
  }

  public String endpoint() {
    return endpoint;
  }

  /**
   * The server's data directory; for one on a tmpfs of the server's own mount namespace, that tmpfs
   * as seen through {@code /proc/PID/root} while the server runs.
   */
  public Path dataDir() {
    if (!dataInOwnNamespace) {
      return dataDir;
    }
    return Path.of("/proc", Long.toString(pid()), "root").resolve(dataDir.toString().substring(1));
  }

  /** Starts the process; its console goes to {@code console-N.log} in the server's folder. */
  public synchronized ServerProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    eventsBeforeThisRun = events().size();
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("console-" + ++starts + ".log").toFile());
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    return this;
  }

  public synchronized long pid() {
    return process.pid();
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** Crashes the server: SIGKILL, no shutdown of any kind. */
  public void kill() throws InterruptedException {
    dropClient();
    Process p;
    synchronized (this) {
      p = process;
    }
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  /** Freezes the server like a hung machine: SIGSTOP. */
  public void freeze() {
    signal("STOP");
  }

  /** Lets a frozen server run again: SIGCONT. */
  public void thaw() {
    signal("CONT");
  }

  /** Stops the server gracefully (SIGTERM) and waits for it to exit. */
  public void stop() throws InterruptedException {
    dropClient();
    Process p;
    synchronized (this) {
      p = process;
    }
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  /** Starts the server again after a kill or stop, with the same data directory. */
  public ServerProcess restart() {
    return start();
  }

  private void signal(String sig) {
    try {
      Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).start();
      if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new IllegalStateException("kill -" + sig + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every line of the server's event log so far. */
  public List<JsonNode> events() {
    Path file;
    try {
      file = dataDir().resolve("events.jsonl");
    } catch (RuntimeException notRunning) {
      return new ArrayList<>();
    }
    List<JsonNode> list = new ArrayList<>();
    if (!Files.exists(file)) {
      return list;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          try {
            list.add(JSON.readTree(line));
          } catch (IOException e) {
            // a line being written right now; the next read sees it whole
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return list;
  }

  /**
   * Whether the OPC UA port accepts connections. A server logs its first state before its endpoint
   * has finished starting (making the certificate takes a while), so a test that goes on to talk to
   * it waits for both. Once it listens, its certificate is trusted for its endpoint.
   */
  public boolean listening() {
    URI uri = URI.create(endpoint);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
    } catch (IOException e) {
      return false;
    }
    trustCertificate(); // the endpoint is up: its certificate is made
    return true;
  }

  /**
   * The state the event log last recorded a change to in the current run, or "STARTING"; a server
   * that is not running is "DEAD", so no wait passes on a previous run's last line.
   */
  public String loggedState() {
    if (!alive()) {
      return "DEAD";
    }
    String state = "STARTING";
    List<JsonNode> all = events();
    for (JsonNode e : all.subList(Math.min(eventsBeforeThisRun, all.size()), all.size())) {
      if (e.has("to")) {
        state = e.get("to").asText();
      }
    }
    return state;
  }

  /** Whether this run of the server logged an event whose message starts with {@code prefix}. */
  public boolean loggedThisRun(String prefix) {
    List<JsonNode> all = events();
    for (JsonNode e : all.subList(Math.min(eventsBeforeThisRun, all.size()), all.size())) {
      if (e.path("message").asText().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The last event whose message starts with {@code prefix}; fails if there is none. */
  public JsonNode lastEvent(String prefix) {
    JsonNode found = null;
    for (JsonNode e : events()) {
      if (e.path("message").asText().startsWith(prefix)) {
        found = e;
      }
    }
    if (found == null) {
      throw new AssertionError(name + " logged no event starting with '" + prefix + "'");
    }
    return found;
  }

  /**
   * What this server's REC link says of {@code peer} (an element of the status's {@code links}:
   * liveness, state, term, lossTimeoutMs, paths), a missing node when it has no link to it.
   */
  public JsonNode link(String peer) throws AdminClientException {
    return link(status(), peer);
  }

  /** The element of {@code status}'s {@code links} for {@code peer}, else a missing node. */
  public static JsonNode link(JsonNode status, String peer) {
    for (JsonNode link : status.path("links")) {
      if (link.path("peer").asText().equals(peer)) {
        return link;
      }
    }
    return MissingNode.getInstance();
  }

  /** The server's status document, read over OPC UA as domainctl reads it. */
  public JsonNode status() throws AdminClientException {
    try {
      return JSON.readTree(client().statusJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (AdminClientException | RuntimeException e) {
      dropClient();
      throw e;
    }
  }

  /** The server's state over OPC UA, or "UNREACHABLE". */
  public String state() {
    try {
      return status().path("state").asText();
    } catch (AdminClientException | RuntimeException e) {
      return "UNREACHABLE";
    }
  }

  /**
   * A client logged in as the domain's administrator, made on first use and after the server was
   * stopped; for changes of the domain file.
   */
  public synchronized AdminClient adminClient() throws AdminClientException {
    if (admin == null) {
      admin = connectAs(TestDomain.ADMIN);
    }
    return admin;
  }

  /**
   * A client logged in as the domain's operator, made on first use and after a failure; for
   * Activate, tag writes and acknowledgements.
   */
  public synchronized AdminClient operatorClient() throws AdminClientException {
    if (operator == null) {
      operator = connectAs(TestDomain.OPERATOR);
    }
    return operator;
  }

  /**
   * A client for reading, made on first use and after a failure: anonymous when the domain allows
   * anonymous reading, else logged in as the domain's viewer.
   */
  public synchronized AdminClient client() throws AdminClientException {
    if (client == null) {
      trustCertificate();
      client =
          anonymousRead
              ? AdminClient.connect(endpoint, Timing.seconds(5))
              : connectAs(TestDomain.VIEWER);
    }
    return client;
  }

  /**
   * A new client logged in as {@code user}, one of the test domain's users; the caller closes it.
   */
  public AdminClient connectAs(String user) throws AdminClientException {
    trustCertificate();
    return AdminClient.connect(
        endpoint,
        TestDomain.LOGIN_TIMEOUT,
        new AdminClient.Credentials(user, TestDomain.passwordOf(user).toCharArray()));
  }

  /**
   * Records the certificate in the server's PKI folder as trusted for its endpoint, as an operator
   * who compared the fingerprint would: once per server, when the server has made it, so a test
   * that replaces the certificate later sees it refused.
   */
  private synchronized void trustCertificate() {
    if (!trusted) {
      trusted = trustCertificateAt(endpoint);
    }
  }

  /**
   * Records this server's certificate (from its PKI folder) as trusted for {@code url}, another
   * endpoint URL that leads to this server (e.g. through a relay); false while there is none yet.
   */
  public boolean trustCertificateAt(String url) {
    Optional<X509Certificate> certificate;
    try {
      certificate = ApplicationPki.storedCertificate(dataDir().resolve("pki"));
    } catch (IOException e) {
      return false; // being written: the next client tries again
    }
    if (certificate.isEmpty()) {
      return false;
    }
    try {
      KnownServers.accept(
          url,
          CertificateUtil.getSanUri(certificate.get()).orElseThrow(),
          KnownServers.fingerprint(certificate.get().getEncoded()));
    } catch (CertificateEncodingException | AdminClientException e) {
      throw new IllegalStateException(e);
    }
    return true;
  }

  private synchronized void dropClient() {
    if (client != null) {
      client.close();
      client = null;
    }
    if (admin != null) {
      admin.close();
      admin = null;
    }
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  @Override
  public synchronized void close() {
    dropClient();
    if (process != null && process.isAlive()) {
      process.destroyForcibly(); // SIGKILL ends a stopped process too
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
