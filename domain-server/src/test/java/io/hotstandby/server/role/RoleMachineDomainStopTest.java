package io.hotstandby.server.role;

import static io.hotstandby.rec.ServerState.ACTIVE;
import static io.hotstandby.rec.ServerState.STANDBY;
import static io.hotstandby.rec.ServerState.STARTING;
import static io.hotstandby.rec.ServerState.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.domain.DomainRole;
import io.hotstandby.server.role.RoleEvent.ActivateRequested;
import io.hotstandby.server.role.RoleEvent.DomainChanged;
import io.hotstandby.server.role.RoleEvent.DomainStartRequested;
import io.hotstandby.server.role.RoleEvent.DomainStopRequested;
import io.hotstandby.server.role.RoleEvent.FactsChanged;
import io.hotstandby.server.role.RoleEvent.PeerLost;
import io.hotstandby.server.role.RoleEvent.Shutdown;
import io.hotstandby.server.role.RoleEvent.Started;
import org.junit.jupiter.api.Test;

/**
 * An operator's StopDomain and StartDomain on the test clock of {@link RoleMachineTest}: the server
 * leaves its role and stays out of every role (announcing STOPPED) until started again, also across
 * a restart, and then joins as at start.
 */
class RoleMachineDomainStopTest {
  final RoleMachineTest t = new RoleMachineTest();

  @Test
  void anActiveRefusesAStopThatIsNotForced() {
    t.startAs(DomainRole.MAIN, STARTING, 0);

    Outcome o = t.feed(new DomainStopRequested("olga", false));

    assertThat(t.machine.state()).isEqualTo(ACTIVE);
    assertThat(o.unmet()).singleElement().asString().contains("was not forced");
    assertThat(o.effects()).noneMatch(e -> e instanceof Effect.DeactivateRuntime);
  }

  @Test
  void anActiveStoppedLeavesTheRoleAndReleasesTheRuntime() {
    t.startAs(DomainRole.MAIN, STARTING, 0);
    assertThat(t.machine.state()).isEqualTo(ACTIVE);

    Outcome o = t.feed(new DomainStopRequested("olga", true));

    assertThat(t.machine.state()).isEqualTo(STOPPED);
    assertThat(t.machine.phase()).isEqualTo(Phase.DOMAIN_STOPPED);
    assertThat(o.effects()).anyMatch(e -> e instanceof Effect.DeactivateRuntime);
    assertThat(t.history.get(t.history.size() - 1).reason()).isEqualTo("domain stopped by olga");
  }

  @Test
  void aStoppedServerTakesNoRoleWhateverHappensUntilStarted() {
    t.world.self = "beta";
    t.world.partner = "alpha";
    t.startAs(DomainRole.BACKUP, ACTIVE, 3);
    t.feed(new DomainStopRequested("olga", false));

    t.feed(new PeerLost("alpha", "lost on all paths for 510 ms"));
    t.runFor(10_000);
    t.feed(new DomainChanged(2));
    Outcome refused = t.feed(new ActivateRequested("olga"));

    assertThat(t.machine.state()).isEqualTo(STOPPED);
    assertThat(refused.unmet()).singleElement().asString().contains("domain start");

    t.feed(new DomainStartRequested("olga"));
    assertThat(t.machine.state()).isEqualTo(STARTING);
    t.joinWindowPasses();
    assertThat(t.machine.state()).as("alone after the join window").isEqualTo(ACTIVE);
    assertThat(t.path())
        .containsExactly(
            "STARTING->STANDBY@0",
            "STANDBY->STOPPED@0",
            "STOPPED->STARTING@0",
            "STARTING->ACTIVE@4");
  }

  @Test
  void aServerRestartedWithItsDomainStoppedStaysStopped() {
    t.world.domainStopped = true;
    t.machine();
    t.feed(new Started());
    t.feed(t.peer(STARTING, 0));
    t.joinWindowPasses();
    t.feed(new FactsChanged("test"));

    assertThat(t.machine.phase()).isEqualTo(Phase.DOMAIN_STOPPED);
    assertThat(t.history.get(0).reason()).contains("stopped on this server by an operator");
  }

  @Test
  void aStartedStandbyJoinsBehindTheActive() {
    t.world.self = "beta";
    t.world.partner = "alpha";
    t.startAs(DomainRole.BACKUP, ACTIVE, 3);
    t.feed(new DomainStopRequested("olga", false));
    t.feed(new DomainStartRequested("ines"));
    t.feed(t.peer(ACTIVE, 3));

    assertThat(t.machine.state()).isEqualTo(STANDBY);
    assertThat(t.history.get(t.history.size() - 2).reason()).isEqualTo("domain started by ines");
  }

  @Test
  void aShutdownOfAStoppedServerEndsIt() {
    t.startAs(DomainRole.MAIN, STARTING, 0);
    t.feed(new DomainStopRequested("ines", true));
    t.feed(new Shutdown());
    assertThat(t.machine.phase()).isEqualTo(Phase.STOPPED);
  }
}
