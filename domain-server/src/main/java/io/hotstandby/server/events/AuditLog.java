package io.hotstandby.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's audit log: who did what, where, with which parameters and with what result, one JSON
 * object a line ({@code time}, {@code server}, {@code user}, {@code client} (the address the user
 * connected from, or {@code local}), {@code action}, {@code target}, {@code value}, {@code
 * result}), appended and flushed as it happens. Refused actions are recorded as well; rotated by
 * size.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("audit");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String server;
  private final Path file;
  private final RotatingFile out;

  /** A log in {@code file}, rotated at 10 MiB with 5 files kept (see {@link RotatingFile}). */
  public AuditLog(Path file, String server) {
    this(file, server, RotatingFile.MAX_BYTES, RotatingFile.KEEP);
  }

  AuditLog(Path file, String server, long maxBytes, int keep) {
    this.server = server;
    this.file = file;
    try {
      this.out = new RotatingFile(file, maxBytes, keep);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open audit log " + file, e);
    }
  }

  /** Records one action of {@code user} connected from {@code client} and its outcome. */
  public synchronized void record(
      String user, String client, String action, String target, Object value, String result) {
    ObjectNode line = JSON.createObjectNode();
    long now = System.currentTimeMillis();
    line.put("time", Instant.ofEpochMilli(now).toString());
    line.put("epochMillis", now);
    line.put("server", server);
    line.put("user", user);
    line.put("client", client);
    line.put("action", action);
    line.put("target", target);
    line.set("value", JSON.valueToTree(value));
    line.put("result", result);
    log.info("{}@{} {} {}={} -> {}", user, client, action, target, value, result);
    try {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.error("cannot write the audit log: {}", e.toString());
    }
  }

  /** Entries answered at most by {@link #json}. */
  public static final int MAX_ANSWERED = 1000;

  /**
   * The newest {@code max} (at most {@value #MAX_ANSWERED}) entries at or after {@code sinceMillis}
   * (wall-clock), oldest first, as a JSON array of the lines; from the end of the current file (the
   * last 2 MiB), so rotated-away entries are not answered.
   */
  public synchronized String json(long sinceMillis, int max) {
    int n = max <= 0 ? MAX_ANSWERED : Math.min(max, MAX_ANSWERED);
    List<String> lines = RecentEvents.tail(file, RecentEvents.TAIL_BYTES);
    List<JsonNode> picked = new ArrayList<>();
    for (int i = lines.size() - 1; i >= 0 && picked.size() < n; i--) {
      try {
        JsonNode e = JSON.readTree(lines.get(i));
        if (e.isObject() && millisOf(e) >= sinceMillis) {
          picked.add(e);
        }
      } catch (IOException e) {
        // A torn line: skipped.
      }
    }
    ArrayNode out = JSON.createArrayNode();
    for (int i = picked.size() - 1; i >= 0; i--) {
      out.add(picked.get(i));
    }
    return out.toString();
  }

  private static long millisOf(JsonNode e) {
    if (e.has("epochMillis")) {
      return e.path("epochMillis").asLong();
    }
    try {
      return Instant.parse(e.path("time").asText()).toEpochMilli();
    } catch (DateTimeParseException x) {
      return 0;
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      log.warn("closing the audit log: {}", e.toString());
    }
  }
}
