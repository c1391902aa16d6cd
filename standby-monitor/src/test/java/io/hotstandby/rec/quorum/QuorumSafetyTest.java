package io.hotstandby.rec.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.rec.ServerState;
import java.util.PriorityQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lease and vote rules together, as three parties exchange heartbeats over links with delays,
 * each on its own monotonic clock running at its own rate: whatever the skew within ±10 %, the
 * active's lease ends (in real time) before the witness can give the role to the standby, and the
 * standby still gets it within about one lease.
 */
class QuorumSafetyTest {
  static final long MS = 1_000_000;
  static final long LEASE_MS = 500;
  static final long HEARTBEAT = 100 * MS;

  /** A monotonic clock running {@code rate} times as fast as real time, from its own origin. */
  record Clock(double rate, long origin) {
    long at(long real) {
      return origin + (long) (real * rate);
    }
  }

  record Delivery(long at, Runnable what) {}

  final PriorityQueue<Delivery> queue = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));

  /**
   * The active is cut from everything at {@code cut} (real time); the standby, which lost it at the
   * same moment (the worst case), asks the witness every millisecond from then on.
   */
  @ParameterizedTest(name = "active clock x{0}, witness clock x{1}, delay {2} ms")
  @CsvSource({
    "1.0, 1.0, 1",
    "0.9, 1.1, 1",
    "0.9, 1.1, 40",
    "1.1, 0.9, 40",
    "0.9, 0.9, 20",
    "1.1, 1.1, 20",
    "0.95, 1.05, 5"
  })
  void theActivesLeaseEndsBeforeTheWitnessGivesTheRoleAway(
      double activeRate, double witnessRate, long delayMs) {
    Clock x = new Clock(activeRate, 7_000 * MS);
    Clock w = new Clock(witnessRate, -3_000 * MS);
    Clock y = new Clock(1.0, 123 * MS);
    long delay = delayMs * MS;
    long cut = 2_000 * MS + 37 * MS;
    WitnessArbiter arbiter = new WitnessArbiter(LEASE_MS, w.at(0));
    WitnessLease lease = new WitnessLease("alpha", "w", LEASE_MS);
    long[] granted = {-1};

    for (long t = 0; t < 5_000 * MS; t += HEARTBEAT) {
      long sent = t;
      if (sent < cut) {
        long sentAt = x.at(sent);
        queue.add(
            new Delivery(
                sent + delay,
                () ->
                    arbiter.heard("alpha", ServerState.ACTIVE, false, sentAt, w.at(sent + delay))));
      }
      long wSent = t + 50 * MS;
      queue.add(
          new Delivery(
              wSent,
              () -> {
                String holder = arbiter.holder(w.at(wSent));
                long echoed = arbiter.holderEcho(w.at(wSent));
                if (wSent < cut) {
                  queue.add(
                      new Delivery(
                          wSent + delay, () -> lease.heard(holder, echoed, x.at(wSent + delay))));
                }
              }));
    }
    for (long t = cut; t < 5_000 * MS; t += MS) {
      long sent = t;
      queue.add(
          new Delivery(
              sent + delay,
              () -> {
                if (arbiter.heard("beta", ServerState.STANDBY, true, y.at(sent), w.at(sent + delay))
                        == WitnessArbiter.Decision.GRANTED
                    && granted[0] < 0) {
                  granted[0] = sent + delay;
                }
              }));
    }
    long stepDown = -1;
    long t = 0;
    while (!queue.isEmpty()) {
      Delivery d = queue.poll();
      // Between deliveries the active checks its lease every tenth of a millisecond.
      for (; t < d.at(); t += MS / 10) {
        if (t > cut && stepDown < 0 && !lease.held(x.at(t))) {
          stepDown = t;
        }
      }
      d.what().run();
    }

    assertThat(stepDown).as("the active steps down").isPositive();
    assertThat(granted[0]).as("the standby gets the role").isPositive();
    assertThat(stepDown).as("no overlap").isLessThan(granted[0]);
    // Still a failover of about one lease: at most twice it, whatever the skew.
    assertThat(granted[0] - cut).isLessThan(2 * LEASE_MS * MS);
  }

  /**
   * Both REC paths between the servers are cut, both reach the witness: the standby never gets it.
   */
  @ParameterizedTest(name = "witness clock x{0}")
  @CsvSource({"0.9", "1.0", "1.1"})
  void aStandbyThatOnlyLostTheActiveNeverGetsTheRole(double witnessRate) {
    Clock w = new Clock(witnessRate, 0);
    WitnessArbiter arbiter = new WitnessArbiter(LEASE_MS, w.at(0));
    for (long t = 0; t < 10_000 * MS; t += MS) {
      if (t % HEARTBEAT == 0) {
        arbiter.heard("alpha", ServerState.ACTIVE, false, t, w.at(t));
      }
      if (t > 1_000 * MS) {
        assertThat(arbiter.heard("beta", ServerState.STANDBY, true, t, w.at(t)))
            .isEqualTo(WitnessArbiter.Decision.REFUSED);
      }
    }
    assertThat(arbiter.holder(w.at(10_000 * MS))).isEqualTo("alpha");
  }
}
