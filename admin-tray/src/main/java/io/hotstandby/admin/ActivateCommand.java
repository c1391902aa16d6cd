package io.hotstandby.admin;

import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.Domainctl.UsageException;
import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code domainctl activate [SERVER]}: a planned switchover to SERVER (default: the domain's
 * standby). Prints the outcome; a refusal lists every unmet precondition.
 */
@Command(
    name = "activate",
    description =
        "Makes SERVER (default: the standby) the active server; needs --user of an operator.")
final class ActivateCommand implements Callable<Integer> {

  @ParentCommand Domainctl parent;

  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "SERVER", description = "the server to activate")
  String server;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Target target;
    try {
      target = choose(parent.targets());
    } catch (UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.USAGE;
    }
    if (target == null) {
      // The domain answered, but has nobody to switch to: a state, not a usage error.
      err.println("domainctl: no STANDBY server to activate in the domain");
      return Domainctl.NOT_OK;
    }
    try (AdminClient client = parent.connect(target)) {
      ActivateResult result = client.activate();
      (result.accepted() ? out : err).println(result.message());
      return result.accepted() ? Domainctl.OK : Domainctl.NOT_OK;
    } catch (AdminClientException | UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.USAGE;
    }
  }

  /** The server to activate, or null when the domain answered but has no standby. */
  private Target choose(List<Target> targets) throws UsageException {
    if (targets.size() == 1) {
      Target only = targets.get(0);
      if (server != null && only.name() != null && !only.name().equals(server)) {
        throw new UsageException("unknown server '" + server + "'");
      }
      return only;
    }
    if (server != null) {
      return targets.stream()
          .filter(t -> server.equals(t.name()))
          .findFirst()
          .orElseThrow(() -> new UsageException("unknown server '" + server + "' in the domain"));
    }
    return parent.serverIn(targets, "STANDBY").orElse(null);
  }
}
