package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import io.hotstandby.cluster.TopicEnvelope;
import io.hotstandby.keys.DomainKeys;
import io.hotstandby.server.kit.Ctl;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Timing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Hazelcast member that knows the domain's cluster name and ports but not its secret joins the
 * cluster of a running domain, as anyone on the network can with Hazelcast OSS: it reads only
 * ciphertext, and nothing it publishes (garbage, unsealed or wrongly sealed envelopes, replays of
 * real messages, Java-serialized objects) changes the domain, the roles or the servers; every
 * message is counted in the servers' status.
 *
 * <p>One domain and one rogue member are shared by the class; the tests pass in any order.
 */
class RogueMemberIT {
  static final List<String> TOPICS =
      List.of("hotstandby.domain", "hotstandby.projects", "hotstandby.admin");
  static TestDomain domain;
  static HazelcastInstance rogue;
  static final ConcurrentLinkedQueue<Captured> captured = new ConcurrentLinkedQueue<>();

  record Captured(String topic, Object message) {}

  @BeforeAll
  static void start() {
    domain =
        TestDomain.builder()
            .name("rogue")
            .startFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY"));
    domain.awaitCluster(2);
    rogue = Hazelcast.newHazelcastInstance(rogueConfig());
    for (String topic : TOPICS) {
      ITopic<Object> t = rogue.getTopic(topic);
      t.addMessageListener(m -> captured.add(new Captured(topic, m.getMessageObject())));
    }
    domain.awaitCluster(3);
  }

  /** The domain's cluster name and members, a port of its own, and a server's name as attribute. */
  static Config rogueConfig() {
    Config c = new Config();
    c.setClusterName(domain.name());
    c.setInstanceName("rogue-member");
    c.getMemberAttributeConfig().setAttribute("server", "beta"); // claims to be a server
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig n = c.getNetworkConfig();
    n.setPort(FreePorts.next()).setPortAutoIncrement(false);
    n.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig j = n.getJoin();
    j.getMulticastConfig().setEnabled(false);
    j.getAutoDetectionConfig().setEnabled(false);
    j.getTcpIpConfig().setEnabled(true);
    for (String s : List.of("alpha", "beta")) {
      j.getTcpIpConfig().addMember(domain.hazelcastAddress(s));
    }
    return c;
  }

  @AfterAll
  static void stop() {
    if (rogue != null) {
      rogue.getLifecycleService().terminate();
    }
    domain.close();
  }

  @Test
  void aMemberWithoutTheSecretReadsOnlyCiphertext() throws Exception {
    long version = domain.server("alpha").status().path("domainVersion").asLong();
    String marker = "rogue-it-marker-" + (version + 1);
    Path file = domain.root().resolve("rogue-change.dom");
    String text = Files.readString(domain.domainFile("alpha"), StandardCharsets.UTF_8);
    Files.writeString(file, text.replace("<servers>", "<!-- " + marker + " -->\n  <servers>"));
    int before = captured.size();

    List<String> args = new ArrayList<>(List.of(domain.adminLogin()));
    args.addAll(
        List.of(
            "--endpoint", domain.server("alpha").endpoint(), "domain", "apply", file.toString()));
    Ctl ctl = Ctl.run(args.toArray(String[]::new));
    assertThat(ctl.exit()).as(ctl.out() + ctl.err()).isZero();
    await("the change reaches beta over the cluster")
        .atMost(Timing.seconds(30))
        .until(() -> domain.server("beta").status().path("domainVersion").asLong() == version + 1);
    // The whole new version travelled on the domain topic, which the rogue member receives.
    await().atMost(Timing.seconds(10)).until(() -> captured.size() > before + 2);

    assertThat(captured).isNotEmpty();
    for (Captured c : captured) {
      assertThat(c.message()).isInstanceOf(byte[].class);
      byte[] b = (byte[]) c.message();
      String seen = new String(b, StandardCharsets.ISO_8859_1);
      assertThat(seen).startsWith("HSE1");
      assertThat(seen)
          .as("a message on %s", c.topic())
          .doesNotContain(marker)
          .doesNotContain("<domain")
          .doesNotContain(TestDomain.OPERATOR)
          .doesNotContain(TestDomain.ADMIN)
          .doesNotContain("alpha")
          .doesNotContain("$pbkdf2");
    }
  }

