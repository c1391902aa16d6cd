package io.hotstandby.admin;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.admin.client.KnownServers;
import io.hotstandby.admin.client.Passwords;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileException;
import io.hotstandby.domain.DomainFileReader;
import io.hotstandby.domain.ServerSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code domainctl}: watch and switch a domain, and administer its domain file, from any
 * workstation. Exit codes scripts rely on: 0 the domain has exactly one ACTIVE (status) or the
 * request succeeded; 1 it has not, or the request was refused (or asked for what does not exist); 2
 * a usage or connection error.
 */
@Command(
    name = "domainctl",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    version = "domainctl",
    description = "Watches and switches a hot-standby domain over OPC UA.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the domain has exactly one ACTIVE (status), or the request succeeded",
      "1:it has not, or the request was refused or named what does not exist",
      "2:a usage or connection error"
    },
    subcommands = {
      StatusCommand.class,
      ActivateCommand.class,
      MaintenanceCommand.class,
      EventsCommand.class,
      AuditCommand.class,
      TagCommand.class,
      DomainCommand.class,
      HistoryCommand.class,
      UserCommand.class,
      HashPasswordCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class Domainctl {
  public static final int OK = 0;
  public static final int NOT_OK = 1;
  public static final int USAGE = 2;

  @Option(
      names = "--endpoint",
      scope = ScopeType.INHERIT,
      description = "one server's OPC UA endpoint, e.g. opc.tcp://127.0.0.1:4851/hotstandby")
  String endpoint;

  @Option(
      names = "--domain",
      scope = ScopeType.INHERIT,
      description = "a domain file: every server it declares is asked")
  Path domainFile;

  @Option(
      names = "--timeout",
      scope = ScopeType.INHERIT,
      defaultValue = "5",
      description = "seconds to wait for each server (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  // Where bytes that must arrive unchanged (domain show) go; null: through the text output.
  private OutputStream rawOut;

  public static void main(String[] args) {
    int exit = run(args, System.out, new PrintWriter(System.err, true));
    AdminClient.releaseSharedResources();
    System.exit(exit);
  }

  /**
   * Runs the command with {@code out} as its standard output and returns its exit code. Text is
   * written in the platform's charset; {@code domain show} writes the file's bytes unchanged.
   */
  public static int run(String[] args, OutputStream out, PrintWriter err) {
    Domainctl domainctl = new Domainctl();
    domainctl.rawOut = out;
    return run(domainctl, args, new PrintWriter(out, true), err);
  }

  /**
   * Runs the command with the given output streams and returns its exit code. {@code domain show}
   * prints the file as UTF-8 text here; see {@link #run(String[], OutputStream, PrintWriter)} for
   * its bytes.
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(new Domainctl(), args, out, err);
  }

  /**
   * Runs the command logged in as {@code login} (the tray's user, kept in memory only) unless its
   * arguments name a user; null: as the arguments say.
   */
  public static int run(
      String[] args, AdminClient.Credentials login, PrintWriter out, PrintWriter err) {
    Domainctl domainctl = new Domainctl();
    domainctl.presetLogin = login;
    return run(domainctl, args, out, err);
  }

  private AdminClient.Credentials presetLogin;

  private static int run(Domainctl domainctl, String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(domainctl);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          err.println("domainctl: " + e.getMessage());
          return USAGE;
        });
    cli.setExitCodeExceptionMapper(e -> USAGE);
    int exit = cli.execute(args);
    out.flush();
    err.flush();
    return exit;
  }

  /** Writes {@code bytes} unchanged to the raw output, else as UTF-8 text to {@code out}. */
  void writeRaw(PrintWriter out, byte[] bytes) throws IOException {
    out.flush();
    if (rawOut == null) {
      out.print(new String(bytes, StandardCharsets.UTF_8));
      out.flush();
      return;
    }
    rawOut.write(bytes);
    rawOut.flush();
  }

  @Option(
      names = "--user",
      scope = ScopeType.INHERIT,
      description =
          "log in as this user of the domain (the password from --password-file, the"
              + " DOMAINCTL_PASSWORD environment variable, or asked for)")
  String user;

  @Option(
      names = "--password-file",
      scope = ScopeType.INHERIT,
      description = "a file whose first line is the password of --user")
  Path passwordFile;

  @Option(
      names = "--accept-certificate",
      scope = ScopeType.INHERIT,
      paramLabel = "FINGERPRINT",
      description =
          "trust the server certificate with this SHA-256 fingerprint (as shown when it is"
              + " refused) for the endpoint that presents it, and record it in the known-servers"
              + " file; repeat for several servers")
  List<String> acceptedCertificates = new ArrayList<>();

  /** A client of {@code target}, logged in as {@code --user} if given, anonymous otherwise. */
  AdminClient connect(Target target) throws UsageException, AdminClientException {
    AdminClient.Credentials credentials = credentials();
    try {
      KnownServers.confirmWith(KnownServers.accepting(new HashSet<>(acceptedCertificates)));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--accept-certificate: " + e.getMessage());
    }
    return clients.open(target.endpoint(), timeout(), credentials);
  }

  /** Where commands get their connections to the servers. */
  @FunctionalInterface
  public interface ClientSource {
    AdminClient open(String endpoint, Duration timeout, AdminClient.Credentials login)
        throws AdminClientException;
  }

  private static volatile ClientSource clients = AdminClient::connect;

  /**
   * Makes every command of this process get its connections from {@code source} (the resident agent
   * keeps them open between commands).
   */
  public static void useClients(ClientSource source) {
    clients = source;
  }

  /** A connection to {@code endpoint} from the source in use. */
  static AdminClient open(String endpoint, Duration timeout, AdminClient.Credentials login)
      throws AdminClientException {
    return clients.open(endpoint, timeout, login);
  }

  /** The user to log in as, or null for an anonymous session. */
  AdminClient.Credentials credentials() throws UsageException {
    if (user == null && presetLogin != null) {
      return presetLogin;
    }
    try {
      return Passwords.login(user, passwordFile);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }

  /** The servers to ask: the one endpoint, or every server of the domain file. */
  List<Target> targets() throws UsageException {
    if ((endpoint == null) == (domainFile == null)) {
      throw new UsageException("give exactly one of --endpoint URL or --domain FILE");
    }
    List<Target> list = new ArrayList<>();
    if (endpoint != null) {
      list.add(new Target(null, endpoint));
      return list;
    }
    Domain domain;
    try {
      domain = DomainFileReader.readWithoutSecret(domainFile.toAbsolutePath());
    } catch (DomainFileException e) {
      throw new UsageException(e.getMessage());
    }
    for (ServerSpec s : domain.servers()) {
      // The quorum witness has no endpoint: the servers report what they see of it.
      if (!s.name().equals(domain.hotStandby().witness())) {
        list.add(new Target(s.name(), s.opcUaUrl()));
      }
    }
    return list;
  }

  /** Every target's status, asked in parallel. */
  List<ServerStatus> statuses(List<Target> targets) throws UsageException {
    AdminClient.Credentials login = credentials();
    List<CompletableFuture<ServerStatus>> asked =
        targets.stream()
            .map(t -> CompletableFuture.supplyAsync(() -> ServerStatus.ask(t, timeout(), login)))
            .toList();
    return asked.stream().map(CompletableFuture::join).toList();
  }

  /**
   * Asks every target and returns the one in {@code state} (e.g. the ACTIVE server of the domain),
   * empty when the domain answered but has none; fails when no server answered at all.
   */
  Optional<Target> serverIn(List<Target> targets, String state) throws UsageException {
    List<ServerStatus> statuses = statuses(targets);
    if (statuses.stream().noneMatch(ServerStatus::reachable)) {
      throw new UsageException(
          "no server of the domain answered: "
              + String.join("; ", statuses.stream().map(ServerStatus::error).toList()));
    }
    return statuses.stream()
        .filter(s -> state.equals(s.state()))
        .map(ServerStatus::target)
        .findFirst();
  }

  /** The one endpoint, or the first server of the domain that answers. */
  AdminClient connectAny(List<Target> targets) throws UsageException {
    List<String> errors = new ArrayList<>();
    for (Target t : targets) {
      try {
        return connect(t);
      } catch (AdminClientException e) {
        errors.add(e.getMessage());
      }
    }
    if (targets.size() == 1) {
      throw new UsageException(errors.get(0));
    }
    throw new UsageException("no server of the domain answered: " + String.join("; ", errors));
  }

  /** What {@link #askAll} runs against one connected server. */
  @FunctionalInterface
  interface Call<T> {
    T on(AdminClient client, Target target) throws AdminClientException;
  }

  /** One server's answer to {@link #askAll}: a value, or the one-line error. */
  record Answer<T>(Target target, T value, String error) {
    boolean ok() {
      return error == null;
    }
  }

  /** Connects to every target in parallel and runs {@code call} on each; never throws. */
  <T> List<Answer<T>> askAll(List<Target> targets, Call<T> call) {
    List<CompletableFuture<Answer<T>>> asked =
        targets.stream()
            .map(
                t ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          try (AdminClient c = connect(t)) {
                            return new Answer<>(t, call.on(c, t), null);
                          } catch (AdminClientException | UsageException e) {
                            return new Answer<T>(t, null, e.getMessage());
                          } catch (RuntimeException e) {
                            return new Answer<T>(t, null, t.endpoint() + ": " + e);
                          }
                        }))
            .toList();
    return asked.stream().map(CompletableFuture::join).toList();
  }

  /**
   * Hands every element of each answer's JSON array to {@code each}; prints the errors to {@code
   * err} (when given).
   *
   * @return whether any server answered
   */
  static boolean eachElement(
      List<Answer<String>> answers,
      PrintWriter err,
      java.util.function.BiConsumer<Target, com.fasterxml.jackson.databind.JsonNode> each) {
    boolean any = false;
    for (Answer<String> a : answers) {
      if (!a.ok()) {
        if (err != null) {
          err.println("domainctl: " + a.error());
        }
        continue;
      }
      any = true;
      StatusCommand.parse(a.value()).forEach(e -> each.accept(a.target(), e));
    }
    return any;
  }

  /** The target named {@code server}, or the only target when it has no name (--endpoint). */
  Target named(List<Target> targets, String server) throws UsageException {
    if (targets.size() == 1 && targets.get(0).name() == null) {
      return targets.get(0);
    }
    return targets.stream()
        .filter(t -> server.equals(t.name()))
        .findFirst()
        .orElseThrow(
            () ->
                new UsageException(
                    "unknown server '"
                        + server
                        + "' in the domain (servers: "
                        + String.join(", ", targets.stream().map(Target::name).toList())
                        + ")"));
  }

  /** A server to ask: its name when known from the domain file, and its endpoint URL. */
  record Target(String name, String endpoint) {}

  /** Bad arguments or a domain file that cannot be read. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }
}
