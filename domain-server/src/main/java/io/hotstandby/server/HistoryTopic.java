package io.hotstandby.server;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.events.ReportThrottle;
import io.hotstandby.events.Weight;
import io.hotstandby.server.events.SwitchoverEntry;
import io.hotstandby.server.events.SwitchoverHistory;
import io.hotstandby.server.role.Takeover;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every server's switchover history the same: the server that becomes ACTIVE records the
 * entry and publishes it on the sealed cluster topic {@value #TOPIC}; every server adds what it
 * receives to its own {@link SwitchoverHistory}. When a member joins, each server sends its newest
 * {@value #CATCH_UP} entries, and a server whose member comes up sends its own and asks the others
 * for theirs, so a restarted server catches up and the others learn what it recorded alone. A
 * message that cannot be read is dropped with a warning, at most one a minute.
 *
 * <p>Message: a first line {@code entries SENDER} or {@code request SENDER}, then for {@code
 * entries} one JSON entry a line. File and topic work runs on a thread of its own ("history-NAME"),
 * never on the role thread.
 */
final class HistoryTopic implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HistoryTopic.class);

  /** The cluster topic of the switchover history. */
  static final String TOPIC = "hotstandby.history";

  /** Entries each server sends to a member that joins. */
  static final int CATCH_UP = 50;

  /** Entries read from one message at most; a catch-up carries {@value #CATCH_UP}. */
  static final int MAX_LINES = 2 * CATCH_UP;

  private final ServerParts parts;
  private final SwitchoverHistory history;
  private final ExecutorService thread;
  private final ReportThrottle garbage =
      new ReportThrottle(Duration.ofMinutes(1), System::nanoTime);

  HistoryTopic(ServerParts parts, SwitchoverHistory history) {
    this.parts = parts;
    this.history = history;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "history-" + parts.self);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Subscribes to the topic, sends this server's newest entries (the members already there saw no
   * join of theirs to answer) and asks the other servers for theirs.
   */
  void attach(ClusterMember member) {
    member.subscribe(TOPIC, this::received);
    run(
        () -> {
          sendNewest();
          member.publish(TOPIC, bytes("request " + parts.self));
        });
  }

  /** A member joined: send it (and everyone) this server's newest entries. */
  void peerJoined(String name) {
    run(this::sendNewest);
  }

  /**
   * This server has just become ACTIVE: records the takeover with the mirror lag of this moment and
   * sends it to the other servers. Any thread; the work runs on the history thread.
   */
  void tookOver(Takeover t) {
    MirrorLagProbe lag = parts.mirrorLag;
    SwitchoverEntry e =
        new SwitchoverEntry(
            t.atMillis(),
            t.kind(),
            t.from(),
            t.to(),
            t.reason(),
            t.durationMillis(),
            t.term(),
            lag.lagEntries(),
            lag.lagMillis());
    run(
        () -> {
          history.add(e);
          publish(List.of(e));
        });
  }

  /** The newest {@code max} entries, oldest first, as a JSON array. */
  String json(int max) {
    return history.json(max);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  private void sendNewest() {
    List<SwitchoverEntry> newest = history.newest(CATCH_UP);
    if (!newest.isEmpty()) {
      publish(newest);
    }
  }

  private void publish(List<SwitchoverEntry> entries) {
    ClusterMember member = parts.cluster;
    if (member == null) {
      return; // not in the cluster yet: the catch-up at the join sends it
    }
    StringBuilder b = new StringBuilder("entries ").append(parts.self);
    entries.forEach(e -> b.append('\n').append(e.toJson()));
    member.publish(TOPIC, bytes(b.toString()));
  }

  // Package-private for the tests: what the topic hands over, as it arrives.
  void received(byte[] payload) {
    run(() -> receive(new String(payload, StandardCharsets.UTF_8)));
  }

  private void receive(String message) {
    String[] lines = message.split("\n", MAX_LINES + 2);
    String[] head = lines[0].split(" ", 2);
    if (head.length != 2 || lines.length > MAX_LINES + 1) {
      garbage("not a history message");
      return;
    }
    if (head[1].equals(parts.self)) {
      return; // this server's own message, back from the topic
    }
    switch (head[0]) {
      case "request" -> sendNewest();
      case "entries" -> {
        List<SwitchoverEntry> entries = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
          try {
            entries.add(SwitchoverEntry.parse(lines[i]));
          } catch (IllegalArgumentException e) {
            garbage("entry from " + head[1] + ": " + e.getMessage());
          }
        }
        history.addAll(entries); // one write of the file and the totals for a whole catch-up
      }
      default -> garbage("unknown message kind from " + head[1]);
    }
  }

  private void garbage(String why) {
    // One subject for the whole topic: a broken or hostile sender cannot flood the event log.
    long held = garbage.admit(TOPIC);
    if (held != ReportThrottle.HELD) {
      parts.events.record(
          Weight.WARNING,
          "history",
          "unreadable message on the history topic dropped: "
              + why
              + (held > 0 ? " (" + held + " more dropped before it)" : ""));
    }
  }

  private void run(Runnable task) {
    try {
      thread.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.warn("switchover history: {}", e.toString());
            }
          });
    } catch (RejectedExecutionException e) {
      log.debug("history thread stopped; dropped a history task");
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
