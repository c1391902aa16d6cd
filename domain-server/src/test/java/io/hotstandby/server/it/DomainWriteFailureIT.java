package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotstandby.admin.client.DomainChange;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The standby's domain folder is a small tmpfs in a mount namespace of its own. Full, or remounted
 * read-only, it cannot take a new version: the old file stays intact, the failure is an ERROR
 * event, the standby keeps running on the version it has, and catches up once the disk is writable
 * again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DomainWriteFailureIT {
  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("diskfull")
            .servers("alpha", "beta")
            .smallDomainDisk("beta", "64k")
            .build()
            .startAll()
            .awaitFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY"));
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  static Path betaFile() {
    return domain.domainFolderOf("beta").resolve("diskfull.dom");
  }

  static DomainChange applyOnAlpha(String marker) throws Exception {
    String xml = Files.readString(domain.domainFile("alpha"), StandardCharsets.UTF_8);
    xml = xml.replaceFirst("<servers>", "<!-- " + marker + " -->\n  <servers>");
    return domain.server("alpha").adminClient().applyDomain(xml.getBytes(StandardCharsets.UTF_8));
  }

  static void awaitWriteError(String cause) {
    await()
        .atMost(Timing.seconds(20))
        .untilAsserted(
            () -> {
              JsonNode e = domain.server("beta").lastEvent("cannot write");
              assertThat(e).isNotNull();
              assertThat(e.path("weight").asText()).isEqualTo("ERROR");
              assertThat(e.path("message").asText()).contains(cause, "stays in force");
            });
  }

  static void awaitBetaOn(long version) {
    await()
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () -> {
              assertThat(Files.readString(betaFile())).contains("version=\"" + version + "\"");
              assertThat(domain.server("beta").status().path("domainVersion").asLong())
                  .isEqualTo(version);
            });
  }

  @Test
  @Order(1)
  void aFullDiskLeavesTheOldFileAndTheServerRunsOn() throws Exception {
    byte[] before = Files.readAllBytes(betaFile());
    Path filler = domain.domainFolderOf("beta").resolve("filler");
    fill(filler);

    DomainChange c = applyOnAlpha("two");

    assertThat(c.accepted()).as(c.message()).isTrue();
    awaitWriteError("No space left on device");
    assertThat(Files.readAllBytes(betaFile())).isEqualTo(before);
    assertThat(domain.server("beta").status().path("domainVersion").asLong()).isEqualTo(1);
    assertThat(domain.server("beta").state()).isEqualTo("STANDBY");
    try (var list = Files.list(domain.domainFolderOf("beta"))) {
      assertThat(list.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }

    Files.delete(filler);
    awaitBetaOn(2);
  }

  @Test
  @Order(2)
  void aReadOnlyFolderLeavesTheOldFileAndTheServerRunsOn() throws Exception {
    byte[] before = Files.readAllBytes(betaFile());
    domain.remountDomainFolder("beta", "ro");
    try {
      DomainChange c = applyOnAlpha("three");

      assertThat(c.accepted()).as(c.message()).isTrue();
      awaitWriteError("Read-only file system");
      assertThat(Files.readAllBytes(betaFile())).isEqualTo(before);
      assertThat(domain.server("beta").status().path("domainVersion").asLong()).isEqualTo(2);
      assertThat(domain.server("beta").state()).isEqualTo("STANDBY");
    } finally {
      domain.remountDomainFolder("beta", "rw");
    }
    awaitBetaOn(3);
  }

  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 1024; i++) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
  }
}
