package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two servers of different product versions: reported, shown in status, no planned switchover. */
class VersionMismatchIT {
  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("versions")
            .jvmOptions("beta", "-Dhotstandby.productVersion=9.9-other")
            .build()
            .startAll();
    domain.awaitState("alpha", "ACTIVE");
    domain.awaitState("beta", "STANDBY");
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  @Test
  void aMismatchIsAWarningShownInStatusAndBlocksAPlannedSwitchover() throws Exception {
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                domain.server("beta").events().stream()
                    .anyMatch(
                        e ->
                            e.path("weight").asText().equals("WARNING")
                                && e.path("message").asText().contains("product versions differ")));
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                domain
                    .server("alpha")
                    .status()
                    .path("links")
                    .get(0)
                    .path("productVersionMismatch")
                    .asBoolean());

    Ctl refused =
        Ctl.run(
            domain.ctlAs(
                TestDomain.OPERATOR, "--endpoint", domain.server("beta").endpoint(), "activate"));
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("product versions differ").contains("9.9-other");
    assertThat(domain.server("alpha").state()).isEqualTo("ACTIVE");
  }
}
