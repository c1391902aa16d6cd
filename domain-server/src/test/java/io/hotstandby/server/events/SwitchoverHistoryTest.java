package io.hotstandby.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The switchover history a server keeps: once per takeover, across restarts, despite bad lines. */
class SwitchoverHistoryTest {
  @TempDir Path dir;

  static SwitchoverEntry entry(long at, String kind, String from, String to, long term) {
    return new SwitchoverEntry(at, kind, from, to, "because " + term, 100 + term, term, 2, 30);
  }

  @Test
  void anEntryIsKeptOnceHoweverOftenItArrives() {
    Path file = dir.resolve("switchovers.jsonl");
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      assertThat(h.add(entry(1000, "start", "", "alpha", 1))).isTrue();
      assertThat(h.add(entry(2000, "failover", "alpha", "beta", 2))).isTrue();
      // The same takeover sent again at a join, even with another time or text: known.
      assertThat(h.add(entry(2000, "failover", "alpha", "beta", 2))).isFalse();
      assertThat(h.add(entry(2500, "switchover", "alpha", "beta", 2))).isFalse();
      // Another server taking the same term is another takeover.
      assertThat(h.add(entry(3000, "failover", "beta", "alpha", 2))).isTrue();

      assertThat(h.newest(10))
          .extracting(SwitchoverEntry::to)
          .containsExactly("alpha", "beta", "alpha");
      assertThat(h.newest(2)).extracting(SwitchoverEntry::atMillis).containsExactly(2000L, 3000L);
    }
  }

  @Test
  void entriesArriveInAnyOrderAndAreListedOldestFirst() {
    try (SwitchoverHistory h = new SwitchoverHistory(dir.resolve("switchovers.jsonl"))) {
      h.add(entry(3000, "switchover", "beta", "alpha", 3));
      h.add(entry(1000, "start", "", "alpha", 1));
      h.add(entry(2000, "failover", "alpha", "beta", 2));

      assertThat(h.newest(10)).extracting(SwitchoverEntry::term).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void onlyTheNewestFiveHundredAreKeptInMemory() {
    try (SwitchoverHistory h = new SwitchoverHistory(dir.resolve("switchovers.jsonl"))) {
      h.addAll(failovers(1, SwitchoverHistory.KEPT + 20));
      List<SwitchoverEntry> all = h.newest(Integer.MAX_VALUE);
      assertThat(all).hasSize(SwitchoverHistory.KEPT);
      assertThat(all.get(0).term()).isEqualTo(21);
      // An entry older than everything kept would only come back at every catch-up.
      assertThat(h.add(entry(1, "start", "", "gamma", 1))).isFalse();
    }
  }

  @Test
  void theHistorySurvivesARestart() {
    Path file = dir.resolve("switchovers.jsonl");
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      h.add(entry(1000, "start", "", "alpha", 1));
      h.add(entry(2000, "failover", "alpha", "beta", 2));
    }
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      assertThat(h.newest(10))
          .containsExactly(
              entry(1000, "start", "", "alpha", 1), entry(2000, "failover", "alpha", "beta", 2));
      assertThat(h.skipped()).isEmpty();
      assertThat(h.add(entry(2000, "failover", "alpha", "beta", 2))).isFalse();
      assertThat(h.json(1))
          .isEqualTo(
              "[{\"time\":\"1970-01-01T00:00:02Z\",\"epochMillis\":2000,\"kind\":\"failover\","
                  + "\"from\":\"alpha\",\"to\":\"beta\",\"reason\":\"because 2\",\"durationMs\":102,"
                  + "\"term\":2,\"lagEntries\":2,\"lagMs\":30}]");
    }
  }

  @Test
  void aLineCutShortOrGarbledIsSkippedWithAWarningAndTheRestKept() throws Exception {
    Path file = dir.resolve("switchovers.jsonl");
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      h.add(entry(1000, "start", "", "alpha", 1));
    }
    Files.write(
        file,
        ("garbage\n"
                + "{\"kind\":\"failover\",\"to\":\"beta\"}\n"
                + entry(2000, "failover", "alpha", "beta", 2).toJson()
                + "\n"
                + "{\"time\":\"1970-01-01T00:00:03Z\",\"epochMil")
            .getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);

    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      assertThat(h.newest(10)).extracting(SwitchoverEntry::term).containsExactly(1L, 2L);
      assertThat(h.skipped())
          .containsExactly(
              file
                  + ": line 2: skipped: not JSON: Unrecognized token 'garbage': was expecting"
                  + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
              file + ": line 3: skipped: epochMillis missing or not a whole number",
              file + ": line 5: skipped: not JSON: Unexpected end-of-input in field name");
      // What is written after the cut line starts on a line of its own.
      h.add(entry(4000, "switchover", "beta", "alpha", 3));
    }
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      assertThat(h.newest(10)).extracting(SwitchoverEntry::term).containsExactly(1L, 2L, 3L);
      assertThat(h.skipped()).hasSize(3);
    }
  }

  @Test
  void anEntryThatIsNotATakeoverIsRefused() {
    assertThatThrownBy(
            () ->
                SwitchoverEntry.parse(
                    entry(1, "start", "", "a", 1).toJson().replace("start", "reboot")))
        .hasMessage("kind must be failover, switchover or start: reboot");
    assertThatThrownBy(() -> SwitchoverEntry.parse("[1]")).hasMessage("not a JSON object");
    assertThatThrownBy(() -> entry(1, "start", "", "", 1))
        .hasMessage("to must name the new active");
  }

  static List<SwitchoverEntry> failovers(int fromTerm, int count) {
    List<SwitchoverEntry> list = new ArrayList<>();
    for (int t = fromTerm; t < fromTerm + count; t++) {
      list.add(entry(t * 1000L, "failover", "alpha", "beta", t));
    }
    return list;
  }

  /** The totals a history opened on {@code file} starts from. */
  static Map<String, Long> totalsWhenOpened(Path file) {
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      return h.totals();
    }
  }

  @Test
  void theTotalsCountEveryEntryTakenInOnceAndKeepRisingPastWhatIsKept() {
    try (SwitchoverHistory h = new SwitchoverHistory(dir.resolve("switchovers.jsonl"))) {
      assertThat(h.totals()).isEmpty();
      h.add(entry(500, "start", "", "alpha", 1));
      assertThat(h.addAll(failovers(2, SwitchoverHistory.KEPT + 100)))
          .isEqualTo(SwitchoverHistory.KEPT + 100);
      // Sent again by another server: kept or older than all kept, not counted again.
      assertThat(h.addAll(failovers(2, SwitchoverHistory.KEPT + 100))).isZero();
      h.add(entry(10_000_000, "switchover", "beta", "alpha", 9999));

      assertThat(h.newest(Integer.MAX_VALUE)).hasSize(SwitchoverHistory.KEPT);
      assertThat(h.totals())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("start", 1L, "failover", SwitchoverHistory.KEPT + 100L, "switchover", 1L));
    }
  }

  @Test
  void theTotalsSurviveARestartAndTheRotationOfTheFile() throws Exception {
    Path file = dir.resolve("switchovers.jsonl");
    // Enough for the file to be rotated twice: the oldest lines are gone from the disk too.
    int n =
        (int)
            (3 * SwitchoverHistory.MAX_BYTES / entry(1, "failover", "a", "b", 1).toJson().length());
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      for (int from = 1; from <= n; from += 1000) {
        assertThat(h.addAll(failovers(from, Math.min(1000, n - from + 1)))).isPositive();
      }
      assertThat(h.totals()).containsEntry("failover", (long) n);
    }
    long onDisk =
        Files.readAllLines(file).size()
            + Files.readAllLines(file.resolveSibling("switchovers.jsonl.1")).size();
    assertThat(onDisk).isLessThan(n);
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      assertThat(h.totals()).containsEntry("failover", (long) n);
      h.add(entry((n + 1) * 1000L, "failover", "beta", "alpha", n + 1));
      assertThat(h.totals()).containsEntry("failover", n + 1L);
    }
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      assertThat(h.totals()).containsEntry("failover", n + 1L);
      assertThat(h.skipped()).isEmpty();
    }
  }

  @Test
  void entriesAppendedButNotYetCountedOnDiskAreCountedAtTheNextStart() throws Exception {
    Path file = dir.resolve("switchovers.jsonl");
    Path totals = dir.resolve("switchover-totals.json");
    byte[] before;
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      h.addAll(failovers(1, 3));
      before = Files.readAllBytes(totals);
      h.addAll(failovers(4, 2));
      h.add(entry(9000, "switchover", "beta", "alpha", 9));
    }
    // A crash after the lines were appended and before the totals were replaced.
    Files.write(totals, before);
    assertThat(totalsWhenOpened(file))
        .containsExactlyInAnyOrderEntriesOf(Map.of("failover", 5L, "switchover", 1L));
  }

  @Test
  void withoutTheTotalsFileEveryLineOfTheHistoryIsCounted() throws Exception {
    Path file = dir.resolve("switchovers.jsonl");
    Files.writeString(
        file,
        entry(1000, "start", "", "alpha", 1).toJson()
            + "\n"
            + entry(2000, "failover", "alpha", "beta", 2).toJson()
            + "\n");
    assertThat(totalsWhenOpened(file))
        .containsExactlyInAnyOrderEntriesOf(Map.of("start", 1L, "failover", 1L));
  }

  @Test
  void anUnreadableTotalsFileIsReportedAndTheLinesAreCountedAgain() throws Exception {
    Path file = dir.resolve("switchovers.jsonl");
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      h.addAll(failovers(1, 4));
    }
    Path totals = dir.resolve("switchover-totals.json");
    Files.writeString(totals, "{\"kinds\":{\"failover\":-3},\"lastKey\":\"beta\\n4\"}\n");
    try (SwitchoverHistory h = new SwitchoverHistory(file)) {
      assertThat(h.totals()).containsExactlyInAnyOrderEntriesOf(Map.of("failover", 4L));
      assertThat(h.skipped())
          .containsExactly(
              totals
                  + ": unreadable, the failovers and switchovers are counted again from the"
                  + " history's lines: bad count failover: -3");
    }
  }
}
