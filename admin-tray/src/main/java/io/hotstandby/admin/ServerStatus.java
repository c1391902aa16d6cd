package io.hotstandby.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import java.time.Duration;

/**
 * What one server said about itself, or why it could not be asked.
 *
 * @param target the server asked
 * @param status its status document ({@code StatusJson}), null when unreachable
 * @param error the connection error, null when reachable
 */
record ServerStatus(Target target, JsonNode status, String error) {

  /** Asks {@code target}, logged in as {@code credentials} (anonymously when null). */
  static ServerStatus ask(Target target, Duration timeout, AdminClient.Credentials credentials) {
    try (AdminClient client = Domainctl.open(target.endpoint(), timeout, credentials)) {
      ObjectNode status = (ObjectNode) StatusCommand.parse(client.statusJson());
      status.put("serviceLevel", client.serviceLevel());
      return new ServerStatus(target, status, null);
    } catch (AdminClientException e) {
      return new ServerStatus(target, null, e.getMessage());
    } catch (RuntimeException e) {
      return new ServerStatus(target, null, target.endpoint() + ": " + e);
    }
  }

  boolean reachable() {
    return status != null;
  }

  String name() {
    if (status != null && status.hasNonNull("name")) {
      return status.get("name").asText();
    }
    return target.name() == null ? "?" : target.name();
  }

  String state() {
    return status == null ? "UNREACHABLE" : status.path("state").asText("UNKNOWN");
  }

  /** The object this server contributes to the {@code servers} array of {@code --json}. */
  JsonNode json() {
    if (status != null) {
      return status;
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", name());
    o.put("endpoint", target.endpoint());
    o.putNull("pid");
    o.put("state", "UNREACHABLE");
    o.putNull("term");
    o.putNull("serviceLevel");
    o.putNull("domainVersion");
    o.putArray("links");
    o.put("error", error);
    return o;
  }
}
