package io.hotstandby.server.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.events.Weight;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's event log: one JSON object a line ({@code id}, {@code seq}, {@code time}, {@code
 * epochMillis}, {@code weight}, {@code server}, {@code component}, {@code message} and optional
 * details), appended and flushed as it happens (rotated by size) so an operator, a tool or a test
 * can read what the server did and when. The newest events are also kept in memory with their
 * acknowledgement state ({@link RecentEvents}) for {@code Server.Events}.
 */
public final class EventLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("events");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String server;
  private final Path file;
  private final long maxBytes;
  private final int keep;
  private final RotatingFile out;
  private RotatingFile mirroredOut; // opened at the first mirrored line
  private final RecentEvents recent;
  private volatile Consumer<String> tap = line -> {};

  /** A log in {@code file}, rotated at 10 MiB with 5 files kept (see {@link RotatingFile}). */
  public EventLog(Path file, String server) {
    this(file, server, RotatingFile.MAX_BYTES, RotatingFile.KEEP);
  }

  EventLog(Path file, String server, long maxBytes, int keep) {
    this.server = server;
    this.file = file;
    this.maxBytes = maxBytes;
    this.keep = keep;
    this.recent = RecentEvents.recover(file, server);
    try {
      this.out = new RotatingFile(file, maxBytes, keep);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open event log " + file, e);
    }
  }

  /** Records one event; details are added as extra JSON fields (numbers stay numbers). */
  public synchronized void record(
      Weight weight, String component, String message, Map<String, Object> details) {
    ObjectNode line = JSON.createObjectNode();
    long seq = recent.nextSeq();
    line.put("id", recent.idOf(seq));
    line.put("seq", seq);
    line.put("time", Instant.now().toString());
    line.put("epochMillis", System.currentTimeMillis());
    line.put("weight", weight.name());
    line.put("server", server);
    line.put("component", component);
    line.put("message", message);
    details.forEach((k, v) -> line.set(k, JSON.valueToTree(v)));
    switch (weight) {
      case ERROR -> log.error("[{}] {}", component, message);
      case WARNING -> log.warn("[{}] {}", component, message);
      default -> log.info("[{}] {}", component, message);
    }
    String text = line.toString();
    append(text);
    tap.accept(text);
    recent.add(line);
  }

  /**
   * Acknowledges WARNING and ERROR events of this server for {@code user} ({@code "*"}: all that
   * wait), and records that as a NOTICE line listing them, from which a restart rebuilds it.
   *
   * @return the ids acknowledged now, and the ids given that this server does not know
   */
  public synchronized Acknowledged acknowledge(List<String> ids, String user) {
    List<String> unknown =
        ids.stream().filter(id -> !id.equals("*") && !recent.knows(id)).distinct().toList();
    List<String> done = recent.acknowledge(ids, user, Instant.now().toString());
    if (!done.isEmpty()) {
      record(
          Weight.NOTICE,
          "events",
          user + " acknowledged " + done.size() + (done.size() == 1 ? " event" : " events"),
          Map.of(RecentEvents.ACKNOWLEDGES, done, "user", user));
    }
    return new Acknowledged(done, unknown);
  }

  /** What {@link #acknowledge} did. */
  public record Acknowledged(List<String> acknowledged, List<String> unknown) {}

  /**
   * The newest {@code max} (at most {@value RecentEvents#CAPACITY}) events recorded after sequence
   * {@code afterSeq} and at or after {@code sinceMillis}, oldest first, as a JSON array of the
   * lines with their {@code acked} state; only those waiting for an acknowledgement if asked.
   */
  public synchronized String json(long sinceMillis, long afterSeq, int max, boolean unackedOnly) {
    int n = max <= 0 ? RecentEvents.CAPACITY : Math.min(max, RecentEvents.CAPACITY);
    return recent.query(sinceMillis, afterSeq, n, unackedOnly).toString();
  }

  /** The sequence number of the newest event. */
  public synchronized long lastSeq() {
    return recent.lastSeq();
  }

  /** The newest sequence number and how many WARNING and ERROR events wait. */
  public synchronized Counts counts() {
    int[] unacked = recent.unackedWarningsAndErrors();
    return new Counts(recent.lastSeq(), unacked[0], unacked[1]);
  }

  /** See {@link #counts}. */
  public record Counts(long lastSeq, int unackedWarnings, int unackedErrors) {}

  private void append(String line) {
    try {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.error("cannot write the event log: {}", e.toString());
    }
  }

  /**
   * Gives every line this log records from now on to {@code tap} as well (the state mirror sends
   * the active's lines to its standbys). Called with the log's lock held; must not block.
   */
  public void tap(Consumer<String> tap) {
    this.tap = tap;
  }

  /**
   * Appends a line the active's log recorded (mirrored to this standby) to {@value #MIRRORED}
   * beside this log, as it is but marked {@code "mirrored": true}, so the domain's events up to a
   * failover are on the server that takes over; a line that is not a JSON object is dropped.
   */
  public synchronized void appendMirrored(String line) {
    try {
      if (!(JSON.readTree(line) instanceof ObjectNode o)) {
        return;
      }
      o.put("mirrored", true);
      if (mirroredOut == null) {
        mirroredOut = new RotatingFile(file.resolveSibling(MIRRORED), maxBytes, keep);
      }
      mirroredOut.write((o + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.warn("cannot append a mirrored event line: {}", e.toString());
    }
  }

  /** The file beside the log that holds the lines mirrored from the active. */
  public static final String MIRRORED = "mirrored-events.jsonl";

  public void record(Weight weight, String component, String message) {
    record(weight, component, message, Map.of());
  }

  @Override
  public synchronized void close() {
    try {
      if (mirroredOut != null) {
        mirroredOut.close();
      }
      out.close();
    } catch (IOException e) {
      log.warn("closing the event log: {}", e.toString());
    }
  }
}
