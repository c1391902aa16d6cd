package io.hotstandby.server.bench;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The clients of {@link ContinuityBenchmark}: each keeps a session to both servers, as a client of
 * a HotAndMirrored pair does, and follows the active.
 */
final class ContinuityClients {
  private ContinuityClients() {}

  /** One counter sample the watching client took from the server it followed. */
  record Sample(long receivedMillis, long value) {}

  /**
   * The viewer: subscribed (50 ms) to ServiceLevel and the counter on both servers; follows the
   * server whose ServiceLevel went to 200 or more last, and takes counter values from it only
   * (values at most 100 ms old when it switches to a server, as a client reading the current value
   * on switching would; only values above the last one taken).
   */
  static final class Watcher {
    static final int ACTIVE_LEVEL = 200;
    private final String counter;
    private final boolean rising;
    private final Map<String, AdminClient> sessions = new ConcurrentHashMap<>();
    private final Map<String, AutoCloseable> subscriptions = new ConcurrentHashMap<>();
    // Guarded by this.
    private final Map<String, Integer> level = new HashMap<>();
    private final Map<String, Long> activeSince = new HashMap<>();
    private final Map<String, Deque<Sample>> recent = new HashMap<>();
    private final List<Sample> taken = new ArrayList<>();
    private String followed = "";
    private long last = Long.MIN_VALUE;
    private long switches;

    /**
     * Watches {@code counter}; {@code rising}: takes only values above the last one taken (a
     * counter written by a client); else every value of the followed server (a counter each server
     * computes itself).
     */
    Watcher(String counter, boolean rising) {
      this.counter = counter;
      this.rising = rising;
    }

    /** (Re)connects to {@code s} as the viewer and subscribes. */
    void connect(ServerProcess s) throws Exception {
      disconnect(s.name());
      AdminClient c = s.connectAs(TestDomain.VIEWER);
      sessions.put(s.name(), c);
      AutoCloseable sl = c.subscribeServiceLevel(50, l -> level(s.name(), l));
      AutoCloseable ct =
          c.subscribeTag(
              counter,
              50,
              r -> {
                if (r.good() && r.value() instanceof Number n) {
                  sample(s.name(), n.longValue());
                }
              });
      subscriptions.put(
          s.name(),
          () -> {
            sl.close();
            ct.close();
          });
    }

    /** Drops the session to {@code server} (after it was killed), closing it in the background. */
    void disconnect(String server) {
      AdminClient old = sessions.remove(server);
      subscriptions.remove(server);
      synchronized (this) {
        level.remove(server);
        activeSince.remove(server);
      }
      if (old != null) {
        CompletableFuture.runAsync(old::close);
      }
    }

    private synchronized void level(String server, int l) {
      Integer before = level.put(server, l);
      if (l >= ACTIVE_LEVEL && (before == null || before < ACTIVE_LEVEL)) {
        activeSince.put(server, System.nanoTime());
      }
      String now = active();
      if (!now.isEmpty() && !now.equals(followed)) {
        followed = now;
        switches++;
        long since = System.currentTimeMillis() - 100;
        for (Sample x : recent.getOrDefault(now, new ArrayDeque<>())) {
          if (rising && x.receivedMillis() >= since) {
            take(x);
          }
        }
      }
    }

    private synchronized void sample(String server, long value) {
      Sample x = new Sample(System.currentTimeMillis(), value);
      Deque<Sample> r = recent.computeIfAbsent(server, k -> new ArrayDeque<>());
      r.addLast(x);
      while (r.size() > 4) {
        r.removeFirst();
      }
      if (server.equals(followed)) {
        take(x);
      }
    }

    private void take(Sample x) {
      if (!rising || x.value() > last) {
        last = x.value();
        taken.add(x);
      }
    }

    /** The server with a ServiceLevel of 200 or more that reached it last, or "". */
    synchronized String active() {
      String best = "";
      long bestSince = Long.MIN_VALUE;
      for (Map.Entry<String, Integer> e : level.entrySet()) {
        Long since = activeSince.get(e.getKey());
        if (e.getValue() >= ACTIVE_LEVEL && since != null && since > bestSince) {
          best = e.getKey();
          bestSince = since;
        }
      }
      return best;
    }

    synchronized List<Sample> samples() {
      return new ArrayList<>(taken);
    }

    synchronized long samplesAfter(long millis) {
      return taken.stream().filter(x -> x.receivedMillis() > millis).count();
    }

