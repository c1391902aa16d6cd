package io.hotstandby.server.role;

import static io.hotstandby.rec.ServerState.ACTIVE;
import static io.hotstandby.rec.ServerState.STANDBY;
import static io.hotstandby.rec.ServerState.STARTING;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.domain.DomainRole;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.quorum.WitnessLease;
import io.hotstandby.server.role.RoleEvent.FactsChanged;
import io.hotstandby.server.role.RoleEvent.Paused;
import io.hotstandby.server.role.RoleEvent.PeerHeard;
import io.hotstandby.server.role.RoleEvent.PeerLost;
import io.hotstandby.server.role.RoleEvent.Started;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The role rules with a quorum witness, on the test clock of {@link RoleMachineTest}: a standby
 * takes the role from a lost active only with the witness's lease, an active cut from both its
 * partner and the witness steps down before its lease can run out at the witness, and losing only
 * the witness changes no role.
 */
class RoleMachineWitnessTest {
  static final long MS = 1_000_000;
  final RoleMachineTest t = new RoleMachineTest();

  @BeforeEach
  void withAWitness() {
    t.world.witness = "w";
    t.world.lease = new WitnessLease(t.world.self, "w", 500);
  }

  /** The witness's heartbeat arrives, naming {@code holder} and echoing one sent 20 ms ago. */
  void witnessSays(String holder) {
    t.world.lease.heard(holder, (t.world.now - 20) * MS, t.world.now * MS);
    t.feed(new FactsChanged("witness"));
  }

  /** As the backup, stands by behind an active alpha of term 3. */
  void standingByBehindAlpha() {
    t.world.self = "beta";
    t.world.partner = "alpha";
    t.world.lease = new WitnessLease("beta", "w", 500);
    t.startAs(DomainRole.BACKUP, ACTIVE, 3);
    witnessSays("alpha");
  }

  @Test
  void aStandbyTakesOverFromALostActiveOnlyOnceTheWitnessGivesItTheLease() {
    standingByBehindAlpha();
    assertThat(t.machine.snapshot().leaseRequest()).isFalse();

    t.feed(new PeerLost("alpha", "lost on all paths for 505 ms"));

    assertThat(t.machine.state()).isEqualTo(STANDBY);
    assertThat(t.machine.snapshot().leaseRequest()).as("asks the witness").isTrue();
    assertThat(t.notices)
        .anyMatch(
            n ->
                n.weight() == Weight.WARNING
                    && n.message()
                        .startsWith(
                            "not taking the active role: witness w gives its lease to alpha"));

    t.advance(60);
    witnessSays("beta");

    assertThat(t.path()).containsExactly("STARTING->STANDBY@0", "STANDBY->ACTIVE@4");
    assertThat(t.machine.snapshot().leaseRequest()).isFalse();
  }

  @Test
  void aStandbyCutOnlyFromTheActiveNeverTakesTheRole() {
    standingByBehindAlpha();
    t.feed(new PeerLost("alpha", "lost on all paths for 505 ms"));
    for (int i = 0; i < 100; i++) {
      t.advance(100);
      witnessSays("alpha"); // the witness still hears alpha and renews its lease
    }
    assertThat(t.machine.state()).isEqualTo(STANDBY);
    assertThat(t.path()).containsExactly("STARTING->STANDBY@0");
  }

  @Test
  void aStandbyThatHearsNoWitnessNeverTakesTheRole() {
    standingByBehindAlpha();
    t.feed(new PeerLost("alpha", "lost on all paths for 505 ms"));
    t.runFor(5000);
    assertThat(t.machine.state()).isEqualTo(STANDBY);
    assertThat(t.notices)
        .anyMatch(n -> n.message().contains("witness w is not reachable (no quorum)"));
  }

  /** As the main, takes the role with its partner heard, and the witness renews its lease. */
  void activeWithItsLease() {
    t.world.role = DomainRole.MAIN;
    t.machine();
    t.feed(new Started());
    // Through the join window the two servers hear each other, heartbeat by heartbeat.
    long window = RoleTimings.joinWindowMillis(DomainRole.MAIN, 500);
    for (long waited = 0; waited < window; waited += 100) {
      t.feed(t.peer(STARTING, 0));
      t.advance(100);
    }
    assertThat(t.machine.state()).isEqualTo(ACTIVE);
    witnessSays("alpha");
  }

