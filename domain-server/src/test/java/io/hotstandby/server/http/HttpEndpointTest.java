package io.hotstandby.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.server.events.SwitchoverEntry;
import io.hotstandby.server.events.SwitchoverHistory;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP endpoint on a loopback port, answering from snapshots the test publishes. */
class HttpEndpointTest {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HttpEndpoint endpoint;
  private ServerMetrics metrics;
  private String base;
  private Supplier<Map<String, Long>> switchovers = () -> Map.of("failover", 2L, "switchover", 1L);

  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    metrics = new ServerMetrics(() -> endpoint.latest(), () -> switchovers.get());
    endpoint = new HttpEndpoint("127.0.0.1", 0, "alpha", metrics);
    endpoint.start();
    base = "http://127.0.0.1:" + endpoint.boundPort();
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  static StatusSnapshot snapshot(String state, int health, boolean mirrorReady, long ageMs) {
    return snapshot(state, health, mirrorReady, ageMs, StatusSnapshot.Probe.OFF);
  }

  static StatusSnapshot snapshot(
      String state, int health, boolean mirrorReady, long ageMs, StatusSnapshot.Probe probe) {
    return new StatusSnapshot(
        System.nanoTime() - ageMs * 1_000_000,
        "alpha",
        "plant",
        state,
        7,
        state.equals("ACTIVE") ? 255 - health : 150,
        health,
        true,
        mirrorReady,
        false,
        3,
        mirrorReady ? 0 : 4000,
        mirrorReady ? 0 : 12,
        probe,
        List.of(
            new StatusSnapshot.Member(
                "alpha", "main", "opc.tcp://127.0.0.1:4840/hotstandby", false),
            new StatusSnapshot.Member(
                "beta", "backup", "opc.tcp://127.0.0.1:4841/hotstandby", false)),
        List.of(
            new StatusSnapshot.Peer(
                "beta",
                "ALIVE",
                state.equals("ACTIVE") ? "STANDBY" : "ACTIVE",
                7,
                List.of(
                    new StatusSnapshot.Path("lan", true, 0.25, Instant.now().minusMillis(40)),
                    new StatusSnapshot.Path("cable", false, Double.NaN, null)))),
        "{\"name\":\"alpha\",\"state\":\"" + state + "\"}");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return client.send(
        b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthIsOkOnlyForAHealthyActive() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(503);
    assertThat(get("/health").body()).isEqualTo("starting: no status published yet\n");

    endpoint.publish(snapshot("ACTIVE", 0, true, 0));
    HttpResponse<String> ok = get("/health");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("alpha is ACTIVE (term 7), healthy, ServiceLevel 255\n");
    assertThat(ok.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> t.startsWith("text/plain"));

    endpoint.publish(snapshot("ACTIVE", 20, true, 0));
    assertThat(get("/health").statusCode()).isEqualTo(503);
    assertThat(get("/health").body()).contains("unhealthy: failure weight 20").hasLineCount(1);

    endpoint.publish(snapshot("STANDBY", 0, true, 0));
    assertThat(get("/health").statusCode()).isEqualTo(503);
    assertThat(get("/health").body()).contains("not the active server");

    endpoint.publish(snapshot("ACTIVE", 0, true, 10_000));
    assertThat(get("/health").statusCode()).isEqualTo(503);
    assertThat(get("/health").body()).contains("status not refreshed for");
  }

  @Test
  void readyOnTheActiveAndOnAStandbyThatHoldsTheActivesState() throws Exception {
    endpoint.publish(snapshot("ACTIVE", 20, true, 0));
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    endpoint.publish(snapshot("STANDBY", 0, true, 0));
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    assertThat(get("/ready").body()).contains("ready to take over");
    endpoint.publish(snapshot("STANDBY", 0, false, 0));
    assertThat(get("/ready").statusCode()).isEqualTo(503);
    assertThat(get("/ready").body()).contains("mirror lags the active by 4000 ms");
    endpoint.publish(snapshot("INACTIVE", 0, true, 0));
    assertThat(get("/ready").statusCode()).isEqualTo(503);
  }

  @Test
  void onlyGetAndHeadAreAnswered() throws Exception {
    endpoint.publish(snapshot("ACTIVE", 0, true, 0));
    for (String path : List.of("/health", "/ready", "/metrics", "/", "/status.json")) {
      HttpResponse<String> post =
          send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .POST(HttpRequest.BodyPublishers.ofString("x")));
      assertThat(post.statusCode()).as(path).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
      HttpResponse<String> head =
          send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody()));
      assertThat(head.statusCode()).as(path).isEqualTo(200);
      assertThat(head.body()).as(path).isEmpty();
    }
    assertThat(get("/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void metricsAreStrictPrometheusText() throws Exception {
    endpoint.publish(snapshot("ACTIVE", 0, true, 0));
    metrics.tagUpdated();
    metrics.tagUpdated();
    metrics.driverConnected("plc", true);
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> t.contains("version=0.0.4"));
    Map<String, Double> m = PrometheusText.parse(r.body());
    assertThat(m)
        .containsEntry("hotstandby_server_state{state=\"ACTIVE\"}", 1.0)
        .containsEntry("hotstandby_server_state{state=\"STANDBY\"}", 0.0)
        .containsEntry("hotstandby_term", 7.0)
        .containsEntry("hotstandby_service_level", 255.0)
        .containsEntry("hotstandby_domain_version", 3.0)
        .containsEntry("hotstandby_failovers_total", 2.0)
        .containsEntry("hotstandby_switchovers_total", 1.0)
        .containsEntry("hotstandby_tag_updates_total", 2.0)
        .containsEntry("hotstandby_driver_connected{driver=\"plc\"}", 1.0)
        .containsEntry("hotstandby_rec_path_up{path=\"lan\",peer=\"beta\"}", 1.0)
        .containsEntry("hotstandby_heartbeat_rtt_seconds{path=\"lan\",peer=\"beta\"}", 0.00025)
        .containsEntry("hotstandby_mirror_lag_seconds", 0.0)
        .containsKey("hotstandby_peer_state{liveness=\"ALIVE\",peer=\"beta\",state=\"STANDBY\"}");
    assertThat(m.get("hotstandby_heartbeat_age_seconds{path=\"lan\",peer=\"beta\"}"))
        .isBetween(0.03, 5.0);
    assertThat(m.get("hotstandby_heartbeat_age_seconds{path=\"cable\",peer=\"beta\"}")).isNaN();
  }

  @Test
  void theProbeGaugesShowAFailingProbeAndItsThreshold() throws Exception {
    endpoint.publish(snapshot("STANDBY", 0, true, 0));
    assertThat(PrometheusText.parse(get("/metrics").body()))
        .containsEntry("hotstandby_probe_enabled", 0.0)
        .containsEntry("hotstandby_probe_failures_in_row", 0.0)
        .containsEntry("hotstandby_probe_failure_threshold", 0.0);

    endpoint.publish(snapshot("STANDBY", 0, true, 0, new StatusSnapshot.Probe(true, 2, 3)));
    String text = get("/metrics").body();
    assertThat(PrometheusText.parse(text))
        .containsEntry("hotstandby_probe_enabled", 1.0)
        .containsEntry("hotstandby_probe_failures_in_row", 2.0)
        .containsEntry("hotstandby_probe_failure_threshold", 3.0);
    assertThat(text)
        .contains("# TYPE hotstandby_probe_failures_in_row gauge")
        .contains("# HELP hotstandby_probe_failures_in_row Service probes that failed in a row");
  }

  @Test
  void theTakeoverCountersKeepRisingPastTheKeptHistoryAndAcrossItsReopening() throws Exception {
    endpoint.publish(snapshot("ACTIVE", 0, true, 0));
    Path file = dir.resolve("switchovers.jsonl");
    int failovers = SwitchoverHistory.KEPT + 30;
    try (SwitchoverHistory history = new SwitchoverHistory(file)) {
      switchovers = history::totals;
      List<SwitchoverEntry> entries = new ArrayList<>();
      for (int t = 1; t <= failovers; t++) {
        entries.add(new SwitchoverEntry(t * 1000L, "failover", "a", "b", "lost", 5, t, 0, 0));
      }
      history.addAll(entries);
      history.add(new SwitchoverEntry(1_000_000_000L, "switchover", "b", "a", "", 5, 9999, 0, 0));
      assertThat(history.newest(Integer.MAX_VALUE)).hasSize(SwitchoverHistory.KEPT);
      assertThat(PrometheusText.parse(get("/metrics").body()))
          .containsEntry("hotstandby_failovers_total", (double) failovers)
          .containsEntry("hotstandby_switchovers_total", 1.0);
    }
    try (SwitchoverHistory history = new SwitchoverHistory(file)) {
      switchovers = history::totals;
      assertThat(PrometheusText.parse(get("/metrics").body()))
          .containsEntry("hotstandby_failovers_total", (double) failovers)
          .containsEntry("hotstandby_switchovers_total", 1.0);
      history.add(
          new SwitchoverEntry(2_000_000_000L, "failover", "a", "b", "lost", 5, 10_000, 0, 0));
      assertThat(PrometheusText.parse(get("/metrics").body()))
          .containsEntry("hotstandby_failovers_total", failovers + 1.0);
    }
  }

  @Test
  void theStrictParserRefusesWhatIsNotTheTextFormat() {
    assertThatThrownBy(() -> PrometheusText.parse("x 1\n"))
        .hasMessageContaining("no declared family");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=b} 1\n"))
        .hasMessageContaining("bad labels");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx 1\nx 2\n"))
        .hasMessageContaining("repeated");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx one\n"))
        .hasMessageContaining("bad value");
  }

  @Test
  void theStatusDocumentShowsEveryServerOfTheDomain() throws Exception {
    endpoint.publish(snapshot("ACTIVE", 0, true, 0));
    String json = get("/status.json").body();
    assertThat(json)
        .contains("\"server\":\"alpha\"", "\"domain\":\"plant\"")
        .contains(
            "\"name\":\"alpha\",\"role\":\"main\"", "\"source\":\"itself\",\"state\":\"ACTIVE\"")
        .contains(
            "\"name\":\"beta\",\"role\":\"backup\"",
            "\"source\":\"heartbeat\",\"state\":\"STANDBY\"");
    assertThat(get("/").body())
        .contains("<!DOCTYPE html>", "fetch(\"status.json\"")
        .doesNotContain("http://", "https://");
  }

  @Test
  void aClientThatNeverFinishesItsRequestHoldsUpNoOtherClient() throws Exception {
    endpoint.publish(snapshot("ACTIVE", 0, true, 0));
    try (Socket slow = new Socket("127.0.0.1", endpoint.boundPort())) {
      OutputStream out = slow.getOutputStream();
      out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long t0 = System.nanoTime();
      assertThat(get("/health").statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aPortInUseIsAnErrorNamingTheAddress() {
    HttpEndpoint second = new HttpEndpoint("127.0.0.1", endpoint.boundPort(), "beta", metrics);
    assertThatThrownBy(second::start)
        .hasMessageStartingWith("cannot listen on HTTP 127.0.0.1:" + endpoint.boundPort() + ": ");
    second.close();
  }
}
