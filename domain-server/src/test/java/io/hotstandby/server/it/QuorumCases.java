package io.hotstandby.server.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.NetLab;
import io.hotstandby.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A domain with a quorum witness on three hosts of a {@link NetLab}, and the ways three parties can
 * be partitioned, each read back from both servers' event logs: what {@link WitnessPartitionIT}
 * asserts once and the witness benchmark repeats.
 */
public final class QuorumCases implements AutoCloseable {
  public static final String WITNESS = "wit";
  static final String PROJECT =
      """
      <project name="quorum">
        <tags>
          <folder name="Plant">
            <tag name="Setpoint" type="Double" initial="1.5" writable="true"/>
          </folder>
        </tags>
      </project>
      """;

  /**
   * What one case did, from the event logs: role changes of either server, how long both were
   * ACTIVE at once, and for a takeover the time from the fault to the new ACTIVE (else -1).
   */
  public record Result(int roleChanges, long overlapMillis, long takeoverMillis) {}

  private final NetLab lab;
  private final TestDomain domain;
  private final List<Runnable> undo = new ArrayList<>();
  private ServerProcess active;
  private ServerProcess standby;
  private long since;

  private QuorumCases(NetLab lab, TestDomain domain) {
    this.lab = lab;
    this.domain = domain;
  }

  /** Makes the lab (namespaces prefixed {@code prefix}) and starts the domain in it. */
  public static QuorumCases start(String prefix, boolean defaultJvm) throws Exception {
    NetLab lab = NetLab.create(prefix, List.of("alpha", "beta", WITNESS));
    try {
      Path dir = Files.createTempDirectory("quorum-project-");
      Path project = Files.writeString(dir.resolve("quorum.prj"), PROJECT);
      var b = TestDomain.builder().name("quorum").project(project).witness(WITNESS).netLab(lab);
      if (defaultJvm) {
        b.defaultJvmOptions();
      }
      return new QuorumCases(lab, b.build().startAll());
    } catch (Exception | Error e) {
      lab.close();
      throw e;
    }
  }

  /** Waits for one cluster, one ACTIVE and one ready STANDBY, and starts a new case from there. */
  public void findRoles() {
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    active = roles.active();
    standby = roles.standby();
    // After a heal a host may still be re-learning its neighbours' addresses (one way for a
    // moment): a case starts only once each server hears the other and the witness.
    await("the domain whole again")
        .atMost(Timing.seconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> whole(active, standby) && whole(standby, active));
    since = System.currentTimeMillis();
  }

  private static boolean whole(ServerProcess s, ServerProcess partner) throws Exception {
    JsonNode status = s.status();
    boolean hearsPartner =
        ServerProcess.link(status, partner.name()).path("liveness").asText().equals("ALIVE");
    return hearsPartner && status.path("witness").path("reachable").asBoolean();
  }

  public ServerProcess active() {
    return active;
  }

  public ServerProcess standby() {
    return standby;
  }

  /** Undoes every cut, isolation and freeze of the current case, last first. */
  public void heal() {
    for (int i = undo.size() - 1; i >= 0; i--) {
      undo.get(i).run();
    }
    undo.clear();
  }

  /** (a) both servers cut from each other, both reaching the witness, for {@code seconds}. */
  public Result cutServers(int seconds) {
    lab.cut(active.name(), standby.name());
    undo.add(() -> lab.heal(active.name(), standby.name()));
    return holdFor(seconds);
  }

  /** (b) the active cut from everything until the standby took over and it stepped down. */
  public Result isolateActive() {
    long at = System.currentTimeMillis();
    isolate(active.name());
    awaitLogged(standby, "ACTIVE");
    awaitLogged(active, "STANDBY");
    return result(firstChangeTo(standby, "ACTIVE") - at);
  }

  /**
   * (f) what the active sends to the standby is lost, the other direction and the witness work, for
   * {@code seconds}: the standby loses the active, the active still hears the standby.
   */
  public Result activeToStandbyOneWay(int seconds) {
    lab.cutOneWay(active.name(), standby.name());
    undo.add(() -> lab.healOneWay(active.name(), standby.name()));
    return holdFor(seconds);
  }

