package io.hotstandby.admin.tray;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.KnownServers;
import io.hotstandby.admin.client.Passwords;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileException;
import io.hotstandby.domain.DomainFileReader;
import io.hotstandby.domain.ServerSpec;
import java.awt.AWTError;
import java.awt.AWTException;
import java.awt.EventQueue;
import java.awt.GraphicsEnvironment;
import java.awt.SystemTray;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code admin-tray}: the system-tray admin of one domain server, local or remote. The icon's
 * colour and tooltip follow the server's state; its menu shows the domain's status and activates
 * the server. Exit codes: 0 after Exit (or {@code --help}), 2 for bad options, an unreadable domain
 * file or a desktop without a system tray.
 */
@Command(
    name = "admin-tray",
    mixinStandardHelpOptions = true,
    version = "admin-tray",
    description = "Shows one domain server's state in the system tray and activates it.")
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

  @Option(names = "--domain", paramLabel = "FILE", description = "a domain file, with --server")
  Path domainFile;

  @Option(names = "--server", paramLabel = "NAME", description = "the server of --domain to watch")
  String server;

  @Option(
      names = "--user",
      paramLabel = "USER",
      description =
          "log in as this user of the domain (the password from --password-file, the"
              + " DOMAINCTL_PASSWORD environment variable, or asked for); Activate needs an"
              + " operator")
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
   * The server to watch: its endpoint, its domain's and its own name when known, and who logs in
   * (null: anonymously).
   */
  record Target(String endpoint, String domain, String server, AdminClient.Credentials login) {
    Target(String endpoint, String domain, String server) {
      this(endpoint, domain, server, null);
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
          new Target(t.endpoint(), t.domain(), t.server(), Passwords.login(user, passwordFile));
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
      throw new IllegalArgumentException(
          "give either --endpoint URL or --domain FILE --server NAME, not both");
    }
    if (server == null) {
      throw new IllegalArgumentException("--domain FILE needs --server NAME");
    }
    Domain domain = DomainFileReader.readWithoutSecret(domainFile);
    ServerSpec spec =
        domain
            .server(server)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown server '" + server + "' in " + domain.file()));
    return new Target(spec.opcUaUrl(), domain.name(), spec.name());
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
    TrayModel model = new TrayModel(target.endpoint(), target.domain(), target.server());
    AtomicReference<TrayView> view = new AtomicReference<>();
    CertificateTrust trust =
        new CertificateTrust(GraphicsEnvironment.isHeadless() ? null : CertificateTrust.swing());
    KnownServers.confirmWith(trust);
    StatusPoller poller =
        new StatusPoller(
            StatusPoller.connector(target.endpoint(), TIMEOUT, target.login(), trust),
            json -> view.get().show(model.status(json)),
            why -> view.get().show(model.unreachable(why)));
    Runnable activate =
        () ->
            poller.activate(
                r -> view.get().notify(model.activated(r)),
                why -> view.get().notify(model.activateFailed(why)));
    Runnable exit =
        () -> {
          view.get().remove();
          poller.close();
          System.exit(OK);
        };
    try {
      EventQueue.invokeAndWait(
          () -> {
            view.set(new TrayView(model.snapshot(), activate, exit));
            try {
              view.get().install();
            } catch (AWTException e) {
              throw new IllegalStateException(e.getMessage(), e);
            }
          });
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
      err.println("admin-tray: no system tray available on this desktop (" + reason + ")");
      return USAGE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return USAGE;
    }
    poller.start();
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
