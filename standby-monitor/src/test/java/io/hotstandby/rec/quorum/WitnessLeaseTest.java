package io.hotstandby.rec.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WitnessLeaseTest {
  static final long MS = 1_000_000;
  final WitnessLease lease = new WitnessLease("alpha", "w", 500);

  @Test
  void aGrantEchoingOurHeartbeatIsValidForThreeQuartersOfTheLeaseFromItsSending() {
    lease.heard("alpha", 1000 * MS, 1040 * MS);
    assertThat(lease.held(1374 * MS)).isTrue();
    assertThat(lease.held(1375 * MS)).isFalse();
    assertThat(lease.validUntil(1100 * MS)).isEqualTo(1375 * MS);
    assertThat(lease.validUntil(1400 * MS)).isEqualTo(1400 * MS);
  }

  @Test
  void anOlderEchoNeverShortensTheLease() {
    lease.heard("alpha", 1000 * MS, 1040 * MS);
    lease.heard("alpha", 900 * MS, 1050 * MS);
    assertThat(lease.validUntil(1100 * MS)).isEqualTo(1375 * MS);
  }

  @Test
  void anotherHolderEndsTheLeaseAtOnce() {
    lease.heard("alpha", 1000 * MS, 1040 * MS);
    lease.heard("beta", 1100 * MS, 1140 * MS);
    assertThat(lease.held(1141 * MS)).isFalse();
    assertThat(lease.holder(1141 * MS)).isEqualTo("beta");
    assertThat(lease.holder(1141 * MS)).isNotEqualTo("alpha");
  }

  @Test
  void echoesThatProveNothingGiveNoLease() {
    lease.heard("alpha", 0, 1000 * MS);
    assertThat(lease.held(1000 * MS)).isFalse();
    lease.heard("alpha", 2000 * MS, 1000 * MS); // not a time of ours: from the future
    assertThat(lease.held(1000 * MS)).isFalse();
    lease.heard("alpha", 400 * MS, 1000 * MS); // older than a lease
    assertThat(lease.held(1000 * MS)).isFalse();
    // The vote still counts: the witness names us, even before an echo proves the renewal.
    assertThat(lease.holder(1000 * MS)).isEqualTo("alpha");
  }

  @Test
  void aVoteCountsOnlyWhileTheWitnessIsHeard() {
    assertThat(lease.reachable(0)).isFalse();
    lease.heard("alpha", 0, 1000 * MS);
    assertThat(lease.holder(1499 * MS)).isEqualTo("alpha");
    assertThat(lease.holder(1500 * MS)).isNotEqualTo("alpha");
    assertThat(lease.holder(1500 * MS)).isEmpty();
  }

  @Test
  void aDroppedLeaseCountsAgainOnlyFromAGrantEchoingALaterHeartbeat() {
    lease.heard("alpha", 1000 * MS, 1040 * MS);
    lease.drop(1100 * MS);
    assertThat(lease.held(1101 * MS)).isFalse();
    lease.heard("alpha", 1050 * MS, 1120 * MS); // a grant still naming it, echoing an old send
    assertThat(lease.held(1121 * MS)).isFalse();
    lease.heard("alpha", 1150 * MS, 1170 * MS);
    assertThat(lease.held(1171 * MS)).isTrue();
  }
}
