package io.hotstandby.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The newest events of a server's log in memory, for operators' tools: each has an id ({@code
 * <server>:<seq>}, the sequence counting on across restarts), and each WARNING and ERROR waits for
 * an operator's acknowledgement ({@code acked}, {@code ackedBy}, {@code ackedAt}). An
 * acknowledgement is itself a line of the log ({@value #ACKNOWLEDGES} lists the ids), so the state
 * is rebuilt from the log's tail when the server starts again. Not thread-safe: the {@link
 * EventLog} holds its lock around every call.
 */
final class RecentEvents {
  /** Events kept in memory (and so answered at most). */
  static final int CAPACITY = 2000;

  /** The field of an acknowledgement line that lists the ids it acknowledges. */
  static final String ACKNOWLEDGES = "acknowledges";

  /** How much of the log's end is read at start to find the newest events. */
  static final int TAIL_BYTES = 2 * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String server;
  private final Deque<ObjectNode> events = new ArrayDeque<>();
  private final Map<String, ObjectNode> byId = new HashMap<>();
  private long lastSeq;

  RecentEvents(String server) {
    this.server = server;
  }

  /** The events of {@code file}'s tail (a missing or unreadable file gives none). */
  static RecentEvents recover(Path file, String server) {
    RecentEvents r = new RecentEvents(server);
    for (String line : tail(file, TAIL_BYTES)) {
      try {
        if (JSON.readTree(line) instanceof ObjectNode o) {
          r.replay(o);
        }
      } catch (IOException e) {
        // A torn last line of a crash: the lines before it count.
      }
    }
    return r;
  }

  private void replay(ObjectNode o) {
    long seq = o.path("seq").asLong(0);
    if (seq <= 0) {
      return;
    }
    lastSeq = Math.max(lastSeq, seq);
    add(o);
    JsonNode acks = o.path(ACKNOWLEDGES);
    if (acks.isArray()) {
      List<String> ids = new ArrayList<>();
      acks.forEach(id -> ids.add(id.asText()));
      acknowledge(ids, o.path("user").asText("?"), o.path("time").asText(""));
    }
  }

  /** The next sequence number, and the id that goes with it. */
  long nextSeq() {
    return ++lastSeq;
  }

  String idOf(long seq) {
    return server + ":" + seq;
  }

  long lastSeq() {
    return lastSeq;
  }

  /** Keeps a recorded line (with its {@code id}); WARNING and ERROR start unacknowledged. */
  void add(ObjectNode line) {
    String weight = line.path("weight").asText();
    if ((weight.equals("WARNING") || weight.equals("ERROR")) && !line.has("acked")) {
      line.put("acked", false);
    }
    events.addLast(line);
    byId.put(line.path("id").asText(), line);
    while (events.size() > CAPACITY) {
      byId.remove(events.removeFirst().path("id").asText());
    }
  }

  /**
   * Acknowledges the events with these ids ({@code "*"}: every unacknowledged one).
   *
   * @return the ids acknowledged now (already acknowledged ones and unknown ids are left out)
   */
  List<String> acknowledge(Collection<String> ids, String user, String time) {
    List<String> done = new ArrayList<>();
    Iterable<ObjectNode> which =
        ids.contains("*") ? events : ids.stream().map(byId::get).filter(e -> e != null).toList();
    for (ObjectNode e : which) {
      if (e.has("acked") && !e.path("acked").asBoolean()) {
        e.put("acked", true);
        e.put("ackedBy", user);
        e.put("ackedAt", time);
        done.add(e.path("id").asText());
      }
    }
    return done;
  }

  /** How many kept WARNING and ERROR events wait for an acknowledgement, in one pass. */
  int[] unackedWarningsAndErrors() {
    int[] n = new int[2];
    for (ObjectNode e : events) {
      if (e.has("acked") && !e.path("acked").asBoolean()) {
        n[e.path("weight").asText().equals("ERROR") ? 1 : 0]++;
      }
    }
    return n;
  }

  /** Whether an event with this id is kept. */
  boolean knows(String id) {
    return byId.containsKey(id);
  }

  /**
   * The newest {@code max} events after {@code afterSeq} and at or after {@code sinceMillis}
   * (wall-clock), only the unacknowledged ones if asked, oldest first.
   */
  ArrayNode query(long sinceMillis, long afterSeq, int max, boolean unackedOnly) {
    List<ObjectNode> picked = new ArrayList<>();
    Iterator<ObjectNode> newestFirst = events.descendingIterator();
    while (newestFirst.hasNext() && picked.size() < max) {
      ObjectNode e = newestFirst.next();
      if (e.path("seq").asLong() <= afterSeq) {
        break;
      }
      if (e.path("epochMillis").asLong() >= sinceMillis
          && (!unackedOnly || (e.has("acked") && !e.path("acked").asBoolean()))) {
        picked.add(e);
      }
    }
    ArrayNode out = JSON.createArrayNode();
    for (int i = picked.size() - 1; i >= 0; i--) {
      out.add(picked.get(i).deepCopy());
    }
    return out;
  }

  /** The complete lines within the last {@code maxBytes} of {@code file}. */
  static List<String> tail(Path file, int maxBytes) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      int n = (int) Math.min(length, maxBytes);
      byte[] buf = new byte[n];
      f.seek(length - n);
      f.readFully(buf);
      String text = new String(buf, StandardCharsets.UTF_8);
      if (n < length) {
        // The first line is cut: it starts before the tail.
        int nl = text.indexOf('\n');
        text = nl < 0 ? "" : text.substring(nl + 1);
      }
      return text.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
