package io.hotstandby.server.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.server.bench.ContinuityClients.Answer;
import io.hotstandby.server.bench.ContinuityClients.Operator;
import io.hotstandby.server.bench.ContinuityClients.Outcome;
import io.hotstandby.server.bench.ContinuityClients.Sample;
import io.hotstandby.server.bench.ContinuityClients.Watcher;
import io.hotstandby.server.bench.OperatorModel.Action;
import io.hotstandby.server.bench.OperatorModel.State;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * Continuity figures, not a test: what clients of a two-server domain lose across {@code
 * bench.failovers} kill -9 failovers and {@code bench.switchovers} planned switchovers (Activate on
 * the standby), with the product's default settings. A counter client writes a memory tag with the
 * number of the 100 ms tick (10 Hz) to the active; a watching client subscribed to it and to a
 * simulation counter (sampled every 100 ms by each server) on both servers takes the values of the
 * one it follows; an operator writes two retentive setpoints and toggles and acknowledges a digital
 * alarm, 5 actions a second. See docs/BENCHMARKS.md for what "lost" means here. Run with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -am -Dit.test=ContinuityBenchmark -Dtest=none
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true</pre>
 */
class ContinuityBenchmark {
  static final int FAILOVERS = Integer.getInteger("bench.failovers", 20);
  static final int SWITCHOVERS = Integer.getInteger("bench.switchovers", 20);
  static final long OPERATOR_EVERY_MS = 200;
  static final long TICK_MS = 100;
  static final Duration MAX_RUN = Duration.ofMinutes(90);
  static final String COUNTER = "Counter";
  static final String PROJECT =
      """
      <project name="continuity">
        <drivers>
          <driver name="sim" type="simulation"/>
        </drivers>
        <tags>
          <tag name="Counter" type="Int64" initial="0" writable="true"/>
          <tag name="SimCounter" driver="sim" address="counter:step=1" type="Int64" samplingMs="100"/>
          <tag name="Setpoint1" type="Double" initial="0" writable="true" retentive="true"/>
          <tag name="Setpoint2" type="Double" initial="0" writable="true" retentive="true"/>
          <tag name="Trip" type="Boolean" initial="false" writable="true"/>
        </tags>
        <alarms>
          <digital name="Tripped" tag="Trip" activeWhen="true" severity="800" message="tripped"/>
        </alarms>
      </project>
      """;
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One role change: who held the role, who took it, when it was started (ms), when the killed
   * process had ended (a failover; the start for a switchover), when the watcher had the new
   * active's values.
   */
  record Cycle(
      boolean kill,
      String old,
      String survivor,
      long startMillis,
      long endedMillis,
      long recoveredMillis) {}

  final AtomicBoolean stop = new AtomicBoolean();
  final ReentrantLock operatorTurn = new ReentrantLock(true);
  final OperatorModel model = new OperatorModel();
  final List<String> lost = new CopyOnWriteArrayList<>();
  final AtomicLong counterWrites = new AtomicLong();
  final AtomicLong counterGood = new AtomicLong();