  @Test
  void whatItPublishesChangesNothingAndIsCounted() throws Exception {
    await().atMost(Timing.seconds(10)).until(() -> captured.size() >= 4); // digests, every 2 s
    long version = domain.server("alpha").status().path("domainVersion").asLong();
    String sha = domain.server("alpha").status().path("domainSha256").asText();
    Map<String, JsonNode> before =
        Map.of(
            "alpha", dropped("alpha"),
            "beta", dropped("beta"));
    Random random = new Random(7);
    byte[] wrongSecret = "not-the-domain-secret-at-all-!!!".getBytes(StandardCharsets.UTF_8);
    List<Captured> replays = new ArrayList<>(captured);

    for (String topic : TOPICS) {
      ITopic<Object> t = rogue.getTopic(topic);
      for (int i = 0; i < 10; i++) {
        byte[] garbage = new byte[random.nextInt(300)];
        random.nextBytes(garbage);
        t.publish(garbage);
        byte[] unsealed = new byte[80 + random.nextInt(300)];
        random.nextBytes(unsealed);
        System.arraycopy("HSE1".getBytes(StandardCharsets.US_ASCII), 0, unsealed, 0, 4);
        t.publish(unsealed);
        byte[] key = DomainKeys.TOPIC.derive(domain.name(), wrongSecret, topic);
        byte[] payload = ("DIGEST alpha 999 " + "0".repeat(64)).getBytes(StandardCharsets.UTF_8);
        t.publish(
            TopicEnvelope.seal(
                key,
                topic,
                new TopicEnvelope.Opened(
                    "alpha",
                    1,
                    System.currentTimeMillis(),
                    i + 1,
                    System.currentTimeMillis(),
                    payload)));
      }
      // A Java-serialized object of a class Hazelcast has no serializer of its own for, and a
      // String: neither is a byte array.
      t.publish(new AtomicLong(42));
      t.publish("STEPDOWN alpha");
    }
    for (Captured c : replays) {
      rogue.getTopic(c.topic()).publish(c.message());
    }

    for (String s : List.of("alpha", "beta")) {
      await("every kind of message counted on " + s)
          .atMost(Timing.seconds(30))
          .untilAsserted(
              () -> {
                JsonNode now = dropped(s);
                JsonNode was = before.get(s);
                assertThat(grew(now, was, "GARBAGE")).isGreaterThanOrEqualTo(30);
                assertThat(grew(now, was, "BAD_TAG")).isGreaterThanOrEqualTo(60);
                assertThat(grew(now, was, "NOT_BYTES")).isGreaterThanOrEqualTo(6);
                assertThat(grew(now, was, "REPLAY") + grew(now, was, "STALE"))
                    .isGreaterThanOrEqualTo(replays.size());
              });
    }
    await("nothing changed")
        .during(Duration.ofSeconds(3))
        .atMost(Timing.seconds(10))
        .untilAsserted(
            () -> {
              for (String s : List.of("alpha", "beta")) {
                JsonNode st = domain.server(s).status();
                assertThat(st.path("domainVersion").asLong()).as(s).isEqualTo(version);
                assertThat(st.path("domainSha256").asText()).as(s).isEqualTo(sha);
                assertThat(domain.server(s).alive()).as(s).isTrue();
              }
              assertThat(domain.server("alpha").state()).isEqualTo("ACTIVE");
              assertThat(domain.server("beta").state()).isEqualTo("STANDBY");
            });
  }

  static JsonNode dropped(String server) throws Exception {
    return domain.server(server).status().path("droppedClusterMessages");
  }

  static long grew(JsonNode now, JsonNode was, String reason) {
    return now.path(reason).asLong() - was.path(reason).asLong();
  }
}
