package io.hotstandby.admin.tray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.hotstandby.admin.client.ActivateResult;
import java.awt.Color;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What the tray shows of one server, without any display: the icon colour, the tooltip, the status
 * text and which notification a new status calls for. Fed with the server's {@code StatusJson} or
 * with the reason it cannot be reached; used from one thread.
 */
public final class TrayModel {
  /** The state shown while the server cannot be reached. */
  public static final String UNREACHABLE = "UNREACHABLE";

  static final Color GREEN = new Color(0x2e, 0xa0, 0x43);
  static final Color BLUE = new Color(0x1f, 0x6f, 0xd1);
  static final Color GREY = new Color(0x8a, 0x8f, 0x98);
  static final Color ORANGE = new Color(0xf0, 0x8c, 0x00);
  static final Color RED = new Color(0xd6, 0x2d, 0x20);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String endpoint;
  private String domain;
  private String server;
  private String state;
  private JsonNode status = MissingNode.getInstance();
  private String error;

  /**
   * @param endpoint the server's OPC UA endpoint, named while nothing better is known
   * @param domain the domain's name if known before the first answer (from the domain file)
   * @param server the server's name if known before the first answer
   */
  public TrayModel(String endpoint, String domain, String server) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.domain = domain;
    this.server = server;
  }

  /** The icon colour of a server state; grey for states it does not know. */
  public static Color colour(String state) {
    return switch (state == null ? "" : state) {
      case "ACTIVE" -> GREEN;
      case "STANDBY" -> BLUE;
      case "MAINTENANCE" -> ORANGE;
      case UNREACHABLE, "STOPPED" -> RED;
      default -> GREY;
    };
  }

  /** The server answered with its status document. */
  public Update status(String statusJson) {
    JsonNode doc = parse(statusJson);
    status = doc;
    error = null;
    domain = doc.path("domain").asText(domain);
    server = doc.path("name").asText(server);
    return moveTo(doc.path("state").asText("UNKNOWN"));
  }

  /** The server could not be reached or did not answer; {@code why} is one line. */
  public Update unreachable(String why) {
    error = why;
    return moveTo(UNREACHABLE);
  }

  /** What the tray shows now. */
  public Snapshot snapshot() {
    String shown = state == null ? "CONNECTING" : state;
    return new Snapshot(shown, label(), colour(shown), tooltip(shown), details(shown));
  }

  /** The notification for an operator's Activate request that the server answered. */
  public Notification activated(ActivateResult result) {
    return new Notification(
        result.accepted() ? Level.INFO : Level.WARNING, "Activate " + label(), result.message());
  }

  /** The notification for an Activate request that could not be sent or was not answered. */
  public Notification activateFailed(String why) {
    return new Notification(Level.WARNING, "Activate " + label(), why);
  }

  private Update moveTo(String next) {
    String previous = state;
    state = next;
    Notification note = null;
    if (!next.equals(previous)) {
      if (UNREACHABLE.equals(next)) {
        note = new Notification(Level.WARNING, title(), label() + " is UNREACHABLE: " + error);
      } else if (previous != null) {
        Level level = "STOPPED".equals(next) ? Level.WARNING : Level.INFO;
        note = new Notification(level, title(), label() + " became " + next + termInBrackets());
      }
    }
    return new Update(snapshot(), Optional.ofNullable(note));
  }

  private String tooltip(String shown) {
    if (status.isMissingNode() || UNREACHABLE.equals(shown)) {
      return title() + ": " + shown;
    }
    String term = text(status, "term");
    String level = text(status, "serviceLevel");
    return String.format("%s: %s (term %s, ServiceLevel %s)", title(), shown, term, level);
  }

  private String details(String shown) {
    StringBuilder b = new StringBuilder(tooltip(shown)).append('\n');
    if (error != null || status.isMissingNode()) {
      return b.append(error != null ? error : "no answer yet from " + endpoint)
          .append('\n')
          .toString();
    }
    b.append("domain version ").append(text(status, "domainVersion"));
    b.append(", product version ").append(text(status, "productVersion")).append('\n');
    b.append(status.path("links").isEmpty() ? "no peers\n" : "peers:\n");
    for (JsonNode link : status.path("links")) {
      b.append("  ").append(text(link, "peer")).append(": ").append(text(link, "state"));
      b.append(" (term ").append(text(link, "term")).append("), ").append(text(link, "liveness"));
      for (JsonNode path : link.path("paths")) {
        b.append(", ")
            .append(text(path, "path"))
            .append(path.path("up").asBoolean() ? " up" : " down");
        if (path.path("rttMs").isNumber()) {
          b.append(String.format(Locale.ROOT, " %.1f ms", path.path("rttMs").asDouble()));
        }
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String text(JsonNode node, String field) {
    return node.path(field).asText("?");
  }

  private String termInBrackets() {
    return status.has("term") ? " (term " + status.path("term").asText() + ")" : "";
  }

  /** "plant / alpha", or the endpoint while neither is known. */
  private String title() {
    if (domain == null && server == null) {
      return endpoint;
    }
    return (domain == null ? "?" : domain) + " / " + label();
  }

  private String label() {
    return server == null ? endpoint : server;
  }

  private static JsonNode parse(String text) {
    try {
      JsonNode doc = JSON.readTree(text == null ? "" : text);
      return doc != null && doc.isObject() ? doc : JSON.createObjectNode();
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  /** How a notification is shown: as information, or as a warning. */
  public enum Level {
    INFO,
    WARNING
  }

  /** A message for the operator, shown once. */
  public record Notification(Level level, String caption, String text) {}

  /**
   * What the tray shows: the state (CONNECTING before the first answer), the server's name (its
   * endpoint while unknown), the icon colour, the tooltip and the text of the status dialog.
   */
  public record Snapshot(
      String state, String label, Color colour, String tooltip, String details) {}

  /** What to show after a new status: the snapshot, and a notification if the state changed. */
  public record Update(Snapshot snapshot, Optional<Notification> notification) {}
}
