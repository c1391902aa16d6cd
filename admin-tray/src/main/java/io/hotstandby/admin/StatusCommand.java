package io.hotstandby.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.Domainctl.UsageException;
import io.hotstandby.admin.client.AdminClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Target> targets;
    AdminClient.Credentials login;
    try {
      targets = parent.targets();
      login = parent.credentials();
    } catch (UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.USAGE;
    }
    List<CompletableFuture<ServerStatus>> asked =
        targets.stream()
            .map(
                t ->
                    CompletableFuture.supplyAsync(
                        () -> ServerStatus.ask(t, parent.timeout(), login)))
            .toList();
    List<ServerStatus> statuses = asked.stream().map(CompletableFuture::join).toList();

    long reachable = statuses.stream().filter(ServerStatus::reachable).count();
    long active = DomainView.activeCount(statuses);
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode servers = doc.putArray("servers");
    statuses.forEach(s -> servers.add(s.json()));
    doc.put("activeCount", active);
    if (json) {
      out.println(doc.toPrettyString());
    } else {
      out.print(DomainView.table(statuses));
      String witness = DomainView.witness(statuses);
      if (!witness.isEmpty()) {
        out.println(witness);
      }
      // A domain file conflict stays on screen until a new version resolves it.
      for (ServerStatus s : statuses) {
        String conflict = s.reachable() ? s.status().path("domainConflict").asText("") : "";
        if (!conflict.isEmpty()) {
          out.println(s.status().path("name").asText() + ": DOMAIN FILE " + conflict);
        }
        JsonNode foreign = s.reachable() ? s.status().path("foreignKeyPeers") : null;
        if (foreign != null && foreign.size() > 0) {
          List<String> names = new ArrayList<>();
          foreign.fieldNames().forEachRemaining(names::add);
          out.println(
              s.status().path("name").asText()
                  + ": heartbeats from "
                  + String.join(", ", names)
                  + " do not verify with its secret: the domain files differ"
                  + " (give the older one the current file: domainctl domain apply)");
        }
        JsonNode projects = s.reachable() ? s.status().path("projectFiles") : null;
        if (projects != null && projects.has("inSync") && !projects.path("inSync").asBoolean()) {
          out.println(
              s.status().path("name").asText()
                  + ": project files differ from the active's "
                  + projects.path("differences")
                  + (projects.path("sync").asBoolean() ? "; not ready until in sync" : ""));
        }
      }
    }
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

  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }
}
