package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new secret is rotated in while the backup is down: the rotation completes without it, and the
 * backup, back with its old domain file, stays out of the active role beside the real active (their
 * heartbeats do not verify with each other's secret) until it is given the current file.
 */
class SecretRotationWithServerDownIT {
  private TestDomain domain;

  @AfterEach
  void stop() {
    if (domain != null) {
      domain.close();
    }
  }

  @Test
  void aRotationCompletesWithoutADownServerWhichThenRejoinsOnlyWithTheCurrentFile()
      throws Exception {
    domain =
        TestDomain.builder()
            .name("rotation")
            .servers("alpha", "beta")
            .startFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY"));

    domain.server("beta").stop();
    String rotated =
        Files.readString(domain.domainFile("alpha"), StandardCharsets.UTF_8)
            .replaceFirst("<secret file=\"[^\"]*\"/>", "<secret>rotated-0123456789abcdef</secret>");
    Ctl applied = applyAsAdmin("alpha", "rotated.dom", rotated);
    assertThat(applied.exit()).as(applied.out() + applied.err()).isZero();

    // The rotation does not wait for beta: alpha signs with the new secret only, and says who
    // must be given the file.
    JsonNode done =
        await()
            .atMost(Timing.seconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    domain.server("alpha").lastEvent("every reachable server runs domain version"),
                e -> e != null);
    long version = domain.server("alpha").status().path("domainVersion").asLong();
    assertThat(done.path("message").asText())
        .contains("version " + version)
        .contains("beta was down: give it the current domain file with `domainctl --endpoint")
        .contains("domain apply FILE` before it rejoins");

    // beta comes back with the domain file it had: it hears alpha only under another key.
    domain.server("beta").restart();
    await()
        .atMost(Timing.seconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        domain
                            .server("beta")
                            .lastEvent("beta: heartbeats from alpha do not verify")
                            .path("weight")
                            .asText())
                    .isEqualTo("ERROR"));
    // alpha no longer accepts a heartbeat signed with the old secret.
    await()
        .atMost(Timing.seconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(domain.server("alpha").status().path("foreignKeyPeers").has("beta"))
                    .isTrue());
    // Several join windows (4 failover timeouts each for a backup) pass; beta never takes the
    // role beside the real active.
    await()
        .during(Timing.seconds(3))
        .atMost(Timing.seconds(20))
        .ignoreExceptions()
        .until(
            () ->
                domain.server("beta").status().path("state").asText().equals("STARTING")
                    && domain.server("alpha").state().equals("ACTIVE"));
    JsonNode betaStatus = domain.server("beta").status();
    assertThat(betaStatus.path("foreignKeyPeers").has("alpha")).isTrue();
    Ctl status =
        Ctl.run(
            domain.ctlAs(
                TestDomain.VIEWER, "--endpoint", domain.server("beta").endpoint(), "status"));
    assertThat(status.out()).contains("beta: heartbeats from alpha do not verify with its secret");

    // The current file, applied to beta through its own endpoint: it joins as the standby.
    String current = Files.readString(domain.domainFile("alpha"), StandardCharsets.UTF_8);
    Ctl fixed = applyAsAdmin("beta", "current.dom", current);
    assertThat(fixed.exit()).as(fixed.out() + fixed.err()).isZero();
    domain.awaitState("beta", "STANDBY");
    await()
        .atMost(Timing.seconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(domain.server("alpha").state()).isEqualTo("ACTIVE");
              assertThat(domain.server("beta").status().path("domainVersion").asLong())
                  .isEqualTo(version);
              assertThat(domain.server("alpha").status().path("foreignKeyPeers").size()).isZero();
              assertThat(domain.server("beta").status().path("foreignKeyPeers").size()).isZero();
            });
  }

  private Ctl applyAsAdmin(String server, String name, String content) throws Exception {
    Path file = domain.root().resolve(name);
    Files.writeString(file, content);
    return Ctl.run(
        domain.ctlAs(
            TestDomain.ADMIN,
            "--endpoint",
            domain.server(server).endpoint(),
            "domain",
            "apply",
            file.toString()));
  }
}
