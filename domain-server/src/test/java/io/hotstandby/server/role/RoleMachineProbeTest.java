package io.hotstandby.server.role;

import static io.hotstandby.rec.ServerState.ACTIVE;
import static io.hotstandby.rec.ServerState.STANDBY;
import static io.hotstandby.rec.ServerState.STARTING;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.domain.DomainRole;
import io.hotstandby.events.Weight;
import io.hotstandby.server.role.RoleEvent.PeerHeard;
import io.hotstandby.server.role.RoleEvent.PeerLost;
import org.junit.jupiter.api.Test;

/**
 * A service-probe failover seen by both role machines, on the test clock of {@link
 * RoleMachineTest}: the standby takes the active for lost while its heartbeats still arrive, takes
 * the role with a higher term, and the old active steps down at the first heartbeat it hears from
 * it, so the two are never both ACTIVE for longer than that heartbeat takes.
 */
class RoleMachineProbeTest {
  static final String CAUSE = "service probe failed 3 times in a row: no answer within 1000 ms";

  final RoleMachineTest beta = new RoleMachineTest();
  final RoleMachineTest alpha = new RoleMachineTest();

  void betaStandsByBehindAlpha(long alphaTerm) {
    beta.world.self = "beta";
    beta.world.partner = "alpha";
    beta.terms.stored = alphaTerm - 1;
    beta.startAs(DomainRole.BACKUP, ACTIVE, alphaTerm);
  }

  /** A heartbeat as {@code from} sends it, fed to {@code to}'s machine. */
  static PeerHeard heartbeatOf(RoleMachineTest from, RoleMachineTest to) {
    RoleSnapshot s = from.machine.snapshot();
    return new PeerHeard(
        from.world.self,
        s.state(),
        s.term(),
        s.activeSinceMillis(),
        0,
        true,
        to.world.domainVersion,
        to.world.productVersion,
        s.takeoverRequest(),
        s.handoverTo(),
        to.world.now * 1_000_000,
        false);
  }

  @Test
  void theStandbyTakesOverAndTheOldActiveStepsDownAtItsFirstHeartbeat() {
    alpha.world.self = "alpha";
    alpha.world.partner = "beta";
    alpha.startAs(DomainRole.MAIN, STARTING, 0);
    assertThat(alpha.machine.state()).isEqualTo(ACTIVE);
    long alphaTerm = alpha.machine.term();
    betaStandsByBehindAlpha(alphaTerm);
    alpha.feed(heartbeatOf(beta, alpha));

    beta.feed(new PeerLost("alpha", CAUSE));

    assertThat(beta.machine.state()).isEqualTo(ACTIVE);
    assertThat(beta.machine.term()).isEqualTo(alphaTerm + 1);
    assertThat(beta.history.get(beta.history.size() - 1).message())
        .contains("active alpha " + CAUSE);
    assertThat(beta.takeovers)
        .singleElement()
        .satisfies(t -> assertThat(t.from()).isEqualTo("alpha"));

    // alpha, still ACTIVE, keeps sending: beta, with the higher term, keeps the role.
    beta.feed(heartbeatOf(alpha, beta));
    assertThat(beta.machine.state()).isEqualTo(ACTIVE);

    // alpha steps down at beta's first heartbeat (the partner-wins rule of the term).
    alpha.feed(heartbeatOf(beta, alpha));
    assertThat(alpha.machine.state()).isEqualTo(STANDBY);
    assertThat(alpha.notices).anyMatch(n -> n.weight() == Weight.ERROR);
    beta.feed(heartbeatOf(alpha, beta));
    assertThat(beta.machine.state()).isEqualTo(ACTIVE);
  }

  @Test
  void theIntegrityCheckStillApplies() {
    beta.world.integrityConfigured = true;
    betaStandsByBehindAlpha(3);
    beta.world.integrityPasses = false;

    beta.feed(new PeerLost("alpha", CAUSE));
    assertThat(beta.machine.state()).isEqualTo(STANDBY);
    assertThat(beta.notices).anyMatch(n -> n.weight() == Weight.WARNING);

    // The active is heard again; the probe declares it failed again once the check passes.
    beta.feed(beta.peer(ACTIVE, 3));
    beta.world.integrityPasses = true;
    beta.feed(new RoleEvent.FactsChanged("integrity check passes"));
    assertThat(beta.machine.state()).as("heard ACTIVE: no takeover").isEqualTo(STANDBY);
    beta.feed(new PeerLost("alpha", CAUSE));
    assertThat(beta.machine.state()).isEqualTo(ACTIVE);
    assertThat(beta.machine.term()).isEqualTo(4);
  }

  @Test
  void aProbeFailureOfAnActiveAlreadyLostChangesNothingMore() {
    betaStandsByBehindAlpha(3);
    beta.feed(new PeerLost("alpha", "lost on all paths for 500 ms"));
    int transitions = beta.history.size();
    beta.feed(new PeerLost("alpha", CAUSE));
    assertThat(beta.history).hasSize(transitions);
  }
}
