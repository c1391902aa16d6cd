package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.admin.client.DomainChange;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both sides change the domain file while they cannot reach each other: alpha (the main) while beta
 * is down, then beta, running alone, while alpha is down. When both run again, nothing is
 * overwritten silently: the main's version is in force on both, beta's is in history marked as a
 * conflict, the ERROR event exists on both and {@code domainctl status} shows it until a new
 * version resolves it.
 */
class DomainConflictIT {
  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("conflict")
            .servers("alpha", "beta")
            .startFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY"));
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  static String text(String s) throws Exception {
    return Files.readString(domain.domainFile(s), StandardCharsets.UTF_8);
  }

  @Test
  void afterADivergenceTheMainsVersionIsInForceAndTheOtherIsKeptAsAConflict() throws Exception {
    // alpha's side: beta is unreachable (stopped) while alpha's operator applies a change.
    domain.server("beta").stop();
    String original = text("alpha");
    DomainChange mains =
        domain
            .server("alpha")
            .adminClient()
            .applyDomain(
                original.replace("<servers>", "<!-- alpha's side -->\n  <servers>").getBytes());
    assertThat(mains.accepted()).as(mains.message()).isTrue();
    assertThat(mains.version()).isEqualTo(2);

    // beta's side: alpha goes down, beta runs alone and its file is edited there.
    domain.server("alpha").stop();
    domain.server("beta").start();
    domain.awaitState("beta", "ACTIVE");
    Files.writeString(
        domain.domainFile("beta"),
        text("beta").replace("<servers>", "<!-- beta's side -->\n  <servers>"));
    await()
        .atMost(Timing.seconds(20))
        .untilAsserted(
            () ->
                assertThat(domain.server("beta").status().path("domainVersion").asLong())
                    .isEqualTo(2));
    String betas = text("beta");
    assertThat(betas).contains("beta's side");

    // The link heals.
    domain.server("alpha").start();
    domain.awaitState("alpha", "STANDBY");
    await()
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () -> {
              assertThat(text("beta")).contains("alpha's side").doesNotContain("beta's side");
              assertThat(text("alpha")).isEqualTo(text("beta"));
              for (String s : new String[] {"alpha", "beta"}) {
                JsonNode status = domain.server(s).status();
                assertThat(status.path("domainVersion").asLong()).isEqualTo(2);
                assertThat(status.path("domainConflict").asText()).as(s).contains("conflict");
                JsonNode e = domain.server(s).lastEvent("conflict");
                assertThat(e).as(s).isNotNull();
                assertThat(e.path("weight").asText()).isEqualTo("ERROR");
              }
            });

    JsonNode history =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(domain.server("beta").client().domainHistoryJson());
    boolean betasKept = false;
    for (JsonNode h : history) {
      if (h.path("status").asText().equals("conflict")) {
        byte[] kept =
            domain.server("beta").adminClient().showDomain(h.path("sha256").asText()).orElseThrow();
        betasKept |= new String(kept, StandardCharsets.UTF_8).equals(betas);
      }
    }
    assertThat(betasKept).as("beta's version is in its history as a conflict").isTrue();

    Ctl status =
        Ctl.run(
            domain.ctlAs(
                TestDomain.VIEWER, "--domain", domain.domainFile("alpha").toString(), "status"));
    assertThat(status.out()).contains("DOMAIN FILE conflict");

    // A new version resolves it everywhere.
    DomainChange resolved =
        domain
            .server("beta")
            .adminClient()
            .applyDomain(text("beta").replace("alpha's side", "resolved").getBytes());
    assertThat(resolved.accepted()).as(resolved.message()).isTrue();
    await()
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () -> {
              for (String s : new String[] {"alpha", "beta"}) {
                JsonNode st = domain.server(s).status();
                assertThat(st.path("domainVersion").asLong()).isEqualTo(3);
                assertThat(st.path("domainConflict").asText()).isEmpty();
              }
            });
    assertThat(
            Ctl.run(
                    domain.ctlAs(
                        TestDomain.VIEWER,
                        "--domain",
                        domain.domainFile("alpha").toString(),
                        "status"))
                .out())
        .doesNotContain("DOMAIN FILE");
  }
}
