package io.hotstandby.admin.tray;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.KnownServers;
import io.hotstandby.admin.client.Passwords;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileException;
import io.hotstandby.domain.DomainFileReader;
import io.hotstandby.domain.ServerSpec;
import java.awt.AWTError;
import java.awt.GraphicsEnvironment;
import java.awt.SystemTray;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code admin-tray}: the system-tray admin of a domain, as seen from one of its servers, local or
 * remote. The icon's colour, shape and tooltip follow the domain's state there; its menus start and
 * stop the domain on the server, activate it, set its maintenance, and show the domain's status and
 * the server's events. Exit codes: 0 after Exit (or {@code --help}), 2 for bad options, an
 * unreadable domain file or a desktop without a system tray.
 */
@Command(
    name = "admin-tray",
    mixinStandardHelpOptions = true,
    version = "admin-tray",
    description =
        "Shows a domain's state, as one of its servers sees it, in the system tray; starts,"
            + " stops, activates and maintains the server from its menu.")
public final class AdminTray implements Callable<Integer> {
  public static final int OK = 0;
  public static final int USAGE = 2;
  static final String DEFAULT_ENDPOINT = "opc.tcp://127.0.0.1:4851/hotstandby";
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description = "the server's OPC UA endpoint (default: " + DEFAULT_ENDPOINT + ")")
  String endpoint;

  @Option(
      names = "--domain",
      paramLabel = "FILE",
      description =
          "a domain file: the tray watches --server NAME, else the domain's server on this"
              + " machine (the first in the file if several), else the first that answers")
  Path domainFile;

  @Option(names = "--server", paramLabel = "NAME", description = "the server of --domain to watch")
  String server;

  @Option(
      names = "--user",
      paramLabel = "USER",
      description =
          "log in as this user of the domain (the password from --password-file, the"
              + " DOMAINCTL_PASSWORD environment variable, or asked for); without it the tray"
              + " asks for a login when an action needs one")
  String user;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "a file whose first line is the password of --user")
  Path passwordFile;

  @Spec CommandSpec spec;

  private final Function<Target, Integer> launcher;

  private AdminTray(Function<Target, Integer> launcher) {
    this.launcher = launcher;
  }

  /**
   * The server to watch: its endpoints (tried in order until one answers: several only for a domain
   * file none of whose servers is on this machine), its domain's and its own name when known, who
   * logs in (null: anonymously, until an action needs a login), and the domain file.
   */
  record Target(
      List<String> endpoints,
      String domain,
      String server,
      AdminClient.Credentials login,
      Path domainFile) {
    Target(String endpoint, String domain, String server) {
      this(List.of(endpoint), domain, server, null, null);
    }

    /** The first endpoint: the one named while the server's name is unknown. */
    String endpoint() {
      return endpoints.get(0);
    }
  }

  public static void main(String[] args) {
    PrintWriter err = new PrintWriter(System.err, true);
    int exit =
        run(args, new PrintWriter(System.out, true), err, t -> start(t, err, AdminTray::noTray));
    if (exit != OK) {
      System.exit(exit);
    }
    // Otherwise the AWT event thread keeps the process alive until Exit.
  }

  /** Parses {@code args} and hands the target to {@code launcher}; returns the exit code. */
  static int run(
      String[] args, PrintWriter out, PrintWriter err, Function<Target, Integer> launcher) {
    CommandLine cli = new CommandLine(new AdminTray(launcher));
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, a) -> {
          err.println("admin-tray: " + e.getMessage() + " (see admin-tray --help)");
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, c, p) -> {
          err.println("admin-tray: " + e);
          return USAGE;
        });
    int exit = cli.execute(args);
    out.flush();
    err.flush();
    return exit;
  }

  @Override
  public Integer call() {
    Target target;
    try {
      Target t = target();
      target =
          new Target(
              t.endpoints(),
              t.domain(),
              t.server(),
              Passwords.login(user, passwordFile),
              t.domainFile());
    } catch (DomainFileException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("admin-tray: " + e.getMessage());
      return USAGE;
    }
    return launcher.apply(target);
  }

  private Target target() throws DomainFileException {
    if (domainFile == null) {
      if (server != null) {
        throw new IllegalArgumentException("--server NAME needs --domain FILE");
      }
      return new Target(endpoint == null ? DEFAULT_ENDPOINT : endpoint, null, null);
    }
    if (endpoint != null) {
      throw new IllegalArgumentException("give either --endpoint URL or --domain FILE, not both");
    }
    Domain domain = DomainFileReader.readWithoutSecret(domainFile);
    Path file = domain.file();
    // The quorum witness has no endpoint.
    List<ServerSpec> servers =
        domain.servers().stream()
            .filter(s -> !s.name().equals(domain.hotStandby().witness()))
            .toList();
    if (server != null) {
      ServerSpec spec =
          servers.stream()
              .filter(s -> s.name().equals(server))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "unknown server '" + server + "' in " + domain.file()));
      return new Target(List.of(spec.opcUaUrl()), domain.name(), spec.name(), null, file);
    }
    for (ServerSpec s : servers) {
      if (LocalHost.isThisMachine(s.host())) {
        return new Target(List.of(s.opcUaUrl()), domain.name(), s.name(), null, file);
      }
    }
    return new Target(
        servers.stream().map(ServerSpec::opcUaUrl).toList(), domain.name(), null, null, file);
  }

  /**
   * Puts the icon in the tray and starts watching the server; returns {@link #OK} once running.
   *
   * @param noTray why this desktop has no system tray, or null when it has one
   */
  static int start(Target target, PrintWriter err, Supplier<String> noTray) {
    String problem = noTray.get();
    if (problem != null) {
      err.println("admin-tray: no system tray available on this desktop (" + problem + ")");
      return USAGE;
    }
    CertificateTrust trust =
        new CertificateTrust(GraphicsEnvironment.isHeadless() ? null : CertificateTrust.swing());
    KnownServers.confirmWith(trust);
    try {
      new TraySession(target, trust, System.out).start();
    } catch (IllegalStateException e) {
      err.println("admin-tray: no system tray available on this desktop (" + e.getMessage() + ")");
      return USAGE;
    }
    return OK;
  }

  /** Why this desktop cannot show a tray icon, or null when it can. */
  static String noTray() {
    try {
      if (GraphicsEnvironment.isHeadless()) {
        return "no display: headless";
      }
      return SystemTray.isSupported() ? null : "the desktop has no notification area";
    } catch (RuntimeException | LinkageError | AWTError e) {
      return e.getMessage() != null ? e.getMessage() : e.toString();
    }
  }
}
