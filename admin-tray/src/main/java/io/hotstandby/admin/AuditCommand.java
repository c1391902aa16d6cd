package io.hotstandby.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hotstandby.admin.Domainctl.Answer;
import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.Domainctl.UsageException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code domainctl audit}: who did what, from every server's audit log, merged by time. */
@Command(
    name = "audit",
    description =
        "Lists the newest entries of every server's audit log (who did what, from where, with"
            + " what result), oldest first; needs --user of an administrator.")
final class AuditCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @ParentCommand Domainctl parent;

  @Spec CommandSpec spec;

  @Mixin Since since;

  @Option(
      names = "--max",
      defaultValue = "100",
      description =
          "the newest N entries of each server (0: up to 1000; default: ${DEFAULT-VALUE})")
  int max;

  @Option(names = "--json", description = "print a JSON array for scripts")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Target> targets;
    long sinceMillis;
    try {
      targets = parent.targets();
      sinceMillis = since.millis();
    } catch (UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.USAGE;
    }
    List<Answer<String>> answers =
        parent.askAll(targets, (c, t) -> c.actions().auditJson(sinceMillis, max));
    List<JsonNode> entries = new ArrayList<>();
    boolean any = Domainctl.eachElement(answers, err, (t, e) -> entries.add(e));
    if (!any) {
      return Domainctl.USAGE;
    }
    entries.sort(Comparator.comparingLong(AuditCommand::millis));
    if (json) {
      ArrayNode array = EventsCommand.JSON.createArrayNode();
      entries.forEach(array::add);
      out.println(array.toPrettyString());
      return Domainctl.OK;
    }
    String format = "%-19s  %-10s %-10s %-16s %-18s %-24s %-12s %s%n";
    out.printf(format, "TIME", "SERVER", "USER", "CLIENT", "ACTION", "TARGET", "VALUE", "RESULT");
    for (JsonNode e : entries) {
      JsonNode value = e.path("value");
      out.printf(
          format,
          TIME.format(Instant.ofEpochMilli(millis(e))),
          e.path("server").asText(),
          e.path("user").asText(),
          e.path("client").asText(),
          e.path("action").asText(),
          e.path("target").asText(),
          value.isNull() || value.isMissingNode() ? "-" : value.asText(value.toString()),
          e.path("result").asText());
    }
    return Domainctl.OK;
  }

  private static long millis(JsonNode e) {
    if (e.has("epochMillis")) {
      return e.path("epochMillis").asLong();
    }
    try {
      return Instant.parse(e.path("time").asText()).toEpochMilli();
    } catch (RuntimeException x) {
      return 0;
    }
  }
}
