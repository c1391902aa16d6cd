package io.hotstandby.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.server.events.EventLog;
import io.hotstandby.server.events.SwitchoverEntry;
import io.hotstandby.server.events.SwitchoverHistory;
import io.hotstandby.server.role.Takeover;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a server does with the history topic's messages, before any cluster is involved. */
class HistoryTopicTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  EventLog events;
  SwitchoverHistory history;
  HistoryTopic topic;
  ServerParts parts;

  @BeforeEach
  void open() {
    events = new EventLog(dir.resolve("events.jsonl"), "alpha");
    history = new SwitchoverHistory(dir.resolve("switchovers.jsonl"));
    parts = new ServerParts("alpha", "1.0", dir, null, null, events, null, null);
    topic = new HistoryTopic(parts, history);
  }

  @AfterEach
  void close() {
    topic.close();
    history.close();
    events.close();
  }

  static String line(String to, long term) {
    return new SwitchoverEntry(1000 * term, "failover", "x", to, "r", 5, term, 0, 0).toJson();
  }

  void receive(String message) {
    topic.received(message.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void entriesFromAnotherServerAreKeptOnce() {
    receive("entries beta\n" + line("beta", 2) + "\n" + line("alpha", 3));
    receive("entries beta\n" + line("beta", 2));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(history.newest(10))
                    .extracting(SwitchoverEntry::term)
                    .containsExactly(2L, 3L));
  }

  @Test
  void garbageIsDroppedWithOneRateLimitedWarningAndTheGoodLinesAreKept() throws Exception {
    receive("\u0000\u0001binary");
    receive("entries beta\n{\"kind\":\"failover\"}\n" + line("beta", 4));
    receive("hello beta");
    receive("entries");

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(history.newest(10))
                    .extracting(SwitchoverEntry::term)
                    .containsExactly(4L));
    List<JsonNode> warnings =
        Files.readAllLines(dir.resolve("events.jsonl")).stream()
            .map(HistoryTopicTest::json)
            .filter(e -> e.path("component").asText().equals("history"))
            .toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).path("weight").asText()).isEqualTo("WARNING");
    assertThat(warnings.get(0).path("message").asText())
        .isEqualTo("unreadable message on the history topic dropped: not a history message");
  }

  @Test
  void aTakeoverHereIsRecordedWithTheMirrorLagOfThatMoment() {
    parts.mirrorLag =
        new MirrorLagProbe() {
          @Override
          public long lagEntries() {
            return 3;
          }

          @Override
          public long lagMillis() {
            return 42;
          }
        };

    topic.tookOver(new Takeover("switchover", "beta", "alpha", 7, 5000, "asked", 120));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(history.newest(10))
                    .containsExactly(
                        new SwitchoverEntry(
                            5000, "switchover", "beta", "alpha", "asked", 120, 7, 3, 42)));
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
