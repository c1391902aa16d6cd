package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.http.PrometheusText;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.stack.core.types.structured.ApplicationDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three servers with HTTP endpoints (alpha main, beta backup, gamma neither): what {@code /health},
 * {@code /ready} and {@code /metrics} answer on the active, the standby and the inactive server and
 * how soon they follow a failover ({@code kill -9} of the active); the status page in a real
 * headless Chromium before and after; FindServers on each server listing every server of the
 * domain. Screenshots of the page go to {@code -Dhttp.screenshots=DIR} (the README's come from
 * {@code docs/images}), by default under {@code target/}.
 */
class HttpEndpointIT {
  static final int HEARTBEAT_MS = 100;
  static TestDomain domain;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("http")
            .servers("alpha", "beta", "gamma")
            .http()
            .build()
            .startAll();
    domain.awaitState("alpha", "ACTIVE");
    domain.awaitState("beta", "STANDBY");
    domain.awaitState("gamma", "INACTIVE");
  }

  @AfterAll
  static void stop() {
    if (domain != null) {
      domain.close();
    }
  }

  record Answer(int code, String body) {}

  static Answer get(String server, String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(domain.httpUrl(server) + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Answer(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Double> metrics(String server) {
    Answer a = get(server, "/metrics");
    assertThat(a.code()).as(a.body()).isEqualTo(200);
    return PrometheusText.parse(a.body());
  }

  static void assertServes(String server, String state, int health, int ready) {
    Answer h = get(server, "/health");
    Answer r = get(server, "/ready");
    assertThat(h.code()).as(server + " /health: " + h.body()).isEqualTo(health);
    assertThat(h.body()).contains(server + " is " + state).hasLineCount(1);
    assertThat(r.code()).as(server + " /ready: " + r.body()).isEqualTo(ready);
    Map<String, Double> m = metrics(server);
    assertThat(m).containsEntry("hotstandby_server_state{state=\"" + state + "\"}", 1.0);
    assertThat(m.get("hotstandby_domain_version")).isEqualTo(1.0);
  }

  @Test
  void probesMetricsAndThePageFollowAFailover() throws Exception {
    // alpha and beta take the roles (in either order after an earlier run); gamma stays INACTIVE.
    await("one of alpha and beta ACTIVE, the other STANDBY")
        .atMost(Timing.seconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                List.of(domain.server("alpha").state(), domain.server("beta").state()).stream()
                    .sorted()
                    .toList()
                    .equals(List.of("ACTIVE", "STANDBY")));
    String active = domain.server("alpha").state().equals("ACTIVE") ? "alpha" : "beta";
    String standby = active.equals("alpha") ? "beta" : "alpha";
    domain.awaitMirrored(standby);
    await("probes of the three servers")
        .atMost(Timing.seconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              assertServes(active, "ACTIVE", 200, 200);
              assertServes(standby, "STANDBY", 503, 200);
              assertServes("gamma", "INACTIVE", 503, 503);
            });
    Map<String, Double> m = metrics(active);
    assertThat(m.get("hotstandby_service_level")).isBetween(200.0, 255.0);
    assertThat(m.get("hotstandby_term")).isGreaterThanOrEqualTo(1.0);
    for (String path : TestDomain.PATHS) {
      String series = "{path=\"" + path + "\",peer=\"" + standby + "\"}";
      assertThat(m.get("hotstandby_rec_path_up" + series)).isEqualTo(1.0);
      assertThat(m.get("hotstandby_heartbeat_age_seconds" + series)).isBetween(0.0, 2.0);
      assertThat(m).containsKey("hotstandby_heartbeat_rtt_seconds" + series);
    }
    assertThat(m).containsKeys("hotstandby_failovers_total", "hotstandby_switchovers_total");
    double failoversBefore = metrics(standby).get("hotstandby_failovers_total");

    await("the page shows both roles")
        .atMost(Timing.seconds(60))
        .untilAsserted(
            () ->
                assertThat(renderedStates(standby))
                    .contains(active + "=ACTIVE", standby + "=STANDBY", "gamma=INACTIVE"));
    screenshot(standby, "status-page.png");

    ServerProcess old = domain.server(active);
    long killedAt = System.nanoTime();
    old.kill();
    await("/health of " + standby + " answers 200")
        .atMost(Timing.seconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> get(standby, "/health").code() == 200);
    long healthyAfterNanos = System.nanoTime() - killedAt;
    long healthyAtMillis = System.currentTimeMillis();
    JsonNode tookOver = null;
    for (JsonNode e : domain.server(standby).events()) {
      if (e.path("to").asText().equals("ACTIVE")) {
        tookOver = e;
      }
    }
    assertThat(tookOver).isNotNull();
    long lagMs = healthyAtMillis - tookOver.path("epochMillis").asLong();
    System.out.printf(
        "HttpEndpointIT: kill -9 of %s -> /health 200 on %s after %d ms; %d ms after it logged"
            + " ACTIVE (heartbeat %d ms)%n",
        active, standby, healthyAfterNanos / 1_000_000, lagMs, HEARTBEAT_MS);
    // Measured, not tuned: the outer bound is ten heartbeat intervals.
    assertThat(lagMs).isLessThan(Timing.seconds(10 * HEARTBEAT_MS / 1000.0).toMillis());

    assertServes(standby, "ACTIVE", 200, 200);
    assertThat(metrics(standby).get("hotstandby_failovers_total"))
        .isGreaterThanOrEqualTo(failoversBefore);
    await("the failover in the history counter")
        .atMost(Timing.seconds(10))
        .until(() -> metrics(standby).get("hotstandby_failovers_total") > failoversBefore);
    assertThat(get(active, "/health").code()).isEqualTo(-1);
    await("the page shows the new active and the lost one")
        .atMost(Timing.seconds(60))
        .untilAsserted(
            () ->
                assertThat(renderedStates(standby))
                    .contains(standby + "=ACTIVE", active + "=LOST"));
    screenshot(standby, "status-page-after-failover.png");

    old.restart();
    domain.awaitState(active, "STANDBY");
    await("the returned server's probes")
        .atMost(Timing.seconds(60))
        .untilAsserted(() -> assertServes(active, "STANDBY", 503, 200));
  }

  @Test
  void findServersOnEitherServerListsEveryServerOfTheDomain() throws Exception {
    for (String s : List.of("alpha", "beta")) {
      await(s + " listening").atMost(Timing.seconds(60)).until(() -> domain.server(s).listening());
      List<ApplicationDescription> found =
          DiscoveryClient.findServers(domain.server(s).endpoint()).get(10, TimeUnit.SECONDS);
      List<String> uris = new ArrayList<>();
      for (ApplicationDescription d : found) {
        uris.add(d.getApplicationUri());
        assertThat(d.getDiscoveryUrls()).as(d.getApplicationUri()).isNotEmpty();
      }
      assertThat(uris)
          .as("FindServers on " + s)
          .containsExactlyInAnyOrder(
              "urn:hotstandby:http:alpha", "urn:hotstandby:http:beta", "urn:hotstandby:http:gamma");
      assertThat(found.get(0).getApplicationUri()).isEqualTo("urn:hotstandby:http:" + s);
      for (ApplicationDescription d : found) {
        String name = d.getApplicationUri().substring("urn:hotstandby:http:".length());
        assertThat(d.getDiscoveryUrls()).contains(domain.server(name).endpoint());
      }
    }
  }

  /** The states the page's script rendered, as {@code name=STATE}, in Chromium without a head. */
  static List<String> renderedStates(String server) throws Exception {
    String dom = chromium(server, "--virtual-time-budget=3000", "--dump-dom");
    List<String> states = new ArrayList<>();
    var m =
        java.util.regex.Pattern.compile("data-server=\"([^\"]+)\" data-state=\"([^\"]+)\"")
            .matcher(dom);
    while (m.find()) {
      states.add(m.group(1) + "=" + m.group(2));
    }
    return states;
  }

  static void screenshot(String server, String file) throws Exception {
    Path dir =
        Path.of(System.getProperty("http.screenshots", "target/http-screenshots")).toAbsolutePath();
    Files.createDirectories(dir);
    Path png = dir.resolve(file);
    Files.deleteIfExists(png);
    chromium(server, "--virtual-time-budget=3000", "--window-size=1100,300", "--screenshot=" + png);
    assertThat(png).exists();
  }

  private static String chromium(String server, String... args) throws Exception {
    Path profile = Files.createTempDirectory("chromium-");
    List<String> command =
        new ArrayList<>(
            List.of(
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    command.add(domain.httpUrl(server) + "/");
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
      return out;
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
