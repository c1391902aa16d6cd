package io.hotstandby.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.events.Weight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log's ids, queries and acknowledgements, and that a restarted server finds them again
 * in its log.
 */
class EventAcknowledgementTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static List<JsonNode> list(String json) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    JSON.readTree(json).forEach(out::add);
    return out;
  }

  @Test
  void warningsAndErrorsWaitForAnAcknowledgementThatSurvivesARestart() throws Exception {
    Path file = dir.resolve("events.jsonl");
    try (EventLog log = new EventLog(file, "alpha")) {
      log.record(Weight.NOTICE, "role", "STARTING -> ACTIVE");
      log.record(Weight.WARNING, "rec", "path lan lost");
      log.record(Weight.ERROR, "driver", "plc1 disconnected");

      List<JsonNode> all = list(log.json(0, 0, 0, false));
      assertThat(all)
          .extracting(e -> e.path("id").asText())
          .containsExactly("alpha:1", "alpha:2", "alpha:3");
      assertThat(all.get(0).has("acked")).as("a NOTICE needs no acknowledgement").isFalse();
      assertThat(list(log.json(0, 0, 0, true)))
          .extracting(e -> e.path("message").asText())
          .containsExactly("path lan lost", "plc1 disconnected");

      EventLog.Acknowledged a = log.acknowledge(List.of("alpha:3", "beta:9"), "olga");
      assertThat(a.acknowledged()).containsExactly("alpha:3");
      assertThat(a.unknown()).containsExactly("beta:9");
      JsonNode acked = list(log.json(0, 2, 0, false)).get(0);
      assertThat(acked.path("acked").asBoolean()).isTrue();
      assertThat(acked.path("ackedBy").asText()).isEqualTo("olga");
      assertThat(log.acknowledge(List.of("alpha:3"), "olga").acknowledged())
          .as("twice is once")
          .isEmpty();
    }
    try (EventLog again = new EventLog(file, "alpha")) {
      assertThat(list(again.json(0, 0, 0, true)))
          .extracting(e -> e.path("id").asText())
          .containsExactly("alpha:2");
      again.record(Weight.ERROR, "driver", "plc1 disconnected again");
      assertThat(again.lastSeq()).as("the sequence counts on").isEqualTo(5);
      assertThat(again.acknowledge(List.of("*"), "ines").acknowledged())
          .containsExactly("alpha:2", "alpha:5");
      assertThat(list(again.json(0, 0, 0, true))).isEmpty();
    }
    assertThat(Files.readAllLines(file))
        .anyMatch(l -> l.contains("\"acknowledges\":[\"alpha:3\"]") && l.contains("olga"));
  }

  @Test
  void queriesPickByTimeSequenceAndCount() throws Exception {
    try (EventLog log = new EventLog(dir.resolve("e.jsonl"), "beta")) {
      for (int i = 1; i <= 10; i++) {
        log.record(Weight.NOTICE, "test", "n" + i);
      }
      assertThat(list(log.json(0, 0, 3, false)))
          .extracting(e -> e.path("message").asText())
          .containsExactly("n8", "n9", "n10");
      assertThat(list(log.json(0, 8, 0, false))).hasSize(2);
      assertThat(list(log.json(System.currentTimeMillis() + 60_000, 0, 0, false))).isEmpty();
    }
  }

  @Test
  void aTornLastLineIsSkippedAtStart() throws Exception {
    Path file = dir.resolve("torn.jsonl");
    try (EventLog log = new EventLog(file, "alpha")) {
      log.record(Weight.WARNING, "rec", "one");
    }
    Files.writeString(
        file, "{\"seq\":2,\"id\":\"alpha:2\",\"wei", java.nio.file.StandardOpenOption.APPEND);
    try (EventLog log = new EventLog(file, "alpha")) {
      assertThat(list(log.json(0, 0, 0, true))).hasSize(1);
    }
  }

  @Test
  void theAuditLogAnswersItsNewestEntries() throws Exception {
    try (AuditLog audit = new AuditLog(dir.resolve("audit.jsonl"), "alpha")) {
      audit.record("olga", "127.0.0.1", "activate", "Server.Activate", null, "refused");
      audit.record("ines", "127.0.0.1", "domain.change", "d.dom", "apply", "version 4");
      assertThat(list(audit.json(0, 1)))
          .singleElement()
          .satisfies(e -> assertThat(e.path("user").asText()).isEqualTo("ines"));
      assertThat(list(audit.json(0, 0))).hasSize(2);
      assertThat(list(audit.json(System.currentTimeMillis() + 60_000, 0))).isEmpty();
    }
  }
}
