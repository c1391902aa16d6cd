package io.hotstandby.domain.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.domain.DomainFileException;
import io.hotstandby.domain.Sha256;
import io.hotstandby.domain.sync.DomainStore.Outcome;
import io.hotstandby.domain.sync.HistoryEntry.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two or three stores, each with its own folder, exchanging versions as servers would. */
class DomainStoreTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

  static byte[] domainFile(long version, String main, int heartbeatMs) {
    return ("""
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- kept as written -->
        <domain name="plant" version="%d">
          <secret>s3cret</secret>
          <servers>
            <server name="alpha" host="127.0.0.1">
              <hazelcast port="5801"/><opcua port="4851"/><rec path="lan" port="7101"/>
            </server>
            <server name="beta" host="127.0.0.1">
              <hazelcast port="5802"/><opcua port="4852"/><rec path="lan" port="7201"/>
            </server>
          </servers>
          <hotStandby main="%s" backup="%s" heartbeatMs="%d"/>
        </domain>
        """)
        .formatted(version, main, main.equals("alpha") ? "beta" : "alpha", heartbeatMs)
        .getBytes(StandardCharsets.UTF_8);
  }

  DomainStore alpha;
  DomainStore beta;

  @BeforeEach
  void open() throws Exception {
    alpha = store("alpha", domainFile(1, "alpha", 100));
    beta = store("beta", domainFile(1, "alpha", 100));
  }

  DomainStore store(String server, byte[] initial) throws Exception {
    Path file = dir.resolve(server).resolve("plant.dom");
    Files.createDirectories(file.getParent());
    if (initial != null) {
      Files.write(file, initial);
    }
    DomainStore s =
        new DomainStore(file, dir.resolve(server).resolve("history"), server, clock::get);
    s.open();
    return s;
  }

  DomainVersion change(DomainStore s, byte[] content) throws Exception {
    clock.addAndGet(1000);
    return s.commit(s.propose(content, "operator", "apply"));
  }

  @Test
  void aChangeIsNumberedAfterEveryVersionSeenAndWrittenToTheFile() throws Exception {
    DomainVersion v2 = change(alpha, domainFile(1, "alpha", 50));

    assertThat(v2.number()).isEqualTo(2);
    assertThat(alpha.domain().hotStandby().heartbeatMs()).isEqualTo(50);
    byte[] onDisk = Files.readAllBytes(alpha.file());
    assertThat(Sha256.hex(onDisk)).isEqualTo(v2.sha256());
    assertThat(new String(onDisk, StandardCharsets.UTF_8))
        .contains("version=\"2\"", "<!-- kept as written -->");
    assertThat(v2.lineage()).containsExactly(Sha256.hex(domainFile(1, "alpha", 100)));
    assertThat(v2.server()).isEqualTo("alpha");
    assertThat(v2.user()).isEqualTo("operator");
    assertThat(alpha.history()).extracting(e -> e.version().number()).containsExactly(1L, 2L);
  }

  @Test
  void aHigherNumberInTheChangeIsKept() throws Exception {
    assertThat(change(alpha, domainFile(10, "alpha", 50)).number()).isEqualTo(10);
    assertThat(alpha.propose(domainFile(10, "alpha", 100), "u", "apply").version().number())
        .isEqualTo(11);
  }

  @Test
  void theVersionInForceAgainIsNoChange() throws Exception {
    assertThat(alpha.propose(domainFile(1, "alpha", 100), "u", "apply")).isNull();
  }

  @Test
  void anInvalidChangeIsRefusedNamingTheFieldAndTheFileIsRestored() throws Exception {
    byte[] bad = domainFile(2, "gamma", 100);
    Files.write(alpha.file(), bad);

    assertThatThrownBy(() -> alpha.propose(bad, "local", "edit"))
        .isInstanceOf(DomainFileException.class)
        .hasMessageContaining("plant.dom")
        .hasMessageContaining("main");
    DomainFileException why = catchError(bad);
    String msg = alpha.refuse(bad, "local", "edit", why.getMessage());

    assertThat(msg).contains("refused", "version 1", "restored");
    assertThat(Files.readAllBytes(alpha.file())).isEqualTo(domainFile(1, "alpha", 100));
    assertThat(alpha.current().number()).isEqualTo(1);
    assertThat(alpha.history()).extracting(HistoryEntry::kind).contains(Kind.REFUSED);
  }

  private DomainFileException catchError(byte[] bad) {
    try {
      alpha.propose(bad, "local", "edit");
    } catch (DomainFileException e) {
      return e;
    }
    throw new AssertionError("expected a refusal");
  }

  @Test
  void aPeerAdoptsAVersionThatDescendsFromItsOwn() throws Exception {
    DomainVersion v2 = change(alpha, domainFile(1, "alpha", 50));

    DomainStore.Received r = beta.receive(v2, "alpha");

    assertThat(r.outcome()).isEqualTo(Outcome.ADOPTED);
    assertThat(r.changed()).isTrue();
    assertThat(Files.readAllBytes(beta.file())).isEqualTo(v2.content());
    assertThat(beta.domain().hotStandby().heartbeatMs()).isEqualTo(50);
    assertThat(beta.receive(v2, "alpha").outcome()).isEqualTo(Outcome.SAME);
    assertThat(alpha.receive(beta.history().get(0).version(), "gamma").outcome())
        .isEqualTo(Outcome.SENDER_BEHIND);
  }

  @Test
  void aServerRestartedAfterAnEditWhileStoppedTakesItAsTheNextVersion() throws Exception {
    change(alpha, domainFile(1, "alpha", 50));
    Files.write(alpha.file(), domainFile(1, "alpha", 70));

    DomainStore reopened =
        new DomainStore(alpha.file(), dir.resolve("alpha/history"), "alpha", clock::get);
    DomainStore.Opened o = reopened.open();

    assertThat(o.domain().version()).isEqualTo(3);
    assertThat(o.domain().hotStandby().heartbeatMs()).isEqualTo(70);
    assertThat(o.notices()).singleElement().asString().contains("edited while", "version 3");
  }

  @Test
  void anInvalidEditWhileStoppedIsRefusedAndTheLastGoodVersionWrittenBack() throws Exception {
    change(alpha, domainFile(1, "alpha", 50));
    Files.writeString(alpha.file(), "<domain name=");

    DomainStore reopened =
        new DomainStore(alpha.file(), dir.resolve("alpha/history"), "alpha", clock::get);
    DomainStore.Opened o = reopened.open();

    assertThat(o.domain().version()).isEqualTo(2);
    assertThat(o.errors()).singleElement().asString().contains("refused", "plant.dom");
    assertThat(Files.readAllBytes(alpha.file())).isEqualTo(reopened.current().content());
  }

  @Test
  void divergedVersionsLeaveTheMainsInForceAndTheOtherInHistoryAsAConflict() throws Exception {
    DomainVersion mains = change(alpha, domainFile(1, "alpha", 50));
    DomainVersion others = change(beta, domainFile(1, "alpha", 80));
    assertThat(mains.number()).isEqualTo(others.number());

    DomainStore.Received atMain = alpha.receive(others, "beta");
    DomainStore.Received atOther = beta.receive(mains, "alpha");

    assertThat(atMain.outcome()).isEqualTo(Outcome.CONFLICT_KEPT);
    assertThat(atMain.message()).contains("conflict", others.shortSha(), mains.shortSha());
    assertThat(alpha.current().sha256()).isEqualTo(mains.sha256());
    assertThat(atOther.outcome()).isEqualTo(Outcome.CONFLICT_ADOPTED);
    assertThat(beta.current().sha256()).isEqualTo(mains.sha256());
    assertThat(Files.readAllBytes(beta.file())).isEqualTo(mains.content());
    for (DomainStore s : new DomainStore[] {alpha, beta}) {
      assertThat(s.conflict()).contains(others.shortSha());
      assertThat(s.history())
          .anyMatch(e -> e.kind() == Kind.CONFLICT && e.version().sha256().equals(others.sha256()));
    }
    // Heard again: nothing new to report.
    assertThat(alpha.receive(others, "beta").message()).isEmpty();

    // A later version resolves it everywhere.
    DomainVersion v3 = change(beta, domainFile(1, "alpha", 60));
    assertThat(v3.number()).isEqualTo(3);
    assertThat(alpha.receive(v3, "beta").outcome()).isEqualTo(Outcome.ADOPTED);
    assertThat(alpha.conflict()).isEmpty();
    assertThat(beta.conflict()).isEmpty();
  }

  @Test
  void anUnresolvedConflictSurvivesARestart() throws Exception {
    change(alpha, domainFile(1, "alpha", 50));
    DomainVersion others = change(beta, domainFile(1, "alpha", 80));
    alpha.receive(others, "beta");

    DomainStore reopened =
        new DomainStore(alpha.file(), dir.resolve("alpha/history"), "alpha", clock::get);
    reopened.open();

    assertThat(reopened.conflict()).contains(others.shortSha());
  }

  @Test
  void aVersionThatIsInvalidHereIsRefusedOnceAndTheOldOneStays() throws Exception {
    byte[] good = domainFile(1, "alpha", 50);
    DomainVersion v2 = change(alpha, good);
    byte[] broken =
        new String(v2.content(), StandardCharsets.UTF_8)
            .replace("<secret>s3cret</secret>", "<secret file=\"missing.secret\"/>")
            .getBytes(StandardCharsets.UTF_8);
    DomainVersion bad =
        new DomainVersion(2, Sha256.hex(broken), "alpha", "u", 0, "apply", v2.lineage(), broken);

    DomainStore.Received r = beta.receive(bad, "alpha");

    assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(r.message()).contains("not valid here", "missing.secret");
    assertThat(beta.current().number()).isEqualTo(1);
    assertThat(beta.receive(bad, "alpha").message()).isEmpty();
  }

  @Test
  void aFileThatCannotBeWrittenLeavesTheVersionInForce() throws Exception {
    DomainVersion v2 = change(alpha, domainFile(1, "alpha", 50));
    // The folder replaced by a file: no temporary file can be made next to the domain file.
    Path folder = beta.file().getParent();
    byte[] old = Files.readAllBytes(beta.file());
    Path moved = dir.resolve("beta-moved");
    Files.move(folder, moved);
    Files.writeString(folder, "not a folder");

    DomainStore.Received r = beta.receive(v2, "alpha");

    assertThat(r.outcome()).isEqualTo(Outcome.WRITE_FAILED);
    assertThat(r.message()).contains("cannot write", "version 1", "stays in force");
    assertThat(beta.current().number()).isEqualTo(1);
    assertThat(Files.readAllBytes(moved.resolve("plant.dom"))).isEqualTo(old);
  }

  @Test
  void findsVersionsByNumberOrHashPrefix() throws Exception {
    DomainVersion v2 = change(alpha, domainFile(1, "alpha", 50));
    change(alpha, domainFile(1, "alpha", 60));

    assertThat(alpha.find("").orElseThrow().version().number()).isEqualTo(3);
    assertThat(alpha.find("2").orElseThrow().version().sha256()).isEqualTo(v2.sha256());
    assertThat(alpha.find(v2.sha256().substring(0, 8)).orElseThrow().version().number())
        .isEqualTo(2);
    assertThat(alpha.find("99")).isEmpty();
    assertThat(alpha.find("abc")).isEmpty();
  }

  @Test
  void aRollbackIsANewVersionWithTheOldContent() throws Exception {
    change(alpha, domainFile(1, "alpha", 50));
    byte[] first = alpha.find("1").orElseThrow().version().content();

    DomainVersion v3 = alpha.commit(alpha.propose(first, "operator", "rollback of 1"));

    assertThat(v3.number()).isEqualTo(3);
    assertThat(alpha.domain().hotStandby().heartbeatMs()).isEqualTo(100);
    assertThat(beta.receive(v3, "alpha").outcome()).isEqualTo(Outcome.ADOPTED);
  }

  @Test
  void aStaleProposalIsNotCommitted() throws Exception {
    DomainStore.Proposal p = alpha.propose(domainFile(1, "alpha", 50), "u", "apply");
    change(alpha, domainFile(1, "alpha", 60));

    assertThatThrownBy(() -> alpha.commit(p)).hasMessageContaining("changed meanwhile");
  }

  @Test
  void bothSidesAgreeOnTheWinnerEvenWhenOneSideNamedAnotherMain() throws Exception {
    DomainVersion alphas = change(alpha, domainFile(1, "alpha", 50));
    // On beta's side of the partition beta was made the main.
    DomainVersion betas = change(beta, domainFile(1, "beta", 80));

    DomainStore.Received atAlpha = alpha.receive(betas, "beta");
    DomainStore.Received atBeta = beta.receive(alphas, "alpha");

    // The main of the last shared version (alpha) decides, on both sides.
    assertThat(atAlpha.outcome()).isEqualTo(Outcome.CONFLICT_KEPT);
    assertThat(atBeta.outcome()).isEqualTo(Outcome.CONFLICT_ADOPTED);
    assertThat(beta.current().sha256()).isEqualTo(alphas.sha256());
    // Heard again, nothing new: no reply, no second event.
    assertThat(alpha.receive(betas, "beta").message()).isEmpty();
  }

  @Test
  void aCopyFromHistoryIsNeverPutInForce() throws Exception {
    DomainVersion v2 = change(alpha, domainFile(1, "alpha", 50));

    DomainStore.Received r = beta.receive(v2, "alpha", false);

    assertThat(r.outcome()).isEqualTo(Outcome.SAME);
    assertThat(beta.current().number()).isEqualTo(1);
  }

  @Test
  void aDivergenceNeitherSideCanSettleIsAnUnresolvedConflict() throws Exception {
    DomainStore gamma = store("gamma", domainFile(1, "alpha", 100));
    DomainVersion betas = change(beta, domainFile(1, "alpha", 80));
    change(gamma, domainFile(1, "alpha", 70));

    DomainStore.Received r = gamma.receive(betas, "beta");

    assertThat(r.outcome()).isEqualTo(Outcome.CONFLICT_PENDING);
    assertThat(r.message()).contains("conflict", "waiting for the main (alpha)");
    assertThat(gamma.conflict()).isNotEmpty();
    assertThat(gamma.receive(betas, "beta").message()).isEmpty();
  }

  @Test
  void theHistoryKeepsTheNewestEntriesAndTheVersionInForce() throws Exception {
    for (int i = 0; i < DomainHistory.MAX_ENTRIES + 5; i++) {
      change(alpha, domainFile(1, "alpha", 10 + i % 200));
    }

    assertThat(alpha.history()).hasSize(DomainHistory.MAX_ENTRIES);
    try (var files = Files.list(dir.resolve("alpha/history"))) {
      assertThat(files.count()).isEqualTo(2L * DomainHistory.MAX_ENTRIES);
    }
    assertThat(alpha.find("").orElseThrow().version().sha256()).isEqualTo(alpha.current().sha256());
  }

  @Test
  void aServerWritesRememberThemselvesForTheWatcher() throws Exception {
    DomainVersion v2 = change(alpha, domainFile(1, "alpha", 50));

    assertThat(alpha.wroteRecently(v2.sha256())).isTrue();
    assertThat(alpha.wroteRecently(Sha256.hex(domainFile(1, "alpha", 100)))).isFalse();
    clock.addAndGet(11_000);
    assertThat(alpha.wroteRecently(v2.sha256())).isFalse();
  }
}
