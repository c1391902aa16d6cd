package io.hotstandby.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hotstandby.admin.Domainctl.Answer;
import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.Domainctl.UsageException;
import io.hotstandby.admin.client.ActivateResult;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code domainctl events}: the newest events of every server, merged by time; {@code --follow}
 * keeps printing new ones; {@code events ack} acknowledges WARNING and ERROR events.
 */
@Command(
    name = "events",
    description = {
      "Lists the newest events of every server, oldest first (ACK: open = waits for an"
          + " acknowledgement, else who acknowledged it; - = needs none).",
      "Needs a login where the domain does not allow anonymous reading."
    },
    subcommands = EventsCommand.Ack.class)
final class EventsCommand implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @ParentCommand Domainctl parent;

  @Spec CommandSpec spec;

  @Mixin Since since;

  @Option(names = "--unacked", description = "only WARNING and ERROR events not acknowledged")
  boolean unacked;

  @Option(
      names = "--max",
      defaultValue = "50",
      description = "the newest N events of each server (0: all kept; default: ${DEFAULT-VALUE})")
  int max;

  @Option(names = "--follow", description = "keep printing new events until interrupted (Ctrl-C)")
  boolean follow;

  @Option(
      names = "--follow-seconds",
      paramLabel = "N",
      description = "with --follow: stop after N seconds (default: until interrupted)")
  long followSeconds;

  @Option(names = "--json", description = "print a JSON array (with --follow: one event a line)")
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
    Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    List<JsonNode> events = fetch(targets, sinceMillis, lastSeq, err);
    if (events == null) {
      return Domainctl.USAGE;
    }
    if (json && !follow) {
      ArrayNode array = JSON.createArrayNode();
      events.forEach(array::add);
      out.println(array.toPrettyString());
      return Domainctl.OK;
    }
    print(events, out, true);
    if (!follow) {
      return Domainctl.OK;
    }
    long end =
        followSeconds > 0
            ? System.nanoTime() + TimeUnit.SECONDS.toNanos(followSeconds)
            : Long.MAX_VALUE;
    while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(500); // a poll interval, not a wait for a state
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      List<JsonNode> fresh = fetch(targets, sinceMillis, lastSeq, null);
      if (fresh != null) {
        print(fresh, out, false);
      }
    }
    return Domainctl.OK;
  }

  /**
   * Every server's events after the sequence last seen from it, merged by time; null (after saying
   * why on {@code err}, when given) when no server answered.
   */
  private List<JsonNode> fetch(
      List<Target> targets, long sinceMillis, Map<String, Long> lastSeq, PrintWriter err) {
    boolean first = lastSeq.isEmpty();
    List<Answer<String>> answers =
        parent.askAll(
            targets,
            (c, t) ->
                c.actions()
                    .eventsJson(
                        sinceMillis,
                        lastSeq.getOrDefault(t.endpoint(), 0L),
                        first ? max : 0,
                        unacked));
    List<JsonNode> events = new ArrayList<>();
    boolean any =
        Domainctl.eachElement(
            answers,
            err,
            (t, e) -> {
              events.add(e);
              lastSeq.merge(t.endpoint(), e.path("seq").asLong(), Math::max);
            });
    answers.stream()
        .filter(Answer::ok)
        .forEach(a -> lastSeq.putIfAbsent(a.target().endpoint(), 0L));
    events.sort(
        Comparator.comparingLong((JsonNode e) -> e.path("epochMillis").asLong())
            .thenComparing(e -> e.path("server").asText())
            .thenComparingLong(e -> e.path("seq").asLong()));
    return any ? events : null;
  }

  private void print(List<JsonNode> events, PrintWriter out, boolean header) {
    if (json) {
      events.forEach(e -> out.println(e.toString()));
      out.flush();
      return;
    }
    out.print(table(events, header));
    out.flush();
  }

  /** The events as text, one a line: time, server, id, weight, acknowledgement, message. */
  static String table(List<JsonNode> events, boolean header) {
    StringBuilder b = new StringBuilder();
    String format = "%-19s  %-10s %-12s %-7s %-8s %-10s %s%n";
    if (header) {
      b.append(
          String.format(format, "TIME", "SERVER", "ID", "WEIGHT", "ACK", "COMPONENT", "MESSAGE"));
    }
    for (JsonNode e : events) {
      String ack =
          !e.has("acked")
              ? "-"
              : e.path("acked").asBoolean() ? e.path("ackedBy").asText("yes") : "open";
      b.append(
          String.format(
              format,
              TIME.format(Instant.ofEpochMilli(e.path("epochMillis").asLong())),
              e.path("server").asText(),
              e.path("id").asText(),
              e.path("weight").asText(),
              ack,
              e.path("component").asText(),
              e.path("message").asText()));
    }
    return b.toString();
  }

  /** {@code domainctl events ack ID…|--all}: acknowledges events on the servers that have them. */
  @Command(
      name = "ack",
      description =
          "Acknowledges WARNING and ERROR events by id (as listed, SERVER:SEQ) or all of them;"
              + " needs --user of an operator.")
  static final class Ack implements Callable<Integer> {
    @ParentCommand EventsCommand events;

    @Spec CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Which which;

    static final class Which {
      @Parameters(paramLabel = "ID", description = "event ids, e.g. alpha:17")
      List<String> ids;

      @Option(names = "--all", description = "every event that waits for an acknowledgement")
      boolean all;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Domainctl parent = events.parent;
      List<Target> targets;
      Map<Target, List<String>> byServer = new LinkedHashMap<>();
      try {
        targets = parent.targets();
        if (which.all) {
          targets.forEach(t -> byServer.put(t, List.of("*")));
        } else {
          for (String id : which.ids) {
            int colon = id.indexOf(':');
            if (colon <= 0) {
              throw new UsageException("'" + id + "' is not an event id (SERVER:SEQ, as listed)");
            }
            Target t = parent.named(targets, id.substring(0, colon));
            byServer.computeIfAbsent(t, x -> new ArrayList<>()).add(id);
          }
        }
      } catch (UsageException e) {
        err.println("domainctl: " + e.getMessage());
        return Domainctl.USAGE;
      }
      List<Answer<ActivateResult>> answers =
          parent.askAll(
              new ArrayList<>(byServer.keySet()),
              (c, t) -> c.actions().acknowledgeEvents(byServer.get(t)));
      int exit = Domainctl.OK;
      for (Answer<ActivateResult> a : answers) {
        if (!a.ok()) {
          err.println("domainctl: " + a.error());
          exit = Domainctl.USAGE;
        } else {
          (a.value().accepted() ? out : err).println(a.value().message());
          if (!a.value().accepted() && exit == Domainctl.OK) {
            exit = Domainctl.NOT_OK;
          }
        }
      }
      return exit;
    }
  }
}
