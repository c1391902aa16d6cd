package io.hotstandby.admin.tray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.hotstandby.admin.client.ActivateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the tray shows of the domain as seen from one server, without any display: the icon's
 * status, the tooltip, the status text, which menu items can act, and which notifications a new
 * status calls for. Fed with the server's {@code StatusJson} or with the reason it cannot be
 * reached; used from one thread.
 */
public final class TrayModel {
  /** The state shown while the server cannot be reached. */
  public static final String UNREACHABLE = "UNREACHABLE";

  /** The dash between the tooltip's parts: "plant – alpha – ACTIVE". */
  static final String DASH = " \u2013 ";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String endpoint;
  private String domain;
  private String server;
  private String state;
  private TrayStatus status;
  private String activeServer;
  private long errorsSeenUpTo = -1;
  private JsonNode doc = MissingNode.getInstance();
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

  /** The server answered with its status document. */
  public Update status(String statusJson) {
    JsonNode d = parse(statusJson);
    doc = d;
    error = null;
    domain = d.path("domain").asText(domain);
    server = d.path("name").asText(server);
    String nextState = d.path("state").asText("UNKNOWN");
    List<Notification> notes = new ArrayList<>();
    TrayStatus next = statusOf(d, nextState);
    roleChange(nextState, notes);
    if (next != status) {
      if (next == TrayStatus.DUAL_ACTIVE) {
        notes.add(warning(label() + " and " + activePeer(d) + " are both ACTIVE"));
      } else if (next == TrayStatus.FAILURE && status != null) {
        notes.add(warning(label() + " reports a failure" + failureText(d)));
      }
    }
    String nowActive = "ACTIVE".equals(nextState) ? server : activePeer(d);
    if (nowActive != null && activeServer != null && !nowActive.equals(activeServer)) {
      notes.add(
          new Notification(
              Level.WARNING,
              title(),
              "failover: " + nowActive + " took over from " + activeServer + termInBrackets()));
    }
    if (nowActive != null) {
      activeServer = nowActive;
    }
    long afterSeq = -1;
    long lastSeq = d.path("lastEventSeq").asLong(-1);
    if (errorsSeenUpTo >= 0 && lastSeq > errorsSeenUpTo && d.path("unackedErrors").asInt() > 0) {
      afterSeq = errorsSeenUpTo; // events after it may be ERRORs to notify
    }
    errorsSeenUpTo = Math.max(errorsSeenUpTo, lastSeq);
    state = nextState;
    status = next;
    return new Update(snapshot(), notes, afterSeq);
  }

  /** The server could not be reached or did not answer; {@code why} is one line. */
  public Update unreachable(String why) {
    error = why;
    List<Notification> notes = new ArrayList<>();
    if (status != TrayStatus.UNREACHABLE) {
      notes.add(warning(label() + " is UNREACHABLE: " + why));
    }
    state = UNREACHABLE;
    status = TrayStatus.UNREACHABLE;
    return new Update(snapshot(), notes, -1);
  }

  /**
   * The notifications for the server's newest events ({@code Server.Events} JSON): one per ERROR
   * event.
   */
  public List<Notification> errorEvents(String eventsJson) {
    List<Notification> notes = new ArrayList<>();
    for (JsonNode e : parse(eventsJson, true)) {
      if ("ERROR".equals(e.path("weight").asText())) {
        notes.add(
            new Notification(
                Level.ERROR,
                "ERROR on " + e.path("server").asText(label()),
                e.path("message").asText()));
      }
    }
    return notes;
  }

  /** What the tray shows now. */
  public Snapshot snapshot() {
    TrayStatus shown = status == null ? TrayStatus.INACTIVE : status;
    String stateShown = state == null ? "CONNECTING" : state;
    return new Snapshot(
        shown,
        stateShown,
        label(),
        tooltip(shown, stateShown),
        details(stateShown),
        actions(),
        serverName());
  }

  /** The notification for an operator's request that the server answered. */
  public Notification answered(String action, ActivateResult result) {
    return new Notification(
        result.accepted() ? Level.INFO : Level.WARNING, action + " " + label(), result.message());
  }

  /** The notification for a request that could not be sent or was not answered. */
  public Notification failed(String action, String why) {
    return new Notification(Level.WARNING, action + " " + label(), why);
  }

  private static TrayStatus statusOf(JsonNode d, String state) {
    if ("ACTIVE".equals(state) && activePeer(d) != null) {
      return TrayStatus.DUAL_ACTIVE;
    }
    boolean operatorStop = !d.path("domainStoppedBy").asText("").isEmpty();
    if (d.path("unackedErrors").asInt() > 0
        || d.path("health").asInt() > 0
        || ("STOPPED".equals(state) && !operatorStop)) {
      return TrayStatus.FAILURE;
    }
    return TrayStatus.ofState(state);
  }

  /** The live peer that announces ACTIVE, as this server sees it; null when none. */
  private static String activePeer(JsonNode d) {
    for (JsonNode link : d.path("links")) {
      if ("ALIVE".equals(link.path("liveness").asText())
          && "ACTIVE".equals(link.path("state").asText())) {
        return link.path("peer").asText();
      }
    }
    return null;
  }

