package io.hotstandby.rec.quorum;

import static io.hotstandby.rec.ServerState.ACTIVE;
import static io.hotstandby.rec.ServerState.STANDBY;
import static io.hotstandby.rec.ServerState.STOPPED;
import static io.hotstandby.rec.quorum.WitnessArbiter.Decision.GRANTED;
import static io.hotstandby.rec.quorum.WitnessArbiter.Decision.NONE;
import static io.hotstandby.rec.quorum.WitnessArbiter.Decision.REFUSED;
import static io.hotstandby.rec.quorum.WitnessArbiter.Decision.RELEASED;
import static io.hotstandby.rec.quorum.WitnessArbiter.Decision.RENEWED;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WitnessArbiterTest {
  static final long MS = 1_000_000;
  final WitnessArbiter w = new WitnessArbiter(500, 0);

  @Test
  void anActiveGetsTheLeaseAtOnceAndKeepsItWhileItRenews() {
    assertThat(w.heard("alpha", ACTIVE, false, 10 * MS, 10 * MS)).isEqualTo(GRANTED);
    for (long t = 110; t < 3000; t += 100) {
      assertThat(w.heard("alpha", ACTIVE, false, t * MS, t * MS)).isEqualTo(RENEWED);
      assertThat(w.heard("beta", STANDBY, true, t * MS, t * MS)).isEqualTo(REFUSED);
    }
    assertThat(w.holder(3000 * MS)).isEqualTo("alpha");
    assertThat(w.remainingMillis(2990 * MS)).isEqualTo(420); // last renewed at 2910
  }

  @Test
  void aRequestWaitsOutTheFirstLeasePeriodOfTheWitness() {
    assertThat(w.heard("beta", STANDBY, true, 100 * MS, 100 * MS)).isEqualTo(REFUSED);
    assertThat(w.heard("beta", STANDBY, true, 499 * MS, 499 * MS)).isEqualTo(REFUSED);
    assertThat(w.heard("beta", STANDBY, true, 500 * MS, 500 * MS)).isEqualTo(GRANTED);
    assertThat(w.holder(600 * MS)).isEqualTo("beta");
  }

  @Test
  void theLeaseGoesToAnotherOnlyAfterAFullLeaseWithoutRenewal() {
    w.heard("alpha", ACTIVE, false, 1000 * MS, 1000 * MS);
    assertThat(w.heard("beta", STANDBY, true, 1499 * MS, 1499 * MS)).isEqualTo(REFUSED);
    assertThat(w.heard("beta", STANDBY, true, 1500 * MS, 1500 * MS)).isEqualTo(GRANTED);
    // The old active comes back (a pause): it is refused while beta holds.
    assertThat(w.heard("alpha", ACTIVE, false, 1600 * MS, 1600 * MS)).isEqualTo(REFUSED);
    assertThat(w.heard("beta", ACTIVE, false, 1700 * MS, 1700 * MS)).isEqualTo(RENEWED);
    assertThat(w.holder(1700 * MS)).isEqualTo("beta");
  }

  @Test
  void aHolderThatNoLongerClaimsGivesTheLeaseBack() {
    w.heard("alpha", ACTIVE, false, 1000 * MS, 1000 * MS);
    // A planned switchover: alpha announces STANDBY handing over; beta takes the role.
    assertThat(w.heard("alpha", STANDBY, false, 1100 * MS, 1100 * MS)).isEqualTo(RELEASED);
    assertThat(w.holder(1100 * MS)).isEmpty();
    assertThat(w.heard("beta", ACTIVE, false, 1150 * MS, 1150 * MS)).isEqualTo(GRANTED);
    assertThat(w.heard("beta", STOPPED, false, 1200 * MS, 1200 * MS)).isEqualTo(RELEASED);
    assertThat(w.heard("alpha", STANDBY, false, 1250 * MS, 1250 * MS)).isEqualTo(NONE);
  }

  @Test
  void aStandbyThatStopsAskingBeforeItActivatesGivesTheVoteBack() {
    assertThat(w.heard("beta", STANDBY, true, 600 * MS, 600 * MS)).isEqualTo(GRANTED);
    assertThat(w.heard("beta", STANDBY, false, 700 * MS, 700 * MS)).isEqualTo(RELEASED);
    assertThat(w.heard("alpha", ACTIVE, false, 710 * MS, 710 * MS)).isEqualTo(GRANTED);
  }

  @Test
  void theHoldersEchoIsTheSendingOfTheHeartbeatThatLastRenewedIt() {
    w.heard("alpha", ACTIVE, false, 70 * MS, 1000 * MS);
    w.heard("alpha", ACTIVE, false, 170 * MS, 1100 * MS);
    w.heard("beta", STANDBY, true, 9 * MS, 1150 * MS); // refused: echoes nothing of beta's
    assertThat(w.holderEcho(1200 * MS)).isEqualTo(170 * MS);
    assertThat(w.holderEcho(1600 * MS)).isZero();
  }

  @Test
  void anExpiredLeaseIsNobodysAndHasNothingLeft() {
    w.heard("alpha", ACTIVE, false, 1000 * MS, 1000 * MS);
    assertThat(w.holder(1500 * MS)).isEmpty();
    assertThat(w.remainingMillis(1500 * MS)).isZero();
  }
}