  @Test
  void anActiveCutFromPartnerAndWitnessStepsDownBeforeItsLeaseRunsOutAtTheWitness() {
    activeWithItsLease();
    for (int i = 0; i < 10; i++) {
      t.advance(100);
      t.feed(t.peer(STANDBY, 0));
      witnessSays("alpha");
    }
    long lastEcho = t.world.now - 20;
    // Cut off: nothing arrives, only the machine's own timers fire, and the REC link reports the
    // partner lost after the failover timeout.
    t.advance(500);
    t.feed(new PeerLost("beta", "lost on all paths for 500 ms"));
    t.advance(5000);

    assertThat(t.path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->STANDBY@1");
    Transition down = t.history.get(1);
    assertThat(down.reason())
        .startsWith(
            "lease of witness w expired and partner beta not heard to hear this server for ");
    // The witness cannot give the lease away before 500 ms after it last renewed it, which was no
    // earlier than the echoed heartbeat was sent; the step-down comes a quarter lease before that.
    assertThat(t.history.get(1).atMillis() - t.world.wallStep).isLessThanOrEqualTo(lastEcho + 376);
  }

  @Test
  void anActiveThatLosesOnlyTheWitnessKeepsTheRole() {
    activeWithItsLease();
    for (int i = 0; i < 100; i++) {
      t.advance(100);
      t.feed(t.peer(STANDBY, 0));
    }
    assertThat(t.machine.state()).isEqualTo(ACTIVE);
    assertThat(t.path()).containsExactly("STARTING->ACTIVE@1");
  }

  @Test
  void anActiveThatLosesOnlyItsStandbyKeepsTheRoleWhileTheWitnessRenews() {
    activeWithItsLease();
    t.feed(new PeerLost("beta", "lost on all paths for 500 ms"));
    for (int i = 0; i < 100; i++) {
      t.advance(100);
      witnessSays("alpha");
    }
    assertThat(t.machine.state()).isEqualTo(ACTIVE);
  }

  @Test
  void anActivePausedPastItsLeaseFindsItLostAndStandsBy() {
    activeWithItsLease();
    // SIGSTOP: not even the machine's own timers run; the standby took over meanwhile.
    t.world.now += 3000;
    t.feed(new Paused(3000));

    assertThat(t.path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->STANDBY@1");
    assertThat(t.history.get(1).reason()).startsWith("paused for 3000 ms: lease of witness w");
  }

  @Test
  void aLoneServerStartingNeedsTheWitnessesVote() {
    t.machine();
    t.feed(new Started());
    t.joinWindowPasses();
    assertThat(t.machine.state()).isEqualTo(STANDBY);
    for (int i = 0; i < 6; i++) {
      witnessSays("alpha"); // the witness grants the lease to the one server asking for it
      t.advance(100);
    }
    assertThat(t.machine.state()).isEqualTo(ACTIVE);
  }

  @Test
  void withoutAWitnessTheStandbyTakesOverAtOnceAsBefore() {
    t.world.witness = "";
    t.world.lease = null;
    t.world.self = "beta";
    t.world.partner = "alpha";
    t.startAs(DomainRole.BACKUP, ACTIVE, 3);
    t.feed(new PeerLost("alpha", "lost on all paths for 505 ms"));
    assertThat(t.machine.state()).isEqualTo(ACTIVE);
    assertThat(t.machine.snapshot().leaseRequest()).isFalse();
  }

  /** The partner's heartbeat, echoing one of ours sent at {@code echoMillis} (test clock). */
  PeerHeard standbyEchoing(long echoMillis, boolean leaseRequest) {
    return new PeerHeard(
        "beta", STANDBY, 0, 0, 0, true, 1, "1.0", "", "", echoMillis * MS, leaseRequest);
  }

  @Test
  void anActiveThatHearsItsPartnerOnlyOneWayStepsDownWhenItsLeaseRunsOut() {
    activeWithItsLease();
    long lastEchoed = t.world.now;
    // The link to the witness and the direction to the partner fail: the partner's heartbeats
    // still arrive, but they echo nothing newer of ours.
    for (int i = 0; i < 20; i++) {
      t.advance(100);
      t.feed(standbyEchoing(lastEchoed, false));
    }
    assertThat(t.path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->STANDBY@1");
    assertThat(t.history.get(1).reason())
        .contains("partner beta not heard to hear this server for");
  }

  @Test
  void anActiveWithoutALeaseStepsDownAtOnceWhenItsPartnerAsksTheWitness() {
    activeWithItsLease();
    // The witness is gone; the partner still hears this server, so it keeps the role.
    for (int i = 0; i < 10; i++) {
      t.advance(100);
      t.feed(standbyEchoing(t.world.now - 10, false));
    }
    assertThat(t.machine.state()).isEqualTo(ACTIVE);
    // Then the partner loses this server and asks the witness.
    t.feed(standbyEchoing(t.world.now - 10, true));
    assertThat(t.path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->STANDBY@1");
    assertThat(t.history.get(1).reason()).contains("lost this server and asks the witness");
  }

  @Test
  void aStandbyThatCouldNotRunDoesNotAskForTheLease() {
    standingByBehindAlpha();
    t.world.integrityConfigured = true;
    t.world.integrityPasses = false;
    t.feed(new PeerLost("alpha", "lost on all paths for 505 ms"));
    assertThat(t.machine.snapshot().leaseRequest()).isFalse();
    t.world.integrityPasses = true;
    t.feed(new FactsChanged("integrity"));
    assertThat(t.machine.snapshot().leaseRequest()).isTrue();
  }

  @Test
  void aServerThatLeftTheRoleNeedsAFreshGrantToClaimItAgain() {
    activeWithItsLease();
    t.feed(standbyEchoing(t.world.now, false));
    // The partner takes the role (a higher term): this server stands by and gives the lease up.
    t.feed(
        new PeerHeard(
            "beta", ACTIVE, 5, t.world.now, 0, true, 1, "1.0", "", "", t.world.now * MS, false));
    assertThat(t.machine.state()).isEqualTo(STANDBY);
    assertThat(t.world.lease.held(t.world.now * MS)).isFalse();
  }
}
