package io.hotstandby.server.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.events.Weight;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's event log: one JSON object a line ({@code time}, {@code weight}, {@code server},
 * {@code component}, {@code message} and optional details), appended and flushed as it happens
 * (rotated by size) so an operator, a tool or a test can read what the server did and when.
 */
public final class EventLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("events");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String server;
  private final RotatingFile out;
  private volatile Consumer<String> tap = line -> {};

  /** A log in {@code file}, rotated at 10 MiB with 5 files kept (see {@link RotatingFile}). */
  public EventLog(Path file, String server) {
    this(file, server, RotatingFile.MAX_BYTES, RotatingFile.KEEP);
  }

  EventLog(Path file, String server, long maxBytes, int keep) {
    this.server = server;
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
  }

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
   * Appends a line another server's log recorded (mirrored from the active), as it is but marked
   * {@code "mirrored": true}; a line that is not a JSON object is dropped.
   */
  public synchronized void appendMirrored(String line) {
    try {
      if (JSON.readTree(line) instanceof ObjectNode o) {
        o.put("mirrored", true);
        append(o.toString());
      }
    } catch (IOException e) {
      log.warn("a mirrored event line is not JSON; dropped");
    }
  }

  public void record(Weight weight, String component, String message) {
    record(weight, component, message, Map.of());
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      log.warn("closing the event log: {}", e.toString());
    }
  }
}
