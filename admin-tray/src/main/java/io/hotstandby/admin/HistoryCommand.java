package io.hotstandby.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.Domainctl.UsageException;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code domainctl history [--json] [--max N]}: the failovers and planned switchovers of the domain
 * as one server (with {@code --domain}, the first that answers) keeps them, one a line, newest
 * last.
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description =
        "Lists the failovers and switchovers of the domain, newest last: time, kind, from → to,"
            + " reason, duration and the new active's mirror lag.")
final class HistoryCommand implements Callable<Integer> {
  /** What a server keeps, and so answers at most. */
  static final int MAX = 500;

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand Domainctl parent;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print the server's JSON array for scripts")
  boolean json;

  @Option(
      names = "--max",
      paramLabel = "N",
      defaultValue = "50",
      description = "the newest N entries, 1 to " + MAX + " (default: ${DEFAULT-VALUE})")
  int max;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (max < 1 || max > MAX) {
        throw new UsageException("--max: " + max + " is outside 1.." + MAX);
      }
      List<Target> targets = parent.targets();
      List<String> errors = new ArrayList<>();
      for (Target t : targets) {
        try (AdminClient client = parent.connect(t)) {
          String history = client.switchoverHistoryJson(max);
          out.print(json ? history + System.lineSeparator() : lines(history));
          out.flush();
          return Domainctl.OK;
        } catch (AdminClientException e) {
          errors.add(e.getMessage());
        }
      }
      throw new UsageException(
          targets.size() == 1
              ? errors.get(0)
              : "no server of the domain answered: " + String.join("; ", errors));
    } catch (UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.USAGE;
    }
  }

  /**
   * The history as text, one entry a line as the server lists them (newest last), e.g. {@code
   * 2026-12-07T14:03:12.345Z failover alpha → beta (term 4) active lost: ... 612 ms lag 0 entries 0
   * ms}.
   */
  static String lines(String json) throws UsageException {
    JsonNode entries;
    try {
      entries = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UsageException("the history is not JSON: " + e.getOriginalMessage());
    }
    if (entries == null || !entries.isArray()) {
      throw new UsageException("the history is not a JSON array");
    }
    if (entries.isEmpty()) {
      return "no failover or switchover recorded" + System.lineSeparator();
    }
    StringBuilder b = new StringBuilder();
    for (JsonNode e : entries) {
      long duration = e.path("durationMs").asLong(-1);
      String from = e.path("from").asText("");
      b.append(e.path("time").asText("-"))
          .append("  ")
          .append(String.format("%-10s", e.path("kind").asText("-")))
          .append("  ")
          .append(from.isEmpty() ? "-" : from)
          .append(" → ")
          .append(e.path("to").asText("-"))
          .append(" (term ")
          .append(e.path("term").asLong())
          .append(")  ")
          .append(e.path("reason").asText(""))
          .append("  ")
          .append(duration < 0 ? "duration unknown" : duration + " ms")
          .append("  lag ")
          .append(e.path("lagEntries").asLong())
          .append(" entries ")
          .append(e.path("lagMs").asLong())
          .append(" ms")
          .append(System.lineSeparator());
    }
    return b.toString();
  }
}