  /**
   * (g) the active loses the witness (both ways), then what it sends to the standby is lost too:
   * the active still hears the standby, which asks the witness for the lease and takes over.
   */
  public Result witnessLostThenActiveToStandbyOneWay() {
    lab.cut(active.name(), WITNESS);
    undo.add(() -> lab.heal(active.name(), WITNESS));
    // The witness's view of the active's lease runs out; the active keeps the role (it hears the
    // standby both ways).
    await("the active's lease lapses")
        .atMost(Timing.seconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> System.currentTimeMillis() - since >= 2000);
    long at = System.currentTimeMillis();
    lab.cutOneWay(active.name(), standby.name());
    undo.add(() -> lab.healOneWay(active.name(), standby.name()));
    awaitLogged(standby, "ACTIVE");
    awaitLogged(active, "STANDBY");
    return result(firstChangeTo(standby, "ACTIVE") - at);
  }

  /** (c) the standby cut from everything for {@code seconds}. */
  public Result isolateStandby(int seconds) {
    isolate(standby.name());
    return holdFor(seconds);
  }

  /** (d) the witness cut from everything for {@code seconds}. */
  public Result isolateWitness(int seconds) {
    isolate(WITNESS);
    return holdFor(seconds);
  }

  /**
   * (e) the active frozen (SIGSTOP) until the standby took over and at least {@code frozenMillis},
   * then let run: the overlap counts only from its resume (while frozen it does nothing).
   */
  public Result freezeActive(long frozenMillis) {
    long at = System.currentTimeMillis();
    active.freeze();
    undo.add(active::thaw);
    awaitLogged(standby, "ACTIVE");
    await("frozen long enough")
        .atMost(Timing.seconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> System.currentTimeMillis() - at >= frozenMillis);
    long resumed = System.currentTimeMillis();
    active.thaw();
    awaitLogged(active, "STANDBY");
    Result r = result(firstChangeTo(standby, "ACTIVE") - at);
    long down = firstChangeTo(active, "STANDBY");
    return new Result(r.roleChanges(), Math.max(0, down - resumed), r.takeoverMillis());
  }

  private void isolate(String host) {
    lab.isolate(host);
    undo.add(() -> lab.rejoin(host));
  }

  /** Watches for {@code seconds}; the result counts any role change in that time. */
  private Result holdFor(int seconds) {
    long until = System.currentTimeMillis() + seconds * 1000L;
    await("watching for " + seconds + " s")
        .atMost(Timing.seconds(seconds + 10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                System.currentTimeMillis() >= until
                    || !active.loggedState().equals("ACTIVE")
                    || !standby.loggedState().equals("STANDBY"));
    return result(-1);
  }

  private Result result(long takeoverMillis) {
    List<long[]> a = activeIntervals(active, true);
    List<long[]> s = activeIntervals(standby, false);
    long overlap = 0;
    for (long[] x : a) {
      for (long[] y : s) {
        overlap += Math.max(0, Math.min(x[1], y[1]) - Math.max(x[0], y[0]));
      }
    }
    return new Result(
        transitionsSince(active).size() + transitionsSince(standby).size(),
        overlap,
        takeoverMillis);
  }

  /** The spans {@code s} logged itself ACTIVE since the case began, up to now. */
  private List<long[]> activeIntervals(ServerProcess s, boolean activeAtStart) {
    List<long[]> spans = new ArrayList<>();
    long start = activeAtStart ? since : -1;
    for (JsonNode e : transitionsSince(s)) {
      long t = e.path("epochMillis").asLong();
      boolean toActive = e.path("to").asText().equals("ACTIVE");
      if (toActive && start < 0) {
        start = t;
      } else if (!toActive && start >= 0) {
        spans.add(new long[] {start, t});
        start = -1;
      }
    }
    if (start >= 0) {
      spans.add(new long[] {start, System.currentTimeMillis()});
    }
    return spans;
  }

  public List<JsonNode> transitionsSince(ServerProcess s) {
    return s.events().stream()
        .filter(e -> e.has("to") && e.path("epochMillis").asLong() >= since)
        .toList();
  }

  /** The messages {@code s} logged since the case began. */
  public List<JsonNode> eventsSince(ServerProcess s) {
    return s.events().stream().filter(e -> e.path("epochMillis").asLong() >= since).toList();
  }

  /** When {@code s} first logged a change to {@code state} since the case began. */
  public long firstChangeTo(ServerProcess s, String state) {
    return transitionsSince(s).stream()
        .filter(e -> e.path("to").asText().equals(state))
        .mapToLong(e -> e.path("epochMillis").asLong())
        .findFirst()
        .orElseThrow(() -> new AssertionError(s.name() + " never logged " + state));
  }

  public void awaitLogged(ServerProcess s, String state) {
    await(s.name() + " " + state)
        .atMost(Timing.seconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> s.loggedState().equals(state));
  }

  public TestDomain domain() {
    return domain;
  }

  @Override
  public void close() {
    try {
      heal();
      domain.close();
    } finally {
      lab.close();
    }
  }
}
