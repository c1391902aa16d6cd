package io.hotstandby.server.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Set;

/**
 * One change of the active server in the switchover history: one JSON object a line in {@code
 * switchovers.jsonl} and on the history topic.
 *
 * @param atMillis wall-clock time the new active became ACTIVE
 * @param kind {@code failover}, {@code switchover} or {@code start}
 * @param from the previous active, "" when unknown
 * @param to the new active
 * @param reason why, in an operator's words
 * @param durationMillis failover: from the last heartbeat heard from the old active; switchover:
 *     from the request; -1 when unknown
 * @param term the term the new active took
 * @param lagEntries how many mirror entries the new active had not applied at that moment
 * @param lagMillis how far behind, in milliseconds, its mirror was at that moment
 */
public record SwitchoverEntry(
    long atMillis,
    String kind,
    String from,
    String to,
    String reason,
    long durationMillis,
    long term,
    long lagEntries,
    long lagMillis) {

  /** The kinds an entry may have. */
  public static final Set<String> KINDS = Set.of("failover", "switchover", "start");

  /** Longest server name or reason kept; a longer one in a file or a message is cut. */
  static final int MAX_TEXT = 500;

  private static final ObjectMapper JSON = new ObjectMapper();

  public SwitchoverEntry {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("kind must be failover, switchover or start: " + kind);
    }
    if (to == null || to.isEmpty()) {
      throw new IllegalArgumentException("to must name the new active");
    }
    if (term < 1) {
      throw new IllegalArgumentException("term must be at least 1: " + term);
    }
    from = cut(from == null ? "" : from);
    to = cut(to);
    reason = cut(reason == null ? "" : reason);
  }

  /** What identifies an entry however often it is sent: a server takes a term only once. */
  public String key() {
    return to + "\n" + term;
  }

  /** The entry as one line of JSON, without the line break. */
  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", Instant.ofEpochMilli(atMillis).toString());
    o.put("epochMillis", atMillis);
    o.put("kind", kind);
    o.put("from", from);
    o.put("to", to);
    o.put("reason", reason);
    o.put("durationMs", durationMillis);
    o.put("term", term);
    o.put("lagEntries", lagEntries);
    o.put("lagMs", lagMillis);
    return o.toString();
  }

  /**
   * Reads one line as {@link #toJson} writes it.
   *
   * @throws IllegalArgumentException naming what is wrong, for a line that is not such an entry
   */
  public static SwitchoverEntry parse(String line) {
    JsonNode o;
    try {
      o = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return new SwitchoverEntry(
        number(o, "epochMillis"),
        text(o, "kind"),
        text(o, "from"),
        text(o, "to"),
        text(o, "reason"),
        number(o, "durationMs"),
        number(o, "term"),
        number(o, "lagEntries"),
        number(o, "lagMs"));
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(field + " missing or not a string");
    }
    return v.asText();
  }

  private static long number(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(field + " missing or not a whole number");
    }
    return v.asLong();
  }

  private static String cut(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
  }
}