  private void roleChange(String next, List<Notification> notes) {
    if (next.equals(state) || state == null) {
      return;
    }
    Level level = "STOPPED".equals(next) ? Level.WARNING : Level.INFO;
    notes.add(new Notification(level, title(), label() + " became " + next + termInBrackets()));
  }

  private Actions actions() {
    if (status == null || status == TrayStatus.UNREACHABLE) {
      return Actions.NONE;
    }
    boolean stopped = "STOPPED".equals(state);
    boolean maintenance = "MAINTENANCE".equals(state);
    return new Actions(
        stopped && !doc.path("domainStoppedBy").asText("").isEmpty(),
        !stopped,
        true,
        "STANDBY".equals(state) || "INACTIVE".equals(state),
        !maintenance,
        maintenance);
  }

  private String tooltip(TrayStatus shown, String stateShown) {
    String text = title() + DASH + stateShown;
    return switch (shown) {
      case DUAL_ACTIVE -> text + ", two servers ACTIVE";
      case FAILURE -> text + ", failure reported";
      default -> text;
    };
  }

  private String failureText(JsonNode d) {
    int errors = d.path("unackedErrors").asInt();
    return errors > 0 ? ": " + errors + " ERROR events not acknowledged" : "";
  }

  private String details(String stateShown) {
    StringBuilder b = new StringBuilder(title()).append(DASH).append(stateShown).append('\n');
    if (error != null || doc.isMissingNode()) {
      return b.append(error != null ? error : "no answer yet from " + endpoint)
          .append('\n')
          .toString();
    }
    b.append("term ").append(text(doc, "term"));
    b.append(", ServiceLevel ").append(text(doc, "serviceLevel"));
    b.append(", domain version ").append(text(doc, "domainVersion"));
    b.append(", product version ").append(text(doc, "productVersion")).append('\n');
    String stoppedBy = doc.path("domainStoppedBy").asText("");
    if (!stoppedBy.isEmpty()) {
      b.append("domain stopped by ").append(stoppedBy).append('\n');
    }
    int errors = doc.path("unackedErrors").asInt();
    int warnings = doc.path("unackedWarnings").asInt();
    if (errors + warnings > 0) {
      b.append(errors).append(" ERROR and ").append(warnings);
      b.append(" WARNING events not acknowledged\n");
    }
    b.append(doc.path("links").isEmpty() ? "no peers\n" : "peers:\n");
    for (JsonNode link : doc.path("links")) {
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
    return doc.has("term") ? " (term " + doc.path("term").asText() + ")" : "";
  }

  private Notification warning(String text) {
    return new Notification(Level.WARNING, title(), text);
  }

  /** "plant – alpha", or the endpoint while neither is known. */
  private String title() {
    if (domain == null && server == null) {
      return endpoint;
    }
    return (domain == null ? "?" : domain) + DASH + label();
  }

  private String label() {
    return server == null ? endpoint : server;
  }

  /** The server's name once known, else null. */
  private String serverName() {
    return server;
  }

  private static JsonNode parse(String text) {
    return parse(text, false);
  }

  private static JsonNode parse(String text, boolean array) {
    try {
      JsonNode d = JSON.readTree(text == null ? "" : text);
      if (d != null && (array ? d.isArray() : d.isObject())) {
        return d;
      }
    } catch (Exception e) {
      // not JSON: shown as an unknown state
    }
    return array ? JSON.createArrayNode() : JSON.createObjectNode();
  }

  /** How a notification is shown: as information, a warning or an error. */
  public enum Level {
    INFO,
    WARNING,
    ERROR
  }

  /** A message for the operator, shown once. */
  public record Notification(Level level, String caption, String text) {}

  /**
   * Which menu items can act now.
   *
   * @param start Domain → Start: the domain was stopped here by an operator
   * @param stop Domain → Stop: the server takes part in the domain
   * @param events Domain → Events…: the server answers
   * @param activate Server → Activate: the server is STANDBY (or INACTIVE)
   * @param maintenanceOn Server → Maintenance on: not in maintenance yet
   * @param maintenanceOff Server → Maintenance off: in maintenance
   */
  public record Actions(
      boolean start,
      boolean stop,
      boolean events,
      boolean activate,
      boolean maintenanceOn,
      boolean maintenanceOff) {
    /** While the server does not answer: nothing to act on. */
    public static final Actions NONE = new Actions(false, false, false, false, false, false);
  }

  /**
   * What the tray shows: the icon's status, the server's state (CONNECTING before the first answer,
   * UNREACHABLE), its name (its endpoint while unknown), the tooltip, the text of the status
   * window, the menu items that can act, and the server's own name (null while unknown).
   */
  public record Snapshot(
      TrayStatus status,
      String state,
      String label,
      String tooltip,
      String details,
      Actions actions,
      String server) {}

  /**
   * What to show after a new status: the snapshot, its notifications, and the sequence number after
   * which new events may hold ERRORs to notify (-1: none).
   */
  public record Update(Snapshot snapshot, List<Notification> notifications, long errorsAfterSeq) {}
}
