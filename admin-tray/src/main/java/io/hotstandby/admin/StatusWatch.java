package io.hotstandby.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code domainctl status --watch}: one subscription to each server's status, and the domain's
 * table printed again whenever what an operator reads in it changes (state, term, ServiceLevel,
 * domain version, mirror readiness, links up or down, reachable or not, a service probe starting to
 * fail or reaching its threshold); round-trip times, sequence numbers and each further probe
 * failure alone do not reprint it. A server that stops answering is shown UNREACHABLE within a
 * second and reconnected to once it is back.
 */
final class StatusWatch {
  /** How often the status is sampled on the server and published to the watch. */
  static final double PUBLISHING_MS = 100;

  /** How often a connected server is checked, and an unreachable one tried again. */
  static final long CHECK_MS = 500;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final Domainctl parent;
  private final List<Target> targets;
  private final Function<List<ServerStatus>, String> render;
  private final PrintWriter out;
  private final ServerStatus[] latest;
  private String printedKey = "";

  /**
   * @param render the JSON line to print for each change, or null for the text with a time line
   */
  StatusWatch(
      Domainctl parent,
      List<Target> targets,
      List<ServerStatus> first,
      Function<List<ServerStatus>, String> render,
      PrintWriter out) {
    this.parent = parent;
    this.targets = targets;
    this.render = render;
    this.out = out;
    this.latest = first.toArray(new ServerStatus[0]);
  }

  /** Watches until {@code seconds} have passed (0: until interrupted); the last statuses. */
  List<ServerStatus> run(long seconds) {
    print();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      int slot = i;
      Thread t = new Thread(() -> follow(slot), "watch-" + targets.get(i).endpoint());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    long end = seconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
    try {
      for (Thread t : threads) {
        long left = end - System.nanoTime();
        if (left > 0) {
          t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, Long.MAX_VALUE / 2))));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    threads.forEach(Thread::interrupt);
    synchronized (this) {
      return List.of(latest.clone());
    }
  }

  /** One server: subscribe, check it every {@link #CHECK_MS}, reconnect when it is lost. */
  private void follow(int slot) {
    Target target = targets.get(slot);
    while (!Thread.currentThread().isInterrupted()) {
      try (AdminClient client =
              AdminClient.connect(target.endpoint(), parent.timeout(), parent.credentials());
          AutoCloseable watch =
              client.actions().watchStatus(PUBLISHING_MS, json -> update(slot, json))) {
        while (!Thread.currentThread().isInterrupted()) {
          client.serviceLevel(); // fails at once when the server is gone
          TimeUnit.MILLISECONDS.sleep(CHECK_MS);
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        lost(slot, e instanceof AdminClientException ? e.getMessage() : e.toString());
        try {
          TimeUnit.MILLISECONDS.sleep(CHECK_MS);
        } catch (InterruptedException x) {
          return;
        }
      }
    }
  }

  private void update(int slot, String json) {
    JsonNode status = StatusCommand.parse(json);
    if (status instanceof ObjectNode o && o.has("name")) {
      synchronized (this) {
        latest[slot] = new ServerStatus(targets.get(slot), o, null);
        print();
      }
    }
  }

  private synchronized void lost(int slot, String error) {
    if (latest[slot].reachable() || latest[slot].error() == null) {
      latest[slot] = new ServerStatus(targets.get(slot), null, error);
      print();
    }
  }

  /** Prints the table when what it shows an operator differs from the last one printed. */
  private synchronized void print() {
    List<ServerStatus> now = List.of(latest);
    String key = key(now);
    if (key.equals(printedKey)) {
      return;
    }
    printedKey = key;
    if (render == null) {
      out.println("--- " + LocalTime.now().format(CLOCK) + " ---");
      out.print(StatusCommand.text(now));
    } else {
      out.print(render.apply(now));
    }
    out.flush();
  }

  /** What an operator reads in the table, without round-trip times and sequence numbers. */
  static String key(List<ServerStatus> statuses) {
    StringBuilder b = new StringBuilder();
    for (ServerStatus s : statuses) {
      b.append(s.name()).append('=').append(s.state());
      JsonNode j = s.status();
      if (j != null) {
        b.append(',').append(j.path("term").asText());
        b.append(',').append(j.path("serviceLevel").asText());
        b.append(',').append(j.path("domainVersion").asText());
        b.append(',').append(j.path("mirror").path("ready").asText());
        b.append(',').append(j.path("domainStoppedBy").asText());
        b.append(',').append(j.path("unackedErrors").asText());
        b.append(',').append(probeKey(j.path("probe")));
        b.append(',').append(j.path("domainConflict").asText());
        for (JsonNode link : j.path("links")) {
          b.append(',').append(link.path("peer").asText()).append(link.path("liveness").asText());
          for (JsonNode p : link.path("paths")) {
            b.append(p.path("up").asBoolean() ? '+' : '-');
          }
        }
      }
      b.append(';');
    }
    return b.toString();
  }

  /**
   * Whether the service probe is failing, and whether as often as its threshold: not the count
   * itself, or a probe of a peer that never answers would reprint the table every interval.
   */
  private static String probeKey(JsonNode probe) {
    int failures = probe.path("failuresInRow").asInt();
    if (failures == 0) {
      return "";
    }
    return failures < probe.path("threshold").asInt() ? "probe failing" : "probe failed";
  }
}
