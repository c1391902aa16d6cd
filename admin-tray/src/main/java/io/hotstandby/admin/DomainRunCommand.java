package io.hotstandby.admin;

import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.Domainctl.UsageException;
import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code domainctl domain start|stop [SERVER]}: a server leaves the domain's roles without its
 * process stopping (an active hands over to its standby first), and comes back. Without SERVER (and
 * with {@code --domain}): every server; the active is stopped last, which stops the application and
 * so needs an administrator.
 */
final class DomainRunCommand {
  private DomainRunCommand() {}

  /** The servers to act on: SERVER, the one endpoint, or every server of the domain file. */
  static List<Target> which(Domainctl parent, String server) throws UsageException {
    List<Target> targets = parent.targets();
    return server == null ? targets : List.of(parent.named(targets, server));
  }

  /** Runs {@code action} on each target in turn; prints each answer; the worst exit code. */
  static int each(Domainctl parent, List<Target> targets, Action action, CommandSpec spec) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int exit = Domainctl.OK;
    for (Target t : targets) {
      try (AdminClient client = parent.connect(t)) {
        ActivateResult r = action.on(client, t);
        (r.accepted() ? out : err).println(r.message());
        exit = Math.max(exit, r.accepted() ? Domainctl.OK : Domainctl.NOT_OK);
      } catch (AdminClientException | UsageException e) {
        err.println("domainctl: " + e.getMessage());
        exit = Domainctl.USAGE;
      }
    }
    return exit;
  }

  @FunctionalInterface
  interface Action {
    ActivateResult on(AdminClient client, Target target) throws AdminClientException;
  }

  @Command(
      name = "stop",
      description = {
        "Stops the domain on SERVER: it leaves its role and takes none, also after a restart,"
            + " until 'domain start'. The process keeps running. Needs --user of an operator.",
        "An ACTIVE server first hands over to its ready standby; without one it is refused unless"
            + " --force (administrator). Without SERVER: every server, the active last (forced)."
      })
  static final class Stop implements Callable<Integer> {
    @ParentCommand DomainCommand group;

    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SERVER", description = "the server (default: all)")
    String server;

    @Option(
        names = "--force",
        description = "stop an ACTIVE server even when no standby can take over (administrator)")
    boolean force;

    @Override
    public Integer call() {
      Domainctl parent = group.parent;
      List<Target> targets;
      List<ServerStatus> statuses;
      try {
        targets = which(parent, server);
        if (server != null || targets.size() == 1) {
          return each(parent, targets, (c, t) -> c.actions().stopDomain(force), spec);
        }
        statuses = parent.statuses(targets);
      } catch (UsageException e) {
        spec.commandLine().getErr().println("domainctl: " + e.getMessage());
        return Domainctl.USAGE;
      }
      // The whole domain: the others first, so the active hands over to nobody, then the active.
      List<Target> ordered = new ArrayList<>();
      Target active = null;
      for (ServerStatus s : statuses) {
        if ("ACTIVE".equals(s.state()) && active == null) {
          active = s.target();
        } else {
          ordered.add(s.target());
        }
      }
      if (active != null) {
        ordered.add(active);
      }
      Target last = active;
      List<Target> stopped = new ArrayList<>();
      boolean[] activeStopped = {last == null};
      int exit =
          each(
              parent,
              ordered,
              (c, t) -> {
                ActivateResult r = c.actions().stopDomain(force || t == last);
                if (r.accepted() && t != last) {
                  stopped.add(t);
                }
                activeStopped[0] |= r.accepted() && t == last;
                return r;
              },
              spec);
      if (!activeStopped[0] && !stopped.isEmpty()) {
        // The active kept running: the domain is not half-stopped, the others run again.
        spec.commandLine()
            .getErr()
            .println("domainctl: the active was not stopped; starting the others again");
        each(parent, stopped, (c, t) -> c.actions().startDomain(), spec);
      }
      return exit;
    }
  }

  @Command(
      name = "start",
      description =
          "Starts the domain on SERVER again (default: on every server): it joins as at start,"
              + " normally as STANDBY. Needs --user of an operator.")
  static final class Start implements Callable<Integer> {
    @ParentCommand DomainCommand group;

    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SERVER", description = "the server (default: all)")
    String server;

    @Override
    public Integer call() {
      Domainctl parent = group.parent;
      try {
        return each(parent, which(parent, server), (c, t) -> c.actions().startDomain(), spec);
      } catch (UsageException e) {
        spec.commandLine().getErr().println("domainctl: " + e.getMessage());
        return Domainctl.USAGE;
      }
    }
  }
}
