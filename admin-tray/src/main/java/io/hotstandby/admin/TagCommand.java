package io.hotstandby.admin;

import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.Domainctl.UsageException;
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
 * {@code domainctl tag PATH [VALUE]}: reads a tag of the application (with {@code --domain}, from
 * the ACTIVE server), or writes VALUE to it as an operator would; the value is converted to the
 * tag's current type.
 */
@Command(
    name = "tag",
    description =
        "Reads a tag, or writes VALUE to it (needs --user of an operator), on the ACTIVE server.")
final class TagCommand implements Callable<Integer> {

  @ParentCommand Domainctl parent;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PATH", description = "the tag, e.g. Tank1.Level")
  String path;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE", description = "a value to write")
  String value;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Target target;
    try {
      target = active(parent.targets());
    } catch (UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.USAGE;
    }
    try (AdminClient client = parent.connect(target)) {
      AdminClient.TagReading now = client.readTag(path);
      if (value == null) {
        out.println(path + " = " + now.value() + " (" + (now.good() ? "Good" : now.status()) + ")");
        return now.good() ? Domainctl.OK : Domainctl.NOT_OK;
      }
      String status = client.writeTag(path, convert(value, now.value()));
      (status.equals("Good") ? out : err).println(path + " <- " + value + ": " + status);
      return status.equals("Good") ? Domainctl.OK : Domainctl.NOT_OK;
    } catch (AdminClientException | UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.USAGE;
    } catch (IllegalArgumentException e) {
      err.println("domainctl: " + path + ": " + e.getMessage());
      return Domainctl.USAGE;
    }
  }

  /** The text as the Java type the tag holds now (a tag's type never changes while it runs). */
  static Object convert(String text, Object current) {
    if (current instanceof Boolean) {
      if (!text.equals("true") && !text.equals("false")) {
        throw new IllegalArgumentException("'" + text + "' is not true or false");
      }
      return Boolean.valueOf(text);
    }
    try {
      if (current instanceof Integer) {
        return Integer.valueOf(text);
      }
      if (current instanceof Long) {
        return Long.valueOf(text);
      }
      if (current instanceof Double) {
        return Double.valueOf(text);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a number");
    }
    return text;
  }

  /** The one endpoint, or the domain's ACTIVE server. */
  private Target active(List<Target> targets) throws UsageException {
    if (targets.size() == 1) {
      return targets.get(0);
    }
    return parent
        .serverIn(targets, "ACTIVE")
        .orElseThrow(() -> new UsageException("no ACTIVE server in the domain"));
  }
}
