package io.hotstandby.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.Domainctl.UsageException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code domainctl status [--json]}: each server's state, term, ServiceLevel and links. */
@Command(name = "status", description = "Shows every server's state, term, ServiceLevel and links.")
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand Domainctl parent;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print one JSON document for scripts")
  boolean json;

  @Option(
      names = "--watch",
      description =
          "keep watching: print the status again whenever it changes (pushed by each server)")
  boolean watch;

  @Option(
      names = "--watch-seconds",
      paramLabel = "N",
      description = "with --watch: stop after N seconds (default: until interrupted)")
  long watchSeconds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Target> targets;
    List<ServerStatus> statuses;
    try {
      targets = parent.targets();
      statuses = parent.statuses(targets);
    } catch (UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.USAGE;
    }
    if (watch) {
      statuses =
          new StatusWatch(parent, targets, statuses, json ? StatusCommand::jsonLine : null, out)
              .run(watchSeconds);
    } else {
      out.print(json ? document(statuses).toPrettyString() + "\n" : text(statuses));
    }
    long reachable = statuses.stream().filter(ServerStatus::reachable).count();
    long active = DomainView.activeCount(statuses);
    for (ServerStatus s : statuses) {
      if (!s.reachable()) {
        err.println("domainctl: " + s.error());
      }
    }
    if (reachable == 0) {
      return Domainctl.USAGE;
    }
    return active == 1 ? Domainctl.OK : Domainctl.NOT_OK;
  }

  /** The JSON document of {@code --json}: the servers and how many are ACTIVE. */
  static ObjectNode document(List<ServerStatus> statuses) {
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode servers = doc.putArray("servers");
    statuses.forEach(s -> servers.add(s.json()));
    doc.put("activeCount", DomainView.activeCount(statuses));
    return doc;
  }

  private static String jsonLine(List<ServerStatus> statuses) {
    return document(statuses).toString() + "\n";
  }

  /**
   * The status as text: the table, the witness, and a line for each thing an operator must act on
   * (a domain file conflict, foreign heartbeats, project files out of step, a stopped domain, a
   * failing service probe, events waiting for an acknowledgement).
   */
  static String text(List<ServerStatus> statuses) {
    StringBuilder out = new StringBuilder(DomainView.table(statuses));
    String witness = DomainView.witness(statuses);
    if (!witness.isEmpty()) {
      out.append(witness).append('\n');
    }
    for (ServerStatus s : statuses) {
      if (!s.reachable()) {
        continue;
      }
      JsonNode j = s.status();
      String name = j.path("name").asText();
      String conflict = j.path("domainConflict").asText("");
      if (!conflict.isEmpty()) {
        out.append(name).append(": DOMAIN FILE ").append(conflict).append('\n');
      }
      JsonNode foreign = j.path("foreignKeyPeers");
      if (foreign.size() > 0) {
        List<String> names = new ArrayList<>();
        foreign.fieldNames().forEachRemaining(names::add);
        out.append(name)
            .append(": heartbeats from ")
            .append(String.join(", ", names))
            .append(" do not verify with its secret: the domain files differ")
            .append(" (give the older one the current file: domainctl domain apply)\n");
      }
      JsonNode projects = j.path("projectFiles");
      if (projects.has("inSync") && !projects.path("inSync").asBoolean()) {
        out.append(name)
            .append(": project files differ from the active's ")
            .append(projects.path("differences"))
            .append(projects.path("sync").asBoolean() ? "; not ready until in sync" : "")
            .append('\n');
      }
      String stoppedBy = j.path("domainStoppedBy").asText("");
      if (!stoppedBy.isEmpty()) {
        out.append(name)
            .append(": domain stopped by ")
            .append(stoppedBy)
            .append(" (domainctl domain start ")
            .append(name)
            .append(")\n");
      }
      probe(name, j.path("probe"), out);
      int errors = j.path("unackedErrors").asInt();
      int warnings = j.path("unackedWarnings").asInt();
      if (errors + warnings > 0) {
        out.append(name)
            .append(": ")
            .append(errors)
            .append(" ERROR and ")
            .append(warnings)
            .append(" WARNING events not acknowledged (domainctl events --unacked)\n");
      }
    }
    return out.toString();
  }

  /**
   * A line while the service probe of {@code name} is failing, nothing otherwise: what it probes,
   * how many failures in a row against the domain's threshold, and why the last failed.
   */
  private static void probe(String name, JsonNode probe, StringBuilder out) {
    int failures = probe.path("failuresInRow").asInt();
    if (!probe.path("enabled").asBoolean() || failures == 0) {
      return;
    }
    boolean self = probe.path("self").asBoolean();
    out.append(name)
        .append(": service probe of ")
        .append(self ? "its own endpoint" : probe.path("target").asText())
        .append(" failed ")
        .append(failures)
        .append(" times in a row (threshold ")
        .append(probe.path("threshold").asInt())
        .append(')');
    String why = probe.path("lastFailure").asText("");
    if (!why.isEmpty()) {
      out.append(": ").append(why);
    }
    if (!self && probe.path("lastOkAt").isNull()) {
      out.append("; it has not answered in this term, so it is not taken for failed");
    }
    out.append('\n');
  }

  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }
}
