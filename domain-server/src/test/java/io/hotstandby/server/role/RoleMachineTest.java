package io.hotstandby.server.role;

import static io.hotstandby.rec.ServerState.ACTIVE;
import static io.hotstandby.rec.ServerState.INACTIVE;
import static io.hotstandby.rec.ServerState.MAINTENANCE;
import static io.hotstandby.rec.ServerState.STANDBY;
import static io.hotstandby.rec.ServerState.STARTING;
import static io.hotstandby.rec.ServerState.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.domain.DomainRole;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.ServerState;
import io.hotstandby.rec.quorum.WitnessLease;
import io.hotstandby.server.role.RoleEvent.ActivateRequested;
import io.hotstandby.server.role.RoleEvent.DomainChanged;
import io.hotstandby.server.role.RoleEvent.FactsChanged;
import io.hotstandby.server.role.RoleEvent.Paused;
import io.hotstandby.server.role.RoleEvent.PeerHeard;
import io.hotstandby.server.role.RoleEvent.PeerLost;
import io.hotstandby.server.role.RoleEvent.Shutdown;
import io.hotstandby.server.role.RoleEvent.Started;
import io.hotstandby.server.role.RoleEvent.Timeout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleMachineTest {

  /** Everything the machine asks about, as plain fields a test sets. */
  static final class World implements RoleContext {
    String self = "alpha";
    String partner = "beta";
    DomainRole role = DomainRole.MAIN;
    boolean maintenance;
    boolean enabled = true;
    boolean integrityConfigured;
    boolean integrityPasses = true;
    boolean runtimeReady = true;
    int health;
    long domainVersion = 1;
    String productVersion = "1.0";
    boolean activateBackupOnLocalFailure;
    boolean automaticReturn;
    boolean versionMismatchBlocksTakeover;
    String mirrorProblem = "";
    String domainFileProblem = "";
    boolean mirrorCaughtUp = true;
    long returnStableMillis = 10_000;
    long now = 1_000_000;

    /** How far the wall clock is from the monotonic one: a test steps it as NTP would. */
    long wallStep;

    @Override
    public String self() {
      return self;
    }

    @Override
    public DomainRole domainRole() {
      return role;
    }

    @Override
    public String partner() {
      return partner;
    }

    @Override
    public boolean maintenance() {
      return maintenance;
    }

    boolean domainStopped;

    @Override
    public boolean domainStopped() {
      return domainStopped;
    }

    /** The part of {@link #health} that comes with the active role (virtual IP, own endpoint). */
    int roleWeight;

    @Override
    public int localFailureWeight() {
      return health - roleWeight;
    }

    @Override
    public boolean hotStandbyEnabled() {
      return enabled;
    }

    @Override
    public boolean integrityPasses() {
      return integrityPasses;
    }

    @Override
    public boolean integrityConfigured() {
      return integrityConfigured;
    }

    @Override
    public boolean runtimeReady() {
      return runtimeReady;
    }

    @Override
    public int health() {
      return health;
    }

    @Override
    public long domainVersion() {
      return domainVersion;
    }

    @Override
    public String productVersion() {
      return productVersion;
    }

    @Override
    public boolean activateBackupOnLocalFailure() {
      return activateBackupOnLocalFailure;
    }

    @Override
    public boolean automaticReturn() {
      return automaticReturn;
    }

    @Override
    public long returnStableMillis() {
      return returnStableMillis;
    }

    @Override
    public boolean versionMismatchBlocksTakeover() {
      return versionMismatchBlocksTakeover;
    }

    @Override
    public String mirrorProblem() {
      return mirrorProblem;
    }

    @Override
    public String domainFileProblem(String peer) {
      return domainFileProblem;
    }

    @Override
    public boolean mirrorCaughtUpWith(String peer) {
      return mirrorCaughtUp;
    }

    @Override
    public long failoverTimeoutMillis() {
      return 500;
    }

    Set<String> foreignKeyPeers = Set.of();

    @Override
    public Set<String> foreignKeyPeers() {
      return foreignKeyPeers;
    }

    String witness = "";
    WitnessLease lease;

    @Override
    public String witness() {
      return witness;
    }

    @Override
    public WitnessLease witnessLease() {
      return lease;
    }
  }

  static final class MemoryTerms implements TermStore {
    long stored;
    boolean failing;

    @Override
    public long load() {
      return stored;
    }

    @Override
    public void store(long term) throws IOException {
      if (failing) {
        throw new IOException("disk full");
      }
      stored = term;
    }
  }

  final World world = new World();
  final MemoryTerms terms = new MemoryTerms();
  final List<Transition> history = new ArrayList<>();
  final List<RoleNotice> notices = new ArrayList<>();
  final List<Takeover> takeovers = new ArrayList<>();
  RoleMachine machine;

  RoleMachine machine() {
    machine =
        new RoleMachine(
            world, terms, () -> world.now + world.wallStep, () -> world.now * 1_000_000);
    return machine;
  }

  /** A timer the machine armed, due at a time of the test clock. */
  record Pending(RoleTimer timer, long due) {}

  final List<Pending> pending = new ArrayList<>();

  Outcome feed(RoleEvent e) {
    Outcome o = machine.handle(e);
    if (machine.takeover() != null) {
      takeovers.add(machine.takeover());
    }
    history.addAll(o.transitions());
    notices.addAll(o.notices());
    for (Effect effect : o.effects()) {
      if (effect instanceof Effect.StartTimer t) {
        pending.add(new Pending(t.timer(), world.now + t.delayMillis()));
      }
    }
    return o;
  }

  /** Lets time pass as a monotonic scheduler would: every timer due on the way fires in order. */
  void advance(long millis) {
    long until = world.now + millis;
    while (true) {
      Pending next =
          pending.stream()
              .filter(p -> p.due() <= until)
              .min(Comparator.comparingLong(Pending::due))
              .orElse(null);
      if (next == null) {
        break;
      }
      pending.remove(next);
      world.now = Math.max(world.now, next.due());
      feed(new Timeout(next.timer()));
    }
    world.now = until;
  }

  /** Lets time pass, then reports that the facts may have changed, as the server's watch does. */
  void runFor(long millis) {
    advance(millis);
    feed(new FactsChanged("test"));
  }

  /** Lets the join window of this server's role pass. */
  void joinWindowPasses() {
    advance(RoleTimings.joinWindowMillis(world.role, world.failoverTimeoutMillis()));
  }

  PeerHeard peer(ServerState state, long term) {
    return new PeerHeard(
        world.partner,
        state,
        term,
        state == ACTIVE ? world.now - 1000 : 0,
        0,
        true,
        world.domainVersion,
        world.productVersion,
        "",
        "",
        world.now * 1_000_000,
        false);
  }

  PeerHeard peerAsking(String takeoverRequest) {
    return new PeerHeard(
        world.partner,
        STANDBY,
        0,
        0,
        0,
        true,
        1,
        "1.0",
        takeoverRequest,
        "",
        world.now * 1_000_000,
        false);
  }

  PeerHeard peerHandingOver(long term) {
    return new PeerHeard(
        world.partner,
        STANDBY,
        term,
        0,
        0,
        true,
        1,
        "1.0",
        "",
        world.self,
        world.now * 1_000_000,
        false);
  }

  List<String> path() {
    List<String> p = new ArrayList<>();
    for (Transition t : history) {
      p.add(t.from() + "->" + t.to() + "@" + t.term());
    }
    return p;
  }

  /** Starts a machine and takes it through the join window to ACTIVE (main) or STANDBY. */
  void startAs(DomainRole role, ServerState partnerState, long partnerTerm) {
    world.role = role;
    machine();
    feed(new Started());
    feed(peer(partnerState, partnerTerm));
    joinWindowPasses();
  }

  @Test
  void mainAndBackupStartingTogetherMakeTheMainActive() {
    startAs(DomainRole.MAIN, STARTING, 0);
    assertThat(path()).containsExactly("STARTING->ACTIVE@1");
    assertThat(terms.stored).isEqualTo(1);
    assertThat(history.get(0).reason()).contains("main takes the active role");
  }

  @Test
  void backupStartingWithMainUpStandsBy() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, STARTING, 0);
    assertThat(path()).containsExactly("STARTING->STANDBY@0");
  }

  @Test
  void aServerThatHearsAnActiveWhileJoiningStandsByAtOnce() {
    world.role = DomainRole.MAIN;
    terms.stored = 4;
    machine();
    feed(new Started());
    feed(peer(ACTIVE, 6));
    assertThat(path()).containsExactly("STARTING->STANDBY@4");
    joinWindowPasses();
    feed(new FactsChanged("test"));
    assertThat(machine.state()).isEqualTo(STANDBY);
  }

  @Test
  void aLoneServerTakesTheRoleAfterTheJoinWindowOnlyIfIntegrityPasses() {
    world.integrityConfigured = true;
    world.integrityPasses = false;
    machine();
    feed(new Started());
    joinWindowPasses();
    assertThat(path()).containsExactly("STARTING->STANDBY@0");
    assertThat(notices).anyMatch(n -> n.message().contains("no integrity address is reachable"));
    world.integrityPasses = true;
    advance(600);
    feed(new FactsChanged("test"));
    assertThat(path()).containsExactly("STARTING->STANDBY@0", "STANDBY->ACTIVE@1");
  }

  @Test
  void maintenanceAndInactiveAreDecidedAtStart() {
    world.maintenance = true;
    machine();
    feed(new Started());
    assertThat(machine.state()).isEqualTo(MAINTENANCE);
    Outcome refused = feed(new ActivateRequested("op"));
    assertThat(refused.unmet()).containsExactly("server is in MAINTENANCE in the domain file");

    world.maintenance = false;
    world.role = DomainRole.NONE;
    machine();
    feed(new Started());
    assertThat(machine.state()).isEqualTo(INACTIVE);
  }

  @Test
  void aServerJoiningWhileItsPartnerTalksUnderAnotherSecretStaysOutOfTheRole() {
    world.self = "beta";
    world.partner = "alpha";
    world.foreignKeyPeers = Set.of("alpha");
    machine();
    feed(new Started());
    joinWindowPasses();
    joinWindowPasses();
    assertThat(machine.state()).isEqualTo(STARTING);
    assertThat(history).isEmpty();
    assertThat(notices)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.weight()).isEqualTo(Weight.ERROR);
              assertThat(n.message())
                  .startsWith(
                      "beta: heartbeats from alpha do not verify with this server's secret; this"
                          + " server's domain file is older than the domain's")
                  .contains("domainctl domain apply");
            });

    // The current file applied: the keys match, alpha is heard ACTIVE, beta stands by.
    world.foreignKeyPeers = Set.of();
    feed(peer(ACTIVE, 3));
    assertThat(path()).containsExactly("STARTING->STANDBY@0");
  }

  @Test
  void aServerWhosePartnerTalksUnderAnotherSecretJoinsOnceTheyVerify() {
    world.foreignKeyPeers = Set.of("beta");
    machine();
    feed(new Started());
    joinWindowPasses();
    assertThat(machine.state()).isEqualTo(STARTING);

    world.foreignKeyPeers = Set.of();
    joinWindowPasses();
    assertThat(path()).containsExactly("STARTING->ACTIVE@1");
  }

  @Test
  void anotherSecretOnAServerThatIsNotThePartnerDoesNotHoldTheJoin() {
    world.foreignKeyPeers = Set.of("gamma");
    machine();
    feed(new Started());
    joinWindowPasses();
    assertThat(path()).containsExactly("STARTING->ACTIVE@1");
  }

  @Test
  void aStandbyAlreadyInTheDomainStillTakesOverWhateverArrivesUnderAnotherKey() {
    // Garbage forged from the active's address must not block a failover.
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 2);
    world.foreignKeyPeers = Set.of("alpha");
    feed(new PeerLost("alpha", "lost on all paths for 500 ms"));
    assertThat(path()).containsExactly("STARTING->STANDBY@0", "STANDBY->ACTIVE@3");
  }

  @Test
  void standbyTakesOverWithTheNextTermWhenTheActiveIsLost() {
    world.self = "beta";
    world.partner = "alpha";
    terms.stored = 6;
    startAs(DomainRole.BACKUP, ACTIVE, 7);
    feed(new PeerLost("alpha", "lost on all paths for 512 ms"));
    assertThat(path()).containsExactly("STARTING->STANDBY@6", "STANDBY->ACTIVE@8");
    assertThat(history.get(1).message())
        .isEqualTo(
            "state changed from STANDBY to ACTIVE (term 8): active alpha lost on all paths for 512 ms");
    assertThat(terms.stored).isEqualTo(8);
  }

  @Test
  void aTakeoverSaysHowTheServerBecameActive() {
    // A lone main: nobody was active before it.
    world.self = "alpha";
    world.partner = "beta";
    world.role = DomainRole.MAIN;
    machine();
    feed(new Started());
    assertThat(machine.takeover()).isNull();
    joinWindowPasses();
    Takeover start = machine.takeover();
    assertThat(start.kind()).isEqualTo(Takeover.START);
    assertThat(start.from()).isEmpty();
    assertThat(start.to()).isEqualTo("alpha");
    assertThat(start.term()).isEqualTo(1);
    assertThat(start.durationMillis()).isEqualTo(-1);
    feed(new FactsChanged("test"));
    assertThat(machine.takeover()).as("only the event that made it ACTIVE").isNull();

    // A standby that loses its active: measured from the active's last heartbeat.
    history.clear();
    world.self = "beta";
    world.partner = "alpha";
    terms.stored = 6;
    startAs(DomainRole.BACKUP, ACTIVE, 7);
    feed(peer(ACTIVE, 7));
    advance(512);
    feed(new PeerLost("alpha", "lost on all paths for 512 ms"));
    Takeover failover = machine.takeover();
    assertThat(failover)
        .isEqualTo(
            new Takeover(
                Takeover.FAILOVER,
                "alpha",
                "beta",
                8,
                machine.snapshot().activeSinceMillis(),
                "active lost: alpha lost on all paths for 512 ms",
                512));
  }

  @Test
  void aPlannedSwitchoverIsMeasuredFromTheRequest() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    feed(new ActivateRequested("operator"));
    advance(140);
    feed(peerHandingOver(3));
    Takeover t = machine.takeover();
    assertThat(t.kind()).isEqualTo(Takeover.SWITCHOVER);
    assertThat(t.from()).isEqualTo("alpha");
    assertThat(t.to()).isEqualTo("beta");
    assertThat(t.term()).isEqualTo(4);
    assertThat(t.reason())
        .isEqualTo("planned switchover requested by operator; handed over by alpha");
    assertThat(t.durationMillis()).isEqualTo(140);
  }

  @Test
  void aHandoverNotAskedForNamesTheActivesLocalFailure() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    feed(
        new PeerHeard(
            "alpha", STANDBY, 3, 0, 50, true, 1, "1.0", "", "beta", world.now * 1_000_000, false));
    Takeover t = machine.takeover();
    assertThat(t.kind()).isEqualTo(Takeover.SWITCHOVER);
    assertThat(t.from()).isEqualTo("alpha");
    assertThat(t.reason())
        .isEqualTo(
            "local failure: handed over by alpha, whose failure weight 50 is worse than this"
                + " server's 0");
    assertThat(t.durationMillis()).isEqualTo(-1);
  }

  @Test
  void aHandoverNobodyTookIsASwitchoverBackToTheSameServer() {
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peerAsking("alpha"));
    advance(2100);
    feed(new FactsChanged("test"));
    assertThat(takeovers).hasSize(2);
    Takeover t = takeovers.get(1);
    assertThat(t.kind()).isEqualTo(Takeover.SWITCHOVER);
    assertThat(t.from()).isEqualTo(world.self);
    assertThat(t.to()).isEqualTo(world.self);
    assertThat(t.reason()).contains("aborted");
  }

  @Test
  void standbyDoesNotTakeOverWhenTheIntegrityCheckFails() {
    world.self = "beta";
    world.partner = "alpha";
    world.integrityConfigured = true;
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    world.integrityPasses = false;
    feed(new PeerLost("alpha", "lost on all paths for 500 ms"));
    advance(2000);
    feed(new FactsChanged("test"));
    assertThat(machine.state()).isEqualTo(STANDBY);
    assertThat(notices).anyMatch(n -> n.weight() == Weight.WARNING);
  }

  @Test
  void aTermThatCannotBeStoredIsNeverAnnounced() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    terms.failing = true;
    feed(new PeerLost("alpha", "lost"));
    assertThat(machine.state()).isEqualTo(STANDBY);
    assertThat(notices).anyMatch(n -> n.weight() == Weight.ERROR && n.message().contains("term"));
  }

  @Test
  void anActiveThatSeesAHigherTermStepsDownAndReportsTheDualActiveLength() {
    startAs(DomainRole.MAIN, STARTING, 0);
    runFor(5000);
    PeerHeard other =
        new PeerHeard(
            "beta",
            ACTIVE,
            2,
            world.now - 3000,
            0,
            true,
            1,
            "1.0",
            "",
            "",
            world.now * 1_000_000,
            false);
    feed(other);
    assertThat(path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->STANDBY@1");
    RoleNotice dual = notices.stream().filter(n -> n.weight() == Weight.ERROR).findFirst().get();
    assertThat(dual.durationMillis()).isEqualTo(3000);
    assertThat(dual.message()).startsWith("dual active for 3000 ms");
  }

  @Test
  void withEqualTermsTheMainKeepsTheRoleAndTheBackupYields() {
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peer(ACTIVE, 1));
    assertThat(machine.state()).isEqualTo(ACTIVE);

    history.clear();
    world.self = "beta";
    world.partner = "alpha";
    world.role = DomainRole.BACKUP;
    machine();
    feed(new Started());
    joinWindowPasses();
    assertThat(machine.state()).isEqualTo(ACTIVE);
    feed(peer(ACTIVE, machine.term()));
    assertThat(machine.state()).isEqualTo(STANDBY);
  }

  @Test
  void aPausedActiveSuspendsWritesAndCountsDualActiveOnlyFromItsResume() {
    startAs(DomainRole.MAIN, STARTING, 0);
    advance(3000); // frozen by SIGSTOP: no events at all
    feed(new Paused(3000)); // the server's own schedule ran late
    PeerHeard taken =
        new PeerHeard(
            "beta",
            ACTIVE,
            2,
            world.now - 2400,
            0,
            true,
            1,
            "1.0",
            "",
            "",
            world.now * 1_000_000,
            false);
    feed(taken);
    assertThat(path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->STANDBY@1");
    assertThat(notices).anyMatch(n -> n.message().startsWith("process paused for 3000 ms"));
    RoleNotice dual = notices.stream().filter(n -> n.weight() == Weight.ERROR).findFirst().get();
    assertThat(dual.durationMillis()).isZero();
  }

  @Test
  void aPausedActiveThatHearsNobodyResumesWritesAfterAFullTimeout() {
    startAs(DomainRole.MAIN, STARTING, 0);
    advance(2000);
    feed(new Paused(2000));
    assertThat(machine.snapshot().writesSuspended()).isTrue();
    runFor(525);
    assertThat(machine.snapshot().writesSuspended()).isFalse();
    assertThat(machine.state()).isEqualTo(ACTIVE);
  }

  @Test
  void anIsolatedActiveStepsDown() {
    world.integrityConfigured = true;
    startAs(DomainRole.MAIN, STARTING, 0);
    world.integrityPasses = false;
    feed(new PeerLost("beta", "lost on all paths for 500 ms"));
    assertThat(path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->STANDBY@1");
    assertThat(history.get(1).reason()).startsWith("isolated");
  }

  @Test
  void anActiveThatLosesItsStandbyButReachesTheIntegrityAddressStaysActive() {
    world.integrityConfigured = true;
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(new PeerLost("beta", "lost on all paths for 500 ms"));
    assertThat(machine.state()).isEqualTo(ACTIVE);
    assertThat(notices)
        .anyMatch(n -> n.message().equals("standby beta lost on all paths for 500 ms"));
  }

  @Test
  void manualActivationListsEveryUnmetPreconditionAndChangesNothing() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    world.runtimeReady = false;
    feed(
        new PeerHeard(
            "alpha", ACTIVE, 3, 1, 0, true, 2, "1.1", "", "", world.now * 1_000_000, false));
    Outcome o = feed(new ActivateRequested("operator"));
    assertThat(o.unmet())
        .containsExactly(
            "domain versions differ (here 1, alpha 2)",
            "product versions differ (here 1.0, alpha 1.1)",
            "the runtime of beta is not ready");
    assertThat(machine.snapshot().takeoverRequest()).isEmpty();
    assertThat(machine.state()).isEqualTo(STANDBY);

    feed(new PeerLost("alpha", "stopped"));
    world.runtimeReady = true;
    world.integrityConfigured = true;
    world.integrityPasses = false;
    o = feed(new ActivateRequested("operator"));
    assertThat(o.unmet()).containsExactly("peer alpha is not reachable on any REC path");
  }

  @Test
  void activationIsRefusedWhileTheMirrorIsBehindOrTheDomainFilesDifferUnderOneNumber() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    world.mirrorProblem = "the state mirror of beta is 12 change(s) and 1500 ms behind";
    world.domainFileProblem = "domain files differ with the same version number";
    Outcome o = feed(new ActivateRequested("operator"));
    assertThat(o.unmet())
        .containsExactly(
            "domain files differ with the same version number",
            "the state mirror of beta is 12 change(s) and 1500 ms behind");
    assertThat(machine.snapshot().takeoverRequest()).isEmpty();
    assertThat(machine.state()).isEqualTo(STANDBY);
  }

  @Test
  void aHandoverCompletesOnlyOnceTheOldActivesLastChangesAreMirrored() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    feed(new ActivateRequested("operator"));
    world.mirrorCaughtUp = false;
    feed(peerHandingOver(3));
    assertThat(machine.state()).isEqualTo(STANDBY);
    assertThat(machine.snapshot().takeoverRequest()).isEqualTo("alpha");

    world.mirrorCaughtUp = true;
    feed(peerHandingOver(3));
    assertThat(path()).containsExactly("STARTING->STANDBY@0", "STANDBY->ACTIVE@4");
  }

  @Test
  void plannedSwitchoverSwapsRolesThroughTheHeartbeats() {
    // The standby's side.
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    Outcome o = feed(new ActivateRequested("operator"));
    assertThat(o.unmet()).isEmpty();
    assertThat(machine.snapshot().takeoverRequest()).isEqualTo("alpha");
    feed(peerHandingOver(3));
    assertThat(path()).containsExactly("STARTING->STANDBY@0", "STANDBY->ACTIVE@4");
    assertThat(machine.snapshot().takeoverRequest()).isEmpty();

    // The active's side.
    history.clear();
    world.self = "alpha";
    world.partner = "beta";
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peerAsking("alpha"));
    assertThat(path()).containsExactly("STARTING->ACTIVE@5", "ACTIVE->STANDBY@5");
    assertThat(machine.snapshot().handoverTo()).isEqualTo("beta");
    feed(peer(ACTIVE, 6));
    feed(new FactsChanged("test"));
    assertThat(machine.snapshot().handoverTo()).isEmpty();
    assertThat(notices).anyMatch(n -> n.message().equals("switchover to beta completed"));
  }

  @Test
  void aSwitchoverTheActiveNeverAnswersIsAbortedWithNothingChanged() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    feed(new ActivateRequested("operator"));
    advance(2100);
    feed(peer(ACTIVE, 3));
    feed(new FactsChanged("test"));
    assertThat(machine.state()).isEqualTo(STANDBY);
    assertThat(machine.snapshot().takeoverRequest()).isEmpty();
    assertThat(notices).anyMatch(n -> n.message().startsWith("switchover aborted"));
  }

  @Test
  void aHandoverTheStandbyNeverTakesIsRolledBack() {
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peerAsking("alpha"));
    assertThat(machine.state()).isEqualTo(STANDBY);
    advance(2100);
    feed(new FactsChanged("test"));
    assertThat(path())
        .containsExactly("STARTING->ACTIVE@1", "ACTIVE->STANDBY@1", "STANDBY->ACTIVE@2");
    assertThat(history.get(2).reason()).contains("aborted");
  }

  @Test
  void theMainTakesTheRoleBackOnlyWhenReturnIsAutomatic() {
    world.returnStableMillis = 10_000;
    startAs(DomainRole.MAIN, ACTIVE, 8);
    advance(20_000);
    feed(peer(ACTIVE, 8));
    feed(new FactsChanged("test"));
    assertThat(machine.snapshot().takeoverRequest()).isEmpty();

    world.automaticReturn = true;
    feed(new FactsChanged("test"));
    assertThat(machine.snapshot().takeoverRequest()).isEqualTo("beta");
  }

  @Test
  void aWorseActiveHandsOverWhenTheDomainAllowsIt() {
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peer(STANDBY, 0));
    world.health = 50;
    feed(new FactsChanged("test"));
    assertThat(machine.state()).isEqualTo(ACTIVE);

    world.activateBackupOnLocalFailure = true;
    feed(new FactsChanged("test"));
    assertThat(machine.state()).isEqualTo(STANDBY);
    assertThat(machine.snapshot().handoverTo()).isEqualTo("beta");
  }

  @Test
  void aWeightThatComesWithTheRoleHandsNothingOver() {
    world.activateBackupOnLocalFailure = true;
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peer(STANDBY, 0));
    world.health = 50;
    world.roleWeight = 50; // e.g. the virtual IP cannot be added: it would fail on beta too
    feed(new FactsChanged("test"));
    assertThat(machine.state()).isEqualTo(ACTIVE);
    assertThat(machine.snapshot().handoverTo()).isEmpty();
  }

  @Test
  void theMainOfTwoStandbysTakesTheRoleAfterAQuietTimeout() {
    startAs(DomainRole.MAIN, ACTIVE, 2);
    feed(new PeerLost("beta", "lost"));
    assertThat(machine.state()).isEqualTo(ACTIVE);
    feed(peer(ACTIVE, 5)); // beta came back with a higher term: alpha yields
    assertThat(machine.state()).isEqualTo(STANDBY);
    feed(peer(STANDBY, 5)); // and then beta itself stepped down
    advance(600);
    feed(peer(STANDBY, 5));
    feed(new FactsChanged("test"));
    assertThat(machine.state()).isEqualTo(ACTIVE);
    assertThat(machine.term()).isEqualTo(6);
  }

  @Test
  void shutdownStopsFromAnyState() {
    machine();
    feed(new Started());
    feed(new Shutdown());
    assertThat(machine.state()).isEqualTo(STOPPED);
    assertThat(feed(new FactsChanged("test")).transitions()).isEmpty();
  }

  @Test
  void aServerInMaintenanceNeverStandsByEvenIfItHearsAnActiveFirst() {
    world.self = "beta";
    world.partner = "alpha";
    world.role = DomainRole.BACKUP;
    world.maintenance = true;
    machine();
    feed(peer(ACTIVE, 3));
    assertThat(machine.state()).isEqualTo(MAINTENANCE);
  }

  @Test
  void theBackupTakesTheRoleWhenTheMainsRuntimeCannotRun() {
    world.self = "beta";
    world.partner = "alpha";
    world.role = DomainRole.BACKUP;
    machine();
    feed(new Started());
    PeerHeard mainNotReady =
        new PeerHeard(
            "alpha", STANDBY, 0, 0, 0, false, 1, "1.0", "", "", world.now * 1_000_000, false);
    feed(mainNotReady);
    joinWindowPasses();
    assertThat(machine.state()).isEqualTo(ACTIVE);
  }

  @Test
  void aStaleHeartbeatFromBeforeAPauseDoesNotResumeWrites() {
    startAs(DomainRole.MAIN, STARTING, 0);
    long beforePause = world.now * 1_000_000;
    advance(3000);
    feed(new Paused(3000));
    assertThat(machine.snapshot().writesSuspended()).isTrue();
    feed(new PeerHeard("beta", STANDBY, 0, 0, 0, true, 1, "1.0", "", "", beforePause, false));
    assertThat(machine.snapshot().writesSuspended()).isTrue();
    feed(peer(STANDBY, 0));
    assertThat(machine.snapshot().writesSuspended()).isFalse();
  }

  @Test
  void anActiveThatLosesTheIntegrityAddressAfterItsPeerStepsDown() {
    world.integrityConfigured = true;
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(new PeerLost("beta", "lost on all paths for 500 ms"));
    assertThat(machine.state()).isEqualTo(ACTIVE);
    world.integrityPasses = false;
    runFor(50);
    assertThat(path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->STANDBY@1");
  }

  PeerHeard activeOfVersion(String version) {
    return new PeerHeard(
        "alpha", ACTIVE, 3, 1, 0, true, 1, version, "", "", world.now * 1_000_000, false);
  }

  @Test
  void aPeerOfAnotherProductVersionIsReportedOnceAndStillFailedOverByDefault() {
    world.self = "beta";
    world.partner = "alpha";
    world.role = DomainRole.BACKUP;
    machine();
    feed(new Started());
    feed(activeOfVersion("2.0"));
    feed(activeOfVersion("2.0"));
    assertThat(notices)
        .filteredOn(n -> n.message().startsWith("product versions differ"))
        .singleElement()
        .satisfies(
            n -> assertThat(n.message()).isEqualTo("product versions differ: here 1.0, alpha 2.0"));
    feed(new PeerLost("alpha", "lost on all paths for 500 ms"));
    assertThat(machine.state()).isEqualTo(ACTIVE);
  }

  @Test
  void aDomainCanBlockTakingOverFromAnActiveOfAnotherVersion() {
    world.self = "beta";
    world.partner = "alpha";
    world.role = DomainRole.BACKUP;
    world.versionMismatchBlocksTakeover = true;
    machine();
    feed(new Started());
    feed(activeOfVersion("2.0"));
    joinWindowPasses();
    feed(new PeerLost("alpha", "lost on all paths for 500 ms"));
    runFor(2000);
    assertThat(machine.state()).isEqualTo(STANDBY);
    assertThat(notices)
        .anyMatch(
            n ->
                n.message()
                    .startsWith("not taking the active role: alpha runs product version 2.0"));
  }

  // ---- live reconfiguration ---------------------------------------------------------------

  /** The server has already switched its context to the new domain; this announces it. */
  Outcome domainChanged() {
    world.domainVersion++;
    return feed(new DomainChanged(world.domainVersion));
  }

  PeerHeard heardFrom(String name, ServerState state, long term) {
    return new PeerHeard(
        name,
        state,
        term,
        state == ACTIVE ? world.now - 1000 : 0,
        0,
        true,
        world.domainVersion,
        world.productVersion,
        "",
        "",
        world.now * 1_000_000,
        false);
  }

  List<String> reasons() {
    return history.stream().map(Transition::reason).toList();
  }

  /** beta, backup, standing by behind the active alpha (term 3). */
  void standbyBehindActiveAlpha() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
  }

  @Test
  void startingServerFollowsADomainThatNowDecidesAlone() {
    machine();
    feed(new Started());
    Outcome unrelated = domainChanged();
    assertThat(unrelated.transitions()).isEmpty();
    assertThat(machine.state()).isEqualTo(STARTING);

    world.maintenance = true;
    domainChanged();
    assertThat(path()).containsExactly("STARTING->MAINTENANCE@0");
    assertThat(reasons()).containsExactly("domain version 3 sets this server to maintenance");
  }

  @Test
  void inactiveServerNamedBackupStartsOverAndStandsByBehindTheActive() {
    world.self = "gamma";
    world.partner = "";
    world.role = DomainRole.NONE;
    machine();
    feed(new Started());
    feed(heardFrom("alpha", ACTIVE, 3)); // not its partner yet: ignored
    assertThat(domainChanged().transitions()).isEmpty(); // still neither main nor backup

    world.role = DomainRole.BACKUP;
    world.partner = "alpha";
    domainChanged();
    feed(heardFrom("alpha", ACTIVE, 3));
    joinWindowPasses();
    runFor(100);
    assertThat(path())
        .containsExactly("STARTING->INACTIVE@0", "INACTIVE->STARTING@0", "STARTING->STANDBY@0");
    assertThat(history.get(1).reason()).isEqualTo("named backup in domain version 3");
  }

  @Test
  void inactiveServerNamedMainStartsOverAndTakesTheRoleWhenNobodyIsActive() {
    world.self = "gamma";
    world.partner = "";
    world.role = DomainRole.NONE;
    machine();
    feed(new Started());

    world.role = DomainRole.MAIN;
    world.partner = "beta";
    domainChanged();
    joinWindowPasses();
    assertThat(path())
        .containsExactly("STARTING->INACTIVE@0", "INACTIVE->STARTING@0", "STARTING->ACTIVE@1");
    assertThat(history.get(1).reason()).isEqualTo("named main in domain version 2");
  }

  @Test
  void inactiveServerSetToMaintenanceFollowsTheDomain() {
    world.role = DomainRole.NONE;
    world.partner = "";
    machine();
    feed(new Started());
    world.maintenance = true;
    domainChanged();
    assertThat(path()).containsExactly("STARTING->INACTIVE@0", "INACTIVE->MAINTENANCE@0");
    assertThat(history.get(1).reason())
        .isEqualTo("domain version 2 sets this server to maintenance");
  }

  @Test
  void inactiveServerNamedMainWithHotStandbyDisabledRunsAlone() {
    world.role = DomainRole.NONE;
    world.partner = "";
    world.enabled = false;
    machine();
    feed(new Started());
    world.role = DomainRole.MAIN;
    domainChanged();
    assertThat(path()).containsExactly("STARTING->INACTIVE@0", "INACTIVE->ACTIVE@1");
    assertThat(history.get(1).reason())
        .isEqualTo("hot standby is disabled in domain version 2; the main runs alone");
  }

  @Test
  void standbySetToMaintenanceAbandonsItsTakeoverRequest() {
    standbyBehindActiveAlpha();
    feed(new ActivateRequested("operator"));
    assertThat(machine.snapshot().takeoverRequest()).isEqualTo("alpha");

    world.maintenance = true;
    domainChanged();
    assertThat(path()).containsExactly("STARTING->STANDBY@0", "STANDBY->MAINTENANCE@0");
    assertThat(history.get(1).reason())
        .isEqualTo("domain version 2 sets this server to maintenance");
    assertThat(machine.snapshot().takeoverRequest()).isEmpty();
    assertThat(notices)
        .anyMatch(
            n ->
                n.weight() == Weight.WARNING
                    && n.message()
                        .equals(
                            "switchover abandoned: the domain changed (domain version 2)"
                                + " while asking alpha to hand over"));
  }

  @Test
  void standbyReplacedAsBackupBecomesInactive() {
    standbyBehindActiveAlpha();
    world.role = DomainRole.NONE;
    world.partner = "";
    domainChanged();
    feed(heardFrom("alpha", ACTIVE, 3));
    feed(new PeerLost("alpha", "lost on all paths for 500 ms"));
    runFor(2000);
    assertThat(path()).containsExactly("STARTING->STANDBY@0", "STANDBY->INACTIVE@0");
    assertThat(history.get(1).reason())
        .isEqualTo("domain version 2 names this server neither main nor backup");
  }

  @Test
  void backupStandbyGoesInactiveWhenHotStandbyIsDisabled() {
    standbyBehindActiveAlpha();
    world.enabled = false;
    domainChanged();
    assertThat(path()).containsExactly("STARTING->STANDBY@0", "STANDBY->INACTIVE@0");
    assertThat(history.get(1).reason())
        .isEqualTo("hot standby is disabled in domain version 2; the backup stays inactive");
  }

  @Test
  void standbyWithANewPartnerForgetsTheOldOneAndTracksTheNewOne() {
    standbyBehindActiveAlpha();
    world.partner = "delta"; // delta replaces alpha as the main
    Outcome o = domainChanged();
    assertThat(o.transitions()).isEmpty();
    assertThat(o.notices()).isEmpty();

    // The old main's heartbeats no longer count, but the quiet period starts over.
    feed(heardFrom("alpha", ACTIVE, 9));
    runFor(400);
    assertThat(machine.state()).isEqualTo(STANDBY);
    Outcome refused = feed(new ActivateRequested("operator"));
    assertThat(refused.unmet()).containsExactly("peer delta is not reachable on any REC path");

    feed(heardFrom("delta", ACTIVE, 4));
    runFor(400);
    feed(heardFrom("delta", ACTIVE, 4));
    feed(new ActivateRequested("operator"));
    assertThat(machine.snapshot().takeoverRequest()).isEqualTo("delta");
    assertThat(path()).containsExactly("STARTING->STANDBY@0");
  }

  @Test
  void partnerChangeMidTakeoverAbandonsTheSwitchoverAndTicksSafely() {
    standbyBehindActiveAlpha();
    feed(new ActivateRequested("operator"));
    assertThat(machine.snapshot().takeoverRequest()).isEqualTo("alpha");

    world.partner = "delta";
    Outcome o = domainChanged();
    assertThat(machine.snapshot().takeoverRequest()).isEmpty();
    assertThat(o.notices())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.weight()).isEqualTo(Weight.WARNING);
              assertThat(n.message()).startsWith("switchover abandoned: the domain changed");
            });
    // alpha's handover is no longer addressed to this server's partner.
    feed(
        new PeerHeard(
            "alpha", STANDBY, 3, 0, 0, true, 1, "1.0", "", "beta", world.now * 1_000_000, false));
    assertThat(machine.state()).isEqualTo(STANDBY);
    feed(new PeerLost("delta", "lost on all paths for 500 ms"));
    feed(new ActivateRequested("operator"));
    runFor(300);
    assertThat(machine.state()).isEqualTo(STANDBY);
    // Nobody is heard from the new domain: after the quiet period this server takes the role.
    runFor(600);
    assertThat(path()).containsExactly("STARTING->STANDBY@0", "STANDBY->ACTIVE@4");
    assertThat(history.get(1).reason()).isEqualTo("no active server in the domain");
  }

  @Test
  void formerActiveMidHandoverAbandonsItWhenItsStandbyIsReplaced() {
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peerAsking("alpha"));
    assertThat(machine.snapshot().handoverTo()).isEqualTo("beta");

    world.partner = "gamma";
    Outcome o = domainChanged();
    assertThat(machine.snapshot().handoverTo()).isEmpty();
    assertThat(o.notices())
        .singleElement()
        .satisfies(
            n ->
                assertThat(n.message())
                    .isEqualTo(
                        "switchover abandoned: the domain changed (domain version 2)"
                            + " while handing over to beta"));
    runFor(300);
    assertThat(machine.state()).isEqualTo(STANDBY);
    runFor(600);
    assertThat(path())
        .containsExactly("STARTING->ACTIVE@1", "ACTIVE->STANDBY@1", "STANDBY->ACTIVE@2");
  }

  @Test
  void maintenanceClearedStartsOverAndTakesTheRoleWhenNobodyIsActive() {
    world.maintenance = true;
    machine();
    feed(new Started());
    assertThat(domainChanged().transitions()).isEmpty(); // still in maintenance

    world.maintenance = false;
    domainChanged();
    joinWindowPasses();
    assertThat(path())
        .containsExactly(
            "STARTING->MAINTENANCE@0", "MAINTENANCE->STARTING@0", "STARTING->ACTIVE@1");
    assertThat(history.get(1).reason()).isEqualTo("maintenance cleared in domain version 3");
  }

  @Test
  void maintenanceClearedStandsByBehindAnActivePartner() {
    world.self = "beta";
    world.partner = "alpha";
    world.role = DomainRole.BACKUP;
    world.maintenance = true;
    machine();
    feed(new Started());
    feed(heardFrom("alpha", ACTIVE, 3));

    world.maintenance = false;
    domainChanged();
    feed(heardFrom("alpha", ACTIVE, 3));
    assertThat(path())
        .containsExactly(
            "STARTING->MAINTENANCE@0", "MAINTENANCE->STARTING@0", "STARTING->STANDBY@0");
  }

  @Test
  void maintenanceClearedForAServerTheDomainDecidesAloneGoesWhereStartWould() {
    world.maintenance = true;
    world.role = DomainRole.NONE;
    world.partner = "";
    machine();
    feed(new Started());
    world.maintenance = false;
    domainChanged();
    assertThat(path()).containsExactly("STARTING->MAINTENANCE@0", "MAINTENANCE->INACTIVE@0");
    assertThat(history.get(1).reason())
        .isEqualTo("domain version 2 names this server neither main nor backup");

    history.clear();
    world.role = DomainRole.BACKUP;
    world.partner = "alpha";
    world.maintenance = true;
    world.enabled = false;
    machine();
    feed(new Started());
    world.maintenance = false;
    domainChanged();
    assertThat(path()).containsExactly("STARTING->MAINTENANCE@0", "MAINTENANCE->INACTIVE@0");

    history.clear();
    world.role = DomainRole.MAIN;
    world.partner = "";
    world.maintenance = true;
    machine();
    feed(new Started());
    world.maintenance = false;
    domainChanged();
    assertThat(path()).containsExactly("STARTING->MAINTENANCE@0", "MAINTENANCE->ACTIVE@1");
    assertThat(history.get(1).reason())
        .isEqualTo("hot standby is disabled in domain version 4; the main runs alone");
  }

  @Test
  void aLoneMainLeavingMaintenanceWithoutARuntimeStandsByAndRetries() {
    world.enabled = false;
    world.partner = "";
    world.maintenance = true;
    world.runtimeReady = false;
    machine();
    feed(new Started());
    world.maintenance = false;
    domainChanged();
    assertThat(notices)
        .anyMatch(n -> n.message().startsWith("not taking the active role: the runtime"));
    world.runtimeReady = true;
    runFor(600);
    assertThat(path())
        .containsExactly("STARTING->MAINTENANCE@0", "MAINTENANCE->STANDBY@0", "STANDBY->ACTIVE@1");
  }

  @Test
  void activeSetToMaintenanceWithNoStandbyReadyReportsAnError() {
    startAs(DomainRole.MAIN, STARTING, 0);
    world.maintenance = true;
    Outcome o = domainChanged();
    assertThat(path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->MAINTENANCE@1");
    assertThat(history.get(1).reason())
        .isEqualTo("domain version 2 sets this server to maintenance");
    assertThat(o.notices())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.weight()).isEqualTo(Weight.ERROR);
              assertThat(n.message())
                  .isEqualTo(
                      "domain version 2 takes the active role from this server and no standby"
                          + " is ready to take over (beta is STARTING)");
            });
    assertThat(machine.snapshot().activeSinceMillis()).isZero();
    assertThat(terms.stored).isEqualTo(1);
  }

  @Test
  void activeSetToMaintenanceWithAReadyStandbyLeavesQuietly() {
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peer(STANDBY, 0));
    world.maintenance = true;
    Outcome o = domainChanged();
    assertThat(path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->MAINTENANCE@1");
    assertThat(o.notices()).isEmpty();
  }

  @Test
  void activeWhoseStandbyIsNotReadyOrLostReportsAnError() {
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(
        new PeerHeard(
            "beta", STANDBY, 0, 0, 0, false, 1, "1.0", "", "", world.now * 1_000_000, false));
    world.maintenance = true;
    assertThat(domainChanged().notices())
        .singleElement()
        .satisfies(n -> assertThat(n.message()).endsWith("(the runtime of beta is not ready)"));

    history.clear();
    world.maintenance = false;
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peer(STANDBY, 0));
    feed(new PeerLost("beta", "lost on all paths for 500 ms"));
    world.maintenance = true;
    assertThat(domainChanged().notices())
        .filteredOn(n -> n.weight() == Weight.ERROR)
        .singleElement()
        .satisfies(n -> assertThat(n.message()).endsWith("(beta is lost)"));
    assertThat(path()).containsExactly("STARTING->ACTIVE@2", "ACTIVE->MAINTENANCE@2");
  }

  @Test
  void activeNamedNeitherMainNorBackupGoesInactive() {
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peer(STANDBY, 0));
    world.role = DomainRole.NONE;
    world.partner = "";
    Outcome o = domainChanged();
    assertThat(path()).containsExactly("STARTING->ACTIVE@1", "ACTIVE->INACTIVE@1");
    assertThat(history.get(1).reason())
        .isEqualTo("domain version 2 names this server neither main nor backup");
    assertThat(o.notices()).isEmpty(); // the ready standby was heard before the change
    feed(heardFrom("beta", ACTIVE, 2));
    runFor(2000);
    assertThat(machine.state()).isEqualTo(INACTIVE);

    history.clear();
    world.role = DomainRole.MAIN;
    world.partner = "beta";
    startAs(DomainRole.MAIN, STARTING, 0);
    world.role = DomainRole.NONE;
    world.partner = "";
    assertThat(domainChanged().notices())
        .singleElement()
        .satisfies(n -> assertThat(n.weight()).isEqualTo(Weight.ERROR));
    assertThat(path()).containsExactly("STARTING->ACTIVE@2", "ACTIVE->INACTIVE@2");
  }

  @Test
  void activeBackupGoesInactiveWhenHotStandbyIsDisabled() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, STARTING, 0);
    feed(new PeerLost("alpha", "lost on all paths for 500 ms"));
    advance(2000);
    feed(new FactsChanged("test"));
    assertThat(machine.state()).isEqualTo(ACTIVE);
    feed(peer(STANDBY, 0));

    world.enabled = false;
    Outcome o = domainChanged();
    assertThat(path())
        .containsExactly("STARTING->STANDBY@0", "STANDBY->ACTIVE@1", "ACTIVE->INACTIVE@1");
    assertThat(history.get(2).reason())
        .isEqualTo("hot standby is disabled in domain version 2; the backup stays inactive");
    assertThat(o.notices()).isEmpty();
  }

  @Test
  void activeMainKeepsRunningWhenHotStandbyIsDisabled() {
    startAs(DomainRole.MAIN, STARTING, 0);
    long since = machine.snapshot().activeSinceMillis();
    advance(100);
    world.enabled = false;
    world.partner = "";
    Outcome o = domainChanged();
    assertThat(o.transitions()).isEmpty();
    assertThat(o.notices()).isEmpty();
    runFor(1000);
    assertThat(path()).containsExactly("STARTING->ACTIVE@1");
    assertThat(machine.snapshot().activeSinceMillis()).isEqualTo(since);
    assertThat(terms.stored).isEqualTo(1);
  }

  @Test
  void activeKeepsItsRoleAndTermOnAnUnrelatedChange() {
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(peer(STANDBY, 0));
    long since = machine.snapshot().activeSinceMillis();
    advance(100);
    Outcome o = domainChanged(); // e.g. a new heartbeat interval
    assertThat(o.transitions()).isEmpty();
    assertThat(o.notices()).isEmpty();
    assertThat(machine.snapshot())
        .isEqualTo(new RoleSnapshot(ACTIVE, 1, since, "", "", false, false));

    world.partner = "gamma"; // a new backup: the old one is forgotten, the role is kept
    o = domainChanged();
    assertThat(o.transitions()).isEmpty();
    world.activateBackupOnLocalFailure = true;
    world.health = 50;
    runFor(1000);
    feed(heardFrom("beta", ACTIVE, 7)); // no longer the partner
    assertThat(path()).containsExactly("STARTING->ACTIVE@1");
    assertThat(machine.term()).isEqualTo(1);
  }

  @Test
  void standbyKeepsStandingByOnAnUnrelatedChange() {
    standbyBehindActiveAlpha();
    feed(new ActivateRequested("operator"));
    Outcome o = domainChanged();
    assertThat(o.transitions()).isEmpty();
    assertThat(o.notices()).isEmpty();
    assertThat(machine.snapshot().takeoverRequest()).isEqualTo("alpha");
    feed(peerHandingOver(3));
    assertThat(path()).containsExactly("STARTING->STANDBY@0", "STANDBY->ACTIVE@4");
  }

  @Test
  void aStoppedServerIgnoresDomainChanges() {
    startAs(DomainRole.MAIN, STARTING, 0);
    feed(new Shutdown());
    world.maintenance = true;
    world.partner = "gamma";
    Outcome o = domainChanged();
    assertThat(o.transitions()).isEmpty();
    assertThat(o.notices()).isEmpty();
    assertThat(machine.state()).isEqualTo(STOPPED);
  }

  // ---- clocks and timers --------------------------------------------------------------------

  @Test
  void aWallClockStepChangesNoRoleInSteadyState() {
    // The standby's side.
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    stepTheWallClockBothWays(() -> feed(peer(ACTIVE, 3)));
    assertThat(path()).containsExactly("STARTING->STANDBY@0");

    // The active's side.
    history.clear();
    pending.clear();
    world.self = "alpha";
    world.partner = "beta";
    startAs(DomainRole.MAIN, STANDBY, 0);
    stepTheWallClockBothWays(() -> feed(peer(STANDBY, 0)));
    assertThat(path()).containsExactly("STARTING->ACTIVE@1");
    assertThat(machine.snapshot().writesSuspended()).isFalse();
    assertThat(notices).noneMatch(n -> n.weight() != Weight.NOTICE);
  }

  /** Steps the wall clock forward an hour, then back, while heartbeats keep arriving. */
  void stepTheWallClockBothWays(Runnable heartbeat) {
    for (long step : new long[] {3_600_000, -3_600_000}) {
      world.wallStep += step;
      for (int i = 0; i < 20; i++) {
        advance(100);
        heartbeat.run();
      }
      runFor(2000);
    }
  }

  @Test
  void aWallClockStepNeitherShortensNorStretchesASwitchover() {
    for (long step : new long[] {3_600_000, -3_600_000}) {
      world.wallStep = 0;
      history.clear();
      notices.clear();
      pending.clear();
      world.self = "beta";
      world.partner = "alpha";
      startAs(DomainRole.BACKUP, ACTIVE, 3);
      feed(new ActivateRequested("operator"));
      world.wallStep = step;
      advance(1990);
      assertThat(machine.snapshot().takeoverRequest()).as("step %d ms", step).isEqualTo("alpha");
      advance(20);
      assertThat(machine.snapshot().takeoverRequest()).as("step %d ms", step).isEmpty();
      assertThat(notices).anyMatch(n -> n.message().startsWith("switchover aborted"));
    }
  }

  @Test
  void aTimeoutThatIsNoLongerArmedOrComesEarlyChangesNothing() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    feed(new ActivateRequested("operator"));
    Outcome early = feed(new Timeout(RoleTimer.SWAP));
    assertThat(early.effects()).isEmpty();
    assertThat(machine.phase()).isEqualTo(Phase.REQUESTING);
    feed(peerHandingOver(3));
    assertThat(machine.phase()).isEqualTo(Phase.ACTIVE);
    advance(5000);
    assertThat(path()).containsExactly("STARTING->STANDBY@0", "STANDBY->ACTIVE@4");
  }

  @Test
  void effectsCarryWhatTheServerMustDo() {
    world.self = "beta";
    world.partner = "alpha";
    startAs(DomainRole.BACKUP, ACTIVE, 3);
    Outcome takeover = feed(new PeerLost("alpha", "lost on all paths for 500 ms"));
    assertThat(takeover.effects())
        .containsExactly(new Effect.ActivateRuntime(), new Effect.Announce());
    advance(100);
    Outcome paused = feed(new Paused(400));
    assertThat(paused.effects())
        .containsExactly(
            new Effect.StartTimer(RoleTimer.RESUME, 500),
            new Effect.SuspendWrites(true),
            new Effect.Announce());
    Outcome stepDown = feed(heardFrom("alpha", ACTIVE, 9));
    assertThat(stepDown.effects())
        .containsExactly(
            new Effect.DeactivateRuntime(), new Effect.SuspendWrites(false), new Effect.Announce());
  }
}
