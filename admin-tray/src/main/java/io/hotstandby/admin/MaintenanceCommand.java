package io.hotstandby.admin;

import io.hotstandby.admin.Domainctl.UsageException;
import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code domainctl maintenance on|off SERVER}: sets or clears maintenance of a server through a
 * change of the domain file, which every server takes; on the active a planned switchover comes
 * first, and without a ready standby the change is refused.
 */
@Command(
    name = "maintenance",
    description = {
      "Puts SERVER in maintenance (on) or takes it out (off); needs --user of an operator.",
      "A server in maintenance takes part in no domain event. On the active, a planned switchover"
          + " to the standby comes first; without a ready standby it is refused."
    })
final class MaintenanceCommand implements Callable<Integer> {
  enum Mode {
    on,
    off
  }

  @ParentCommand Domainctl parent;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "on|off", description = "on or off")
  Mode mode;

  @Parameters(
      index = "1",
      paramLabel = "SERVER",
      description = "the server, as the domain names it")
  String server;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (AdminClient client = parent.connectAny(parent.targets())) {
      ActivateResult r = client.actions().setMaintenance(server, mode == Mode.on);
      (r.accepted() ? out : err).println(r.message());
      return r.accepted() ? Domainctl.OK : Domainctl.NOT_OK;
    } catch (AdminClientException | UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.USAGE;
    }
  }
}
