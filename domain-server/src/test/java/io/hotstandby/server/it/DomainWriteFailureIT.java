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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The standby's domain folder is a small tmpfs in a mount namespace of its own. Full, or remounted
 * read-only, it cannot take a new version: the old file stays intact, the failure is an ERROR
 * event, the standby keeps running on the version it has, and catches up once the disk is writable
 * again.
 *
 * <p>One domain is shared by the class, as starting one costs more than a test. Each test first
 * makes beta's folder writable and empty of filler, waits until beta runs alpha's version, and
 * counts from the version it finds, so the tests pass in any order and alone.
 */
class DomainWriteFailureIT {
  static TestDomain domain;

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("diskfull")
            .servers("alpha", "beta")
            .smallDomainDisk("beta", "64k")
            .startFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY"));
  }

  @AfterAll
  static void stop() {
    domain.close();
  }

  /** The version in force on alpha and beta when the test began. */
  long version;

  /** How many events beta had logged when the test began; only later ones count. */
  int betaEventsBefore;

  @BeforeEach
  void writableAndInStep() throws Exception {
    domain.remountDomainFolder("beta", "rw");
    Files.deleteIfExists(filler());
    await("beta runs alpha's version")
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () -> {
              long alpha = domain.server("alpha").status().path("domainVersion").asLong();
              assertThat(domain.server("beta").status().path("domainVersion").asLong())
                  .isEqualTo(alpha);
              version = alpha;
            });
    betaEventsBefore = domain.server("beta").events().size();
  }

  static Path filler() {
    return domain.domainFolderOf("beta").resolve("filler");
  }

  static Path betaFile() {
    return domain.domainFolderOf("beta").resolve("diskfull.dom");
  }

  static DomainChange applyOnAlpha(String marker) throws Exception {
    String xml = Files.readString(domain.domainFile("alpha"), StandardCharsets.UTF_8);
    xml = xml.replaceFirst("<servers>", "<!-- " + marker + " -->\n  <servers>");
    return domain.server("alpha").adminClient().applyDomain(xml.getBytes(StandardCharsets.UTF_8));
  }

  void awaitWriteError(String cause) {
    await()
        .atMost(Timing.seconds(20))
        .untilAsserted(
            () -> {
              List<JsonNode> events = domain.server("beta").events();
              JsonNode e =
                  events.subList(Math.min(betaEventsBefore, events.size()), events.size()).stream()
                      .filter(x -> x.path("message").asText().startsWith("cannot write"))
                      .reduce((a, b) -> b)
                      .orElse(null);
              assertThat(e).as("a 'cannot write' event of this test").isNotNull();
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
  void aFullDiskLeavesTheOldFileAndTheServerRunsOn() throws Exception {
    byte[] before = Files.readAllBytes(betaFile());
    fill(filler());
    try {
      DomainChange c = applyOnAlpha("full disk " + version);

      assertThat(c.accepted()).as(c.message()).isTrue();
      awaitWriteError("No space left on device");
      assertThat(Files.readAllBytes(betaFile())).isEqualTo(before);
      assertThat(domain.server("beta").status().path("domainVersion").asLong()).isEqualTo(version);
      assertThat(domain.server("beta").state()).isEqualTo("STANDBY");
      try (var list = Files.list(domain.domainFolderOf("beta"))) {
        assertThat(list.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
      }
    } finally {
      Files.delete(filler());
    }
    awaitBetaOn(version + 1);
  }

  @Test
  void aReadOnlyFolderLeavesTheOldFileAndTheServerRunsOn() throws Exception {
    byte[] before = Files.readAllBytes(betaFile());
    domain.remountDomainFolder("beta", "ro");
    try {
      DomainChange c = applyOnAlpha("read-only " + version);

      assertThat(c.accepted()).as(c.message()).isTrue();
      awaitWriteError("Read-only file system");
      assertThat(Files.readAllBytes(betaFile())).isEqualTo(before);
      assertThat(domain.server("beta").status().path("domainVersion").asLong()).isEqualTo(version);
      assertThat(domain.server("beta").state()).isEqualTo("STANDBY");
    } finally {
      domain.remountDomainFolder("beta", "rw");
    }
    awaitBetaOn(version + 1);
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