  @Test
  void continuity() throws Exception {
    Path dir = Files.createTempDirectory("continuity-project-");
    Path project = Files.writeString(dir.resolve("continuity.prj"), PROJECT);
    long deadline = System.nanoTime() + MAX_RUN.toNanos();
    try (TestDomain domain =
        TestDomain.builder().name("continuity").project(project).defaultJvmOptions().build()) {
      domain.startAll();
      TestDomain.Roles roles = domain.awaitRoles();
      Watcher watcher = new Watcher(COUNTER, true);
      Watcher sim = new Watcher("SimCounter", false);
      for (ServerProcess s : domain.servers()) {
        watcher.connect(s);
        sim.connect(s);
      }
      await().atMost(Timing.seconds(10)).until(() -> !watcher.active().isEmpty());
      Operator counterClient = new Operator(watcher, domain.servers(), roles.active().name());
      Operator operator = new Operator(watcher, domain.servers(), roles.active().name());
      Thread counting = thread("continuity-counter", () -> count(counterClient, deadline));
      Thread operating = thread("continuity-operator", () -> operate(operator, deadline));
      List<Cycle> cycles = new ArrayList<>();
      try {
        await().atMost(Timing.seconds(30)).until(() -> watcher.samples().size() >= 20);
        for (int i = 0; i < FAILOVERS + SWITCHOVERS && System.nanoTime() < deadline; i++) {
          boolean kill = i < FAILOVERS;
          cycles.add(cycle(domain, List.of(watcher, sim), List.of(counterClient, operator), kill));
        }
      } finally {
        stop.set(true);
        counting.join(TimeUnit.SECONDS.toMillis(10));
        operating.join(TimeUnit.SECONDS.toMillis(10));
      }
      TestDomain.Roles last = domain.awaitRoles();
      check(last.active(), "at the end");
      report(domain, last, watcher, sim, cycles);
      watcher.close();
      sim.close();
      counterClient.close();
      operator.close();
    }
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Writes the number of the current 100 ms tick to the active, once a tick. */
  private void count(Operator client, long deadline) {
    long t0 = System.nanoTime();
    long done = 0;
    while (!stop.get() && System.nanoTime() < deadline) {
      long tick = (System.nanoTime() - t0) / TimeUnit.MILLISECONDS.toNanos(TICK_MS) + 1;
      if (tick <= done) {
        LockSupport.parkNanos(
            t0 + tick * TimeUnit.MILLISECONDS.toNanos(TICK_MS) - System.nanoTime());
        continue;
      }
      counterWrites.incrementAndGet();
      var r =
          client.call(
              c -> {
                String s = c.writeTag(COUNTER, tick);
                return new Answer(s.equals("Good"), s);
              },
              1000,
              x -> {});
      if (r.outcome() == Outcome.CONFIRMED) {
        counterGood.incrementAndGet();
        done = tick;
      } else {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    }
  }

  /** One action every 200 ms, each waiting up to 3 s for its answer; checks take turns with it. */
  private void operate(Operator operator, long deadline) {
    long t0 = System.nanoTime();
    for (long i = 0; i < 1_000_000 && !stop.get() && System.nanoTime() < deadline; i++) {
      operatorTurn.lock();
      try {
        Action a = OperatorModel.next(i);
        var r =
            operator.call(
                c -> {
                  return switch (a.kind) {
                    case ACK -> {
                      ActivateResult x = c.acknowledge(OperatorModel.ALARM, (String) a.value);
                      yield new Answer(x.accepted(), x.message());
                    }
                    default -> {
                      String s = c.writeTag(a.target(), a.value);
                      yield new Answer(s.equals("Good"), s);
                    }
                  };
                },
                3000,
                late -> {
                  a.outcome = late.outcome();
                  a.text = "late: " + late.text();
                  a.settled.complete(null);
                });
        a.server = r.server();
        if (!r.pending()) {
          a.text = r.text();
          a.outcome = r.outcome();
          a.settled.complete(null);
        }
        model.add(a);
      } finally {
        operatorTurn.unlock();
      }
      long next = t0 + (i + 1) * TimeUnit.MILLISECONDS.toNanos(OPERATOR_EVERY_MS);
      LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
    }
  }

  private Cycle cycle(
      TestDomain domain, List<Watcher> watchers, List<Operator> clients, boolean kill)
      throws Exception {
    Watcher watcher = watchers.get(0);
    TestDomain.Roles roles = domain.awaitRoles();
    ServerProcess old = roles.active();
    ServerProcess survivor = roles.standby();
    long settled = System.currentTimeMillis();
    await().atMost(Timing.seconds(30)).until(() -> watcher.samplesAfter(settled) >= 10);
    long start = System.currentTimeMillis();
    long ended = start;
    if (kill) {
      old.kill(); // returns once the process has ended
      ended = System.currentTimeMillis();
      watchers.forEach(w -> w.disconnect(old.name()));
    } else {
      ActivateResult swap = null;
      for (int attempt = 0; attempt < 5; attempt++) {
        swap = survivor.operatorClient().activate();
        if (swap.accepted()) {
          break;
        }
        lost.add("note: Activate refused, tried again: " + swap.message());
        domain.awaitMirrored(survivor.name());
      }
      if (!swap.accepted()) {
        throw new AssertionError("Activate refused 5 times: " + swap.message());
      }
    }
    domain.awaitState(survivor.name(), "ACTIVE");
    await(survivor.name() + " followed")
        .atMost(Timing.seconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> watcher.active().equals(survivor.name()));
    long followed = System.currentTimeMillis();
    await("counter values from " + survivor.name())
        .atMost(Timing.seconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> watcher.samplesAfter(followed) >= 3);
    await("sim counter values from " + survivor.name())
        .atMost(Timing.seconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> watchers.get(1).samplesAfter(followed) >= 3);
    long recovered = System.currentTimeMillis();
    check(survivor, (kill ? "after killing " : "after the switchover from ") + old.name());
    if (kill) {
      old.restart();
      domain.awaitRoles();
      for (Watcher w : watchers) {
        w.connect(old);
      }
      clients.forEach(c -> c.reconnect(old.name()));
    } else {
      domain.awaitRoles();
    }
    return new Cycle(kill, old.name(), survivor.name(), start, ended, recovered);
  }

  /** Compares what {@code active} shows with what the operator was told (between its actions). */
  private void check(ServerProcess active, String where) throws Exception {
    operatorTurn.lock();
    try {
      // An action still unanswered may yet be done: wait for its outcome (bounded).
      for (Action a : model.sinceCheck()) {
        try {
          a.settled.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          lost.add("note: no outcome within 30 s for " + a);
        }
      }
      AdminClient c = active.client();
      State seen =
          new State(
              ((Number) c.readTag(OperatorModel.SETPOINT_1).value()).doubleValue(),
              ((Number) c.readTag(OperatorModel.SETPOINT_2).value()).doubleValue(),
              (Boolean) c.readTag(OperatorModel.TRIP).value(),
              (Boolean) c.readTag("Alarms.Tripped.Active").value(),
              (Boolean) c.readTag("Alarms.Tripped.Acknowledged").value());
      lost.addAll(model.check(seen, where + " on " + active.name()));
    } finally {
      operatorTurn.unlock();
    }
  }

  private void report(
      TestDomain domain, TestDomain.Roles last, Watcher watcher, Watcher sim, List<Cycle> cycles)
      throws Exception {
    StringBuilder r = new StringBuilder();
    long kills = cycles.stream().filter(Cycle::kill).count();
    r.append(
        String.format(
            Locale.ROOT,
            "continuity benchmark: %d kill -9 failovers, %d planned switchovers%n",
            kills,
            cycles.size() - kills));
    List<Action> all = new ArrayList<>(model.all);
    r.append(
        String.format(
            Locale.ROOT,
            "operator actions: %d (confirmed %d, refused %d, no answer %d); counter writes: %d"
                + " (Good %d)%n",
            all.size(),
            all.stream().filter(a -> a.outcome == Outcome.CONFIRMED).count(),
            all.stream().filter(a -> a.outcome == Outcome.REFUSED).count(),
            all.stream().filter(a -> a.outcome == Outcome.UNKNOWN).count(),
            counterWrites.get(),
            counterGood.get()));
    List<String> writes = lost.stream().filter(l -> l.startsWith("write ")).toList();
    List<String> acks = lost.stream().filter(l -> l.startsWith("ack ")).toList();
    List<String> unaudited = unaudited(domain, all);
    r.append(
        String.format(
            Locale.ROOT,
            "lost writes (a tag not at its last confirmed value after a role change): %d%n",
            writes.size()));
    r.append(
        String.format(
            Locale.ROOT,
            "lost acknowledgements (the alarm not as the confirmed actions left it): %d%n",
            acks.size()));
    r.append(
        String.format(
            Locale.ROOT,
            "confirmed actions in no server's audit log: %d of %d%n",
            unaudited.size(),
            all.stream().filter(a -> a.outcome == Outcome.CONFIRMED).count()));
    lost.forEach(l -> r.append("  ").append(l).append('\n'));
    unaudited.forEach(l -> r.append("  not audited: ").append(l).append('\n'));
    r.append(LostEvents.report(domain, cycles));
    r.append(gaps("failover", cycles, true, watcher.samples(), true));
    r.append(gaps("switchover", cycles, false, watcher.samples(), true));
    r.append(gaps("failover", cycles, true, sim.samples(), false));
    r.append(gaps("switchover", cycles, false, sim.samples(), false));
    JsonNode mirror = last.active().status().path("mirror");
    r.append("final active ")
        .append(last.active().name())
        .append(" mirror: ")
        .append(mirror)
        .append('\n');
    System.out.print(r);
    Path out = domain.root().getParent().getParent().resolve("benchmarks");
    Files.createDirectories(out);
    Files.writeString(out.resolve("continuity.txt"), r);
  }

  /** Confirmed operator actions that no audit.jsonl of the domain records as accepted. */
  private static List<String> unaudited(TestDomain domain, List<Action> all) throws IOException {
    Set<String> audited = new HashSet<>();
    for (ServerProcess s : domain.servers()) {
      Path f = s.dataDir().resolve("audit.jsonl");
      if (!Files.exists(f)) {
        continue;
      }
      for (String line : Files.readAllLines(f)) {
        JsonNode n = JSON.readTree(line);
        audited.add(
            n.path("action").asText().split(" ")[0]
                + "|"
                + n.path("target").asText()
                + "|"
                + n.path("value").asText());
      }
    }
    List<String> missing = new ArrayList<>();
    for (Action a : all) {
      if (a.outcome != Outcome.CONFIRMED) {
        continue;
      }
      String action = a.kind == OperatorModel.Kind.ACK ? "acknowledge" : "write";
      String key = action + "|" + a.target() + "|" + JSON.valueToTree(a.value).asText();
      if (!audited.contains(key)) {
        missing.add(a.toString());
      }
    }
    return missing;
  }

  /**
   * Around each role change (from its start until the watcher had 3 values of the new active, plus
   * 1 s): the longest time between two values the watcher took, and the counter values it never
   * saw. For the written counter those are the ticks missing between the values taken; for the
   * simulation counter (each server counts its own samples) they are estimated from the time, one
   * sample per 100 ms.
   */
  private static String gaps(
      String what, List<Cycle> cycles, boolean kill, List<Sample> samples, boolean written) {
    List<Long> ms = new ArrayList<>();
    List<Long> missed = new ArrayList<>();
    for (Cycle c : cycles) {
      if (c.kill() != kill) {
        continue;
      }
      long worstMs = 0;
      long lostValues = 0;
      for (int i = 1; i < samples.size(); i++) {
        Sample a = samples.get(i - 1);
        Sample b = samples.get(i);
        if (b.receivedMillis() <= c.startMillis()
            || b.receivedMillis() > c.recoveredMillis() + 1000) {
          continue;
        }
        long gap = b.receivedMillis() - a.receivedMillis();
        worstMs = Math.max(worstMs, gap);
        lostValues += written ? Math.max(0, b.value() - a.value() - 1) : 0;
      }
      ms.add(worstMs);
      missed.add(written ? lostValues : Math.max(0, Math.round(worstMs / (double) TICK_MS) - 1));
    }
    Collections.sort(ms);
    Collections.sort(missed);
    return String.format(
        Locale.ROOT,
        "%-17s gap, %-10s n=%-3d samples missed p50=%3d p99=%3d max=%3d;"
            + "  ms p50=%5d p99=%5d max=%5d%n",
        written ? "written counter" : "simulation counter",
        what,
        ms.size(),
        FailoverBenchmark.pct(missed, 50),
        FailoverBenchmark.pct(missed, 99),
        missed.isEmpty() ? -1 : missed.get(missed.size() - 1),
        FailoverBenchmark.pct(ms, 50),
        FailoverBenchmark.pct(ms, 99),
        ms.isEmpty() ? -1 : ms.get(ms.size() - 1));
  }

  /** A line of an event log as it was written (a mirrored copy without its mark). */
  static JsonNode unmarked(String line) throws IOException {
    JsonNode n = JSON.readTree(line);
    if (n instanceof ObjectNode o) {
      o.remove("mirrored");
    }
    return n;
  }
}
