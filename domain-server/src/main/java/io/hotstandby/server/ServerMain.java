package io.hotstandby.server;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileException;
import io.hotstandby.domain.ProductVersion;
import io.hotstandby.domain.sync.DomainStore;
import io.hotstandby.host.PrivateFiles;
import io.hotstandby.server.lifecycle.ServiceNotifier;
import io.hotstandby.server.lifecycle.Termination;
import io.hotstandby.server.role.RoleSnapshot;
import io.hotstandby.server.witness.WitnessServer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code domain-server --domain FILE --server NAME [--data-dir DIR]}: one server, foreground. */
@Command(
    name = "domain-server",
    mixinStandardHelpOptions = true,
    versionProvider = ServerMain.Version.class,
    description = "Runs one server of a hot-standby domain in the foreground; SIGTERM stops it.")
public final class ServerMain implements Callable<Integer> {

  @Option(names = "--domain", required = true, description = "the domain file (.dom)")
  Path domainFile;

  @Option(names = "--server", required = true, description = "this server's name in the domain")
  String server;

  @Option(
      names = "--data-dir",
      description = "where the term, logs, event log and certificates live (default: data/NAME)")
  Path dataDir;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new ServerMain());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          System.err.println("domain-server: " + e.getMessage());
          return StartupException.CONFIG;
        });
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path data = (dataDir != null ? dataDir : Path.of("data", server)).toAbsolutePath();
    // Term, history, logs and keys are the server's alone: other local users get no way in.
    String tightened = PrivateFiles.ownerOnlyDir(data);
    // Logback reads this when the first logger is made, so it must be set before any logging.
    System.setProperty("hotstandby.logDir", data.resolve("logs").toString());
    System.setProperty("hotstandby.server", server);
    if (tightened != null) {
      LoggerFactory.getLogger(ServerMain.class).warn("data-dir: {}", tightened);
    }
    DomainServer ds;
    try (FileLock lock = lockDataDir(data)) {
      DomainStore store =
          new DomainStore(
              domainFile, data.resolve("domain-history"), server, System::currentTimeMillis);
      DomainStore.Opened opened = openDomain(store);
      Domain domain = opened.domain();
      opened.errors().forEach(e -> System.err.println("domain-server: " + e));
      if (server.equals(domain.hotStandby().witness())) {
        return runWitness(domain, data);
      }
      ds = new DomainServer(store, opened, server, data, ProductVersion.current());
      // Under systemd (Type=notify): READY, the role as STATUS, watchdog pings while the role
      // thread runs. In a terminal it does nothing.
      ServiceNotifier systemd =
          ServiceNotifier.forThisProcess(ds::onRoleThread, () -> serviceStatus(ds.snapshot()));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    systemd.close();
                    ds.close();
                  },
                  "shutdown"));
      try {
        ds.start();
      } catch (StartupException e) {
        System.err.println("domain-server: " + e.getMessage());
        ds.close();
        return e.exitCode();
      }
      systemd.ready();
      System.out.println(
          "domain-server "
              + server
              + " running (pid "
              + ProcessHandle.current().pid()
              + ", endpoint "
              + domain.server(server).orElseThrow().opcUaUrl()
              + ")");
      // Ends when a signal closed the server, or when it ended on its own (cluster member down,
      // removed from the domain): then it is closed here and the reason becomes the exit code.
      Termination end = ds.termination().join();
      if (!end.message().isEmpty()) {
        System.err.println("domain-server: " + end.message());
      }
      systemd.close();
      ds.close();
      return end.exitCode();
    } catch (StartupException e) {
      System.err.println("domain-server: " + e.getMessage());
      return e.exitCode();
    }
  }

  /** What systemd shows for the server ({@code systemctl status}): its state and term. */
  static String serviceStatus(RoleSnapshot s) {
    return s == null ? "starting" : s.state() + " term " + s.term();
  }

  /** Runs this server as the domain's quorum witness until a signal stops it. */
  private int runWitness(Domain domain, Path data) throws StartupException {
    WitnessServer witness = new WitnessServer(domain, server, data);
    // A witness has no role thread: its watchdog pings say only that the process still runs.
    ServiceNotifier systemd = ServiceNotifier.forThisProcess(Runnable::run, () -> "WITNESS");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  systemd.close();
                  witness.close();
                  stopped.countDown();
                },
                "shutdown"));
    witness.start();
    systemd.ready();
    System.out.println(
        "domain-server "
            + server
            + " running as the quorum witness of domain "
            + domain.name()
            + " (pid "
            + ProcessHandle.current().pid()
            + ", no endpoint)");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * Reads the domain file through its history: the first start records it, a later one takes an
   * edit made while stopped as the next version (or refuses it and keeps the last good one).
   */
  private DomainStore.Opened openDomain(DomainStore store) throws StartupException {
    DomainStore.Opened opened;
    try {
      opened = store.open();
    } catch (DomainFileException e) {
      throw new StartupException(StartupException.CONFIG, e.getMessage(), e);
    } catch (IOException e) {
      throw new StartupException(
          StartupException.RESOURCE, store.file() + ": history: " + e.getMessage(), e);
    }
    Domain domain = opened.domain();
    if (domain.server(server).isEmpty()) {
      throw new StartupException(
          StartupException.CONFIG,
          domain.file()
              + ": servers/server: unknown server '"
              + server
              + "' (the domain has "
              + String.join(", ", domain.servers().stream().map(s -> s.name()).toList())
              + ")");
    }
    return opened;
  }

  private static FileLock lockDataDir(Path data) throws StartupException, IOException {
    FileChannel ch =
        FileChannel.open(
            data.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = ch.tryLock();
    if (lock == null) {
      ch.close();
      throw new StartupException(
          StartupException.RESOURCE, data + ": data-dir: in use by another domain-server process");
    }
    return lock;
  }

  /** Reports the product version for {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"domain-server " + ProductVersion.current()};
    }
  }
}