    void close() {
      new ArrayList<>(sessions.keySet()).forEach(this::disconnect);
    }
  }

  /** How an action ended as the client saw it. */
  enum Outcome {
    /** Answered Good / accepted. */
    CONFIRMED,
    /** Answered with a refusal: not done. */
    REFUSED,
    /** No answer (the call failed or timed out): may or may not have been done. */
    UNKNOWN
  }

  /** The answer of one call: accepted or not, and the server's text. */
  record Answer(boolean ok, String text) {}

  /** A call on one session. */
  interface Call {
    Answer on(AdminClient c) throws Exception;
  }

  /**
   * A client logged in as the operator on both servers that sends its calls to the server the
   * {@link Watcher} follows, else to the one that answered last; a call that fails or is refused
   * there is not retried (the next one goes to the other server if the watcher does not know
   * better).
   */
  static final class Operator {
    private final Watcher watcher;
    private final Map<String, ServerProcess> servers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<AdminClient>> sessions = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(daemon());
    private volatile String target;

    Operator(Watcher watcher, List<ServerProcess> all, String first) {
      this.watcher = watcher;
      all.forEach(s -> servers.put(s.name(), s));
      this.target = first;
    }

    private static java.util.concurrent.ThreadFactory daemon() {
      return r -> {
        Thread t = new Thread(r, "continuity-call");
        t.setDaemon(true);
        return t;
      };
    }

    /** Logs in to {@code server} anew (after it was restarted). */
    void reconnect(String server) {
      CompletableFuture<AdminClient> old = sessions.remove(server);
      if (old != null) {
        old.thenAcceptAsync(AdminClient::close, pool);
      }
      session(server);
    }

    private CompletableFuture<AdminClient> session(String server) {
      return sessions.computeIfAbsent(
          server,
          n ->
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return servers.get(n).connectAs(TestDomain.OPERATOR);
                    } catch (Exception e) {
                      throw new CompletionException(e);
                    }
                  },
                  pool));
    }

    /** The server the next call goes to. */
    String target() {
      String a = watcher.active();
      return a.isEmpty() ? target : a;
    }

    /**
     * Sends {@code call} to {@link #target}; waits up to {@code waitMs}, or until the watcher
     * follows another server. {@code late} is told the outcome of a call that was still unanswered
     * then, when it ends.
     */
    Result call(Call call, long waitMs, java.util.function.Consumer<Result> late) {
      String server = target();
      CompletableFuture<AdminClient> s = session(server);
      CompletableFuture<Result> r =
          s.thenApplyAsync(
              c -> {
                try {
                  Answer a = call.on(c);
                  return new Result(server, a.ok() ? Outcome.CONFIRMED : Outcome.REFUSED, a.text());
                } catch (Exception e) {
                  return new Result(server, Outcome.UNKNOWN, String.valueOf(e.getMessage()));
                }
              },
              pool);
      Result now = null;
      try {
        // Waits in slices: a call to a server that another has replaced as the active (its
        // ServiceLevel went to 200 or more later) is given up at once, as a redundancy-aware
        // client does.
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (now == null) {
          try {
            now = r.get(20, TimeUnit.MILLISECONDS);
          } catch (java.util.concurrent.TimeoutException e) {
            String active = watcher.active();
            if (System.nanoTime() - end >= 0 || !active.isEmpty() && !active.equals(server)) {
              r.thenAccept(late);
              now = new Result(server, Outcome.UNKNOWN, "no answer from " + server, true);
            }
          }
        }
      } catch (Exception e) {
        // The session could not be made (the server is down).
        sessions.remove(server, s);
        now = new Result(server, Outcome.UNKNOWN, String.valueOf(e.getMessage()));
      }
      if (now.outcome() != Outcome.CONFIRMED) {
        for (String other : servers.keySet()) {
          if (!other.equals(server)) {
            target = other;
          }
        }
      } else {
        target = server;
      }
      return now;
    }

    void close() {
      sessions.values().forEach(f -> f.thenAccept(AdminClient::close));
      pool.shutdownNow();
    }
  }

  /**
   * The outcome of one call and the server it went to; {@code pending} when it was not answered in
   * time and the late outcome is still to come.
   */
  record Result(String server, Outcome outcome, String text, boolean pending) {
    Result(String server, Outcome outcome, String text) {
      this(server, outcome, text, false);
    }
  }
}
