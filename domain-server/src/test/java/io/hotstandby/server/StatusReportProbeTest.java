package io.hotstandby.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.domain.ServiceProbeSpec;
import io.hotstandby.server.probe.ServiceProbe;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code probe} object of the status JSON, from a service probe run against a script. */
class StatusReportProbeTest {
  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  static final ServiceProbeSpec SPEC = new ServiceProbeSpec(1000, 3, 50);
  static final ServiceProbe.Target ALPHA =
      new ServiceProbe.Target("alpha", "opc.tcp://alpha:4840/hotstandby", false, 7);

  long now;
  ServiceProbeSpec spec = SPEC;
  ServiceProbe.Target target = ALPHA;
  final Deque<String> answers = new ArrayDeque<>();
  final ServiceProbe probe =
      new ServiceProbe(
          () -> spec,
          () -> target,
          (url, timeout) -> answers.poll(),
          new ServiceProbe.Listener() {
            @Override
            public void failed(ServiceProbe.Target t, int failures, String error) {}

            @Override
            public void recovered(ServiceProbe.Target t, int failures) {}
          },
          () -> T0.plusNanos(now));

  /**
   * Ticks once a second, each probe answering as the script says (at least one tick), and renders
   * the status.
   */
  JsonNode after(String... script) throws Exception {
    answers.addAll(List.of(script));
    do {
      probe.tick(now);
      now += 1_000_000_000L;
    } while (!answers.isEmpty());
    return new ObjectMapper().readTree(StatusReport.probeJson(probe.status()).toString());
  }

  @Test
  void aStandbyShowsThePeerItProbesAndHowManyProbesFailedInARow() throws Exception {
    JsonNode j = after("", "x", "x", "x", "GetEndpoints: connection refused");

    assertThat(j.path("enabled").asBoolean()).isTrue();
    assertThat(j.path("target").asText()).isEqualTo("alpha");
    assertThat(j.path("self").asBoolean()).isFalse();
    assertThat(j.path("failuresInRow").asInt()).isEqualTo(4);
    assertThat(j.path("threshold").asInt()).isEqualTo(3);
    assertThat(j.path("lastOkAt").asText()).isEqualTo("2026-03-01T08:00:00Z");
    assertThat(j.path("lastFailureAt").asText()).isEqualTo("2026-03-01T08:00:04Z");
    assertThat(j.path("lastFailure").asText()).isEqualTo("GetEndpoints: connection refused");
  }

  @Test
  void aPeerThatNeverAnsweredHasNoLastOk() throws Exception {
    JsonNode j = after("x", "x");

    assertThat(j.path("failuresInRow").asInt()).isEqualTo(2);
    assertThat(j.get("lastOkAt").isNull()).isTrue();
  }

  @Test
  void theActiveProbingItselfSaysSoAndAnAnswerClearsTheRun() throws Exception {
    target = new ServiceProbe.Target("beta", "opc.tcp://beta:4840/hotstandby", true, 8);
    JsonNode j = after("x", "");

    assertThat(j.path("target").asText()).isEqualTo("beta");
    assertThat(j.path("self").asBoolean()).isTrue();
    assertThat(j.path("failuresInRow").asInt()).isZero();
    assertThat(j.path("lastOkAt").asText()).isEqualTo("2026-03-01T08:00:01Z");
    assertThat(j.path("lastFailure").asText()).isEqualTo("x");
  }

  @Test
  void nothingToProbeShowsANullTargetAndNoRun() throws Exception {
    target = null;
    assertThat(after().toString())
        .isEqualTo(
            "{\"enabled\":true,\"target\":null,\"self\":false,\"failuresInRow\":0,\"threshold\":3,"
                + "\"lastOkAt\":null,\"lastFailureAt\":null,\"lastFailure\":null}");
  }

  @Test
  void withoutTheProbeTheObjectOnlySaysItIsOff() throws Exception {
    spec = ServiceProbeSpec.OFF;
    assertThat(after().toString()).isEqualTo("{\"enabled\":false}");
    assertThat(StatusReport.probeJson(ServiceProbe.Status.OFF).toString())
        .isEqualTo("{\"enabled\":false}");
  }
}
