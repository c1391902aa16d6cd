package io.hotstandby.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.bench.ContinuityBenchmark.Cycle;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Event-log lines of an old active that the server taking over does not hold. For each role change
 * from X to Y: X's lines from the moment Y took its last snapshot of X (Y's event "following X:
 * snapshot ...") until its process had ended after the kill (a failover) or up to and with X's
 * change out of ACTIVE (a switchover) are expected in Y's {@code mirrored-events.jsonl} or its own
 * log; a line that is in neither is lost. X's lines before that snapshot are not mirrored by design
 * (a snapshot carries state, not history) and are counted apart.
 */
final class LostEvents {
  private LostEvents() {}

  static String report(TestDomain domain, List<Cycle> cycles) throws IOException {
    long[] expected = new long[2];
    long[] lost = new long[2];
    long[] beforeSnapshot = new long[2];
    List<String> lines = new ArrayList<>();
    for (Cycle c : cycles) {
      int k = c.kill() ? 0 : 1;
      ServerProcess x = domain.server(c.old());
      ServerProcess y = domain.server(c.survivor());
      long snap = -1;
      for (JsonNode e : y.events()) {
        long t = e.path("epochMillis").asLong();
        if (t <= c.startMillis()
            && e.path("message").asText().startsWith("following " + c.old() + ": snapshot")) {
          snap = t;
        }
      }
      if (snap < 0) {
        lines.add("  no snapshot of " + c.old() + " on " + c.survivor() + " before " + c);
        continue;
      }
      long end = c.endedMillis();
      List<JsonNode> xs = x.events();
      if (!c.kill()) {
        end = Long.MAX_VALUE;
        for (JsonNode e : xs) {
          long t = e.path("epochMillis").asLong();
          if (t >= c.startMillis() && "ACTIVE".equals(e.path("from").asText())) {
            end = t;
            break;
          }
        }
      }
      long activeFrom = -1;
      for (JsonNode e : xs) {
        long t = e.path("epochMillis").asLong();
        if (t <= c.startMillis() && "ACTIVE".equals(e.path("to").asText())) {
          activeFrom = t;
        }
      }
      Set<JsonNode> held = new HashSet<>(y.events());
      Path mirrored = y.dataDir().resolve("mirrored-events.jsonl");
      if (Files.exists(mirrored)) {
        for (String l : Files.readAllLines(mirrored)) {
          held.add(ContinuityBenchmark.unmarked(l));
        }
      }
      for (JsonNode e : xs) {
        long t = e.path("epochMillis").asLong();
        if (t >= activeFrom && t < snap) {
          beforeSnapshot[k]++;
        } else if (t >= snap && t <= end) {
          expected[k]++;
          if (!held.contains(e)) {
            lost[k]++;
            lines.add("  lost (" + c.old() + " -> " + c.survivor() + "): " + e);
          }
        }
      }
    }
    StringBuilder r = new StringBuilder();
    for (int k = 0; k < 2; k++) {
      r.append(
          String.format(
              Locale.ROOT,
              "lost events, %-10s %d of %d expected lines (%d lines of the old active before the"
                  + " standby's snapshot, not mirrored by design)%n",
              k == 0 ? "failover" : "switchover",
              lost[k],
              expected[k],
              beforeSnapshot[k]));
    }
    lines.forEach(l -> r.append(l).append('\n'));
    return r.toString();
  }
}
