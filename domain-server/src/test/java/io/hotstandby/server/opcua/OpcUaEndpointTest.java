package io.hotstandby.server.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** One real endpoint on loopback, seen through AdminClient and a plain Milo client. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpcUaEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<String> URIS =
      List.of("urn:hotstandby:demo:alpha", "urn:hotstandby:demo:beta");

  // What Activate does in the current test; a test swaps it before calling.
  private static final AtomicReference<ActivateHandler> onActivate = new AtomicReference<>();

  @TempDir static Path tmp;
  private static int port;
  private static OpcUaEndpoint endpoint;
  private static AdminClient admin;
  private static OpcUaClient milo;

  @BeforeAll
  static void start() throws Exception {
    port = freePort();
    endpoint = new OpcUaEndpoint(config(port, tmp.resolve("pki"), Duration.ofSeconds(1)));
    endpoint.setServiceLevel(150);
    endpoint.publish(status("STANDBY", 7, "{\"state\":\"STANDBY\"}"));
    endpoint.start();
    admin = AdminClient.connect(endpoint.endpointUrl(), WAIT);
    milo = OpcUaClient.create(endpoint.endpointUrl());
    milo.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    if (milo != null) {
      milo.disconnect();
    }
    if (admin != null) {
      admin.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  @Test
  void announcesHotRedundancyWithAllServersOfTheDomain() throws Exception {
    assertThat(admin.redundancySupport()).isEqualTo("Hot");
    assertThat(admin.serverUriArray()).containsExactlyElementsOf(URIS);
  }

  @Test
  void serverRedundancyIsANonTransparentRedundancyNode() throws Exception {
    ReferenceDescription redundancy =
        milo.getAddressSpace().browse(NodeIds.Server).stream()
            .filter(r -> r.getBrowseName().name().equals("ServerRedundancy"))
            .findFirst()
            .orElseThrow();
    assertThat(redundancy.getTypeDefinition().getIdentifier())
        .isEqualTo(NodeIds.NonTransparentRedundancyType.getIdentifier());

    List<String> children =
        milo.getAddressSpace().browse(NodeIds.Server_ServerRedundancy).stream()
            .map(r -> r.getBrowseName().name())
            .toList();
    assertThat(children)
        .contains("RedundancySupport", "ServerUriArray")
        .doesNotContain("RedundantServerArray")
        .doesNotHaveDuplicates();
  }

  @Test
  void subscribersSeeEveryServiceLevelChange() throws Exception {
    assertThat(admin.serviceLevel()).isEqualTo(150);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    try (AutoCloseable ignored = admin.subscribeServiceLevel(50, seen::add)) {
      await().atMost(WAIT).until(() -> seen.contains(150));
      endpoint.setServiceLevel(255);
      await().atMost(WAIT).until(() -> last(seen) == 255);
      endpoint.setServiceLevel(0);
      await().atMost(WAIT).until(() -> last(seen) == 0);
      endpoint.setServiceLevel(150);
      await().atMost(WAIT).until(() -> last(seen) == 150);
    }
    assertThat(seen).containsSubsequence(150, 255, 0, 150);
    assertThatThrownBy(() -> endpoint.setServiceLevel(256))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void adminVariablesAreReadable() throws Exception {
    assertThat(admin.statusJson()).isEqualTo("{\"state\":\"STANDBY\"}");
    assertThat(readAdmin("Domain.Name")).isEqualTo("demo");
    assertThat(readAdmin("Domain.Version")).isEqualTo(12L);
    assertThat(readAdmin("Domain.Main")).isEqualTo("alpha");
    assertThat(readAdmin("Server.Name")).isEqualTo("alpha");
    assertThat(readAdmin("Server.Term")).isEqualTo(7L);
    assertThat(readAdmin("Server.Health")).isEqualTo(3);
    assertThat(readAdmin("Server.RuntimeReady")).isEqualTo(true);
    assertThat(readAdmin("Server.Pid")).isEqualTo(4242L);
    assertThat(readAdmin("Server.Links")).isEqualTo("[]");
    assertThat(((Number) readAdmin("Server.ServiceLevel")).intValue()).isEqualTo(150);
  }

  @Test
  void subscribersSeePublishedStatus() throws Exception {
    List<Object> states = new CopyOnWriteArrayList<>();
    var subscription = new OpcUaSubscription(milo, 50.0);
    subscription.create();
    try {
      var item = OpcUaMonitoredItem.newDataItem(adminNode("Server.State"));
      item.setSamplingInterval(50.0);
      item.setDataValueListener((i, v) -> states.add(v.value().value()));
      subscription.addMonitoredItem(item);
      subscription.synchronizeMonitoredItems();
      await().atMost(WAIT).until(() -> states.contains("STANDBY"));

      endpoint.publish(status("ACTIVE", 8, "{\"state\":\"ACTIVE\"}"));
      await().atMost(WAIT).until(() -> states.contains("ACTIVE"));
      assertThat(admin.statusJson()).isEqualTo("{\"state\":\"ACTIVE\"}");
      assertThat(readAdmin("Server.Term")).isEqualTo(8L);
    } finally {
      subscription.delete();
      endpoint.publish(status("STANDBY", 7, "{\"state\":\"STANDBY\"}"));
    }
  }

  @Test
  void activateReturnsTheHandlersAnswer() throws Exception {
    onActivate.set(() -> new ActivateResult(true, "alpha becomes active"));
    assertThat(admin.activate().accepted()).isTrue();
    assertThat(admin.activate().message()).isEqualTo("alpha becomes active");

    onActivate.set(() -> new ActivateResult(false, "versions differ"));
    var rejected = admin.activate();
    assertThat(rejected.accepted()).isFalse();
    assertThat(rejected.message()).isEqualTo("versions differ");

    onActivate.set(
        () -> {
          throw new IllegalStateException("role machine is gone");
        });
    assertThat(admin.activate().message()).contains("role machine is gone");
  }

  @Test
  void activateThatDoesNotAnswerInTimeIsReportedNotAccepted() throws Exception {
    var release = new CountDownLatch(1);
    onActivate.set(
        () -> {
          try {
            release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new ActivateResult(true, "late");
        });
    try {
      var result = admin.activate();
      assertThat(result.accepted()).isFalse();
      assertThat(result.message()).contains("no answer within 1000 ms");
    } finally {
      release.countDown();
    }
  }

  @Test
  void anotherEndpointOnTheSamePortFailsNamingIt() throws Exception {
    var second = new OpcUaEndpoint(config(port, tmp.resolve("pki2"), null));
    try {
      assertThatThrownBy(second::start)
          .isInstanceOf(OpcUaEndpointException.class)
          .hasMessageContaining("127.0.0.1:" + port)
          .hasMessageContaining("in use")
          .hasMessageNotContaining("\n");
    } finally {
      second.close();
      second.close();
    }
    assertThat(admin.serviceLevel()).isEqualTo(endpoint.serviceLevel());
  }

  @Test
  void certificateIsMadeOnFirstStartAndKept() throws Exception {
    Path pfx = tmp.resolve("pki").resolve("application.pfx");
    assertThat(pfx).exists();
    byte[] before = Files.readAllBytes(pfx);
    try (var again =
        ApplicationPki.open(
            tmp.resolve("pki"), "urn:hotstandby:demo:alpha", "alpha", java.util.Set.of())) {
      assertThat(Files.readAllBytes(pfx)).isEqualTo(before);
      assertThat(again.certificate().getSubjectX500Principal().getName()).contains("alpha");
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void closeTwiceIsHarmlessAndFreesThePort() {
    assertThatCode(
            () -> {
              endpoint.close();
              endpoint.close();
            })
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> AdminClient.connect(endpoint.endpointUrl(), Duration.ofSeconds(2)))
        .isInstanceOf(AdminClientException.class)
        .hasMessageContaining("connection refused");
    assertThatThrownBy(endpoint::start).isInstanceOf(IllegalStateException.class);
  }

  private static Object readAdmin(String id) throws Exception {
    return milo.readValue(0.0, TimestampsToReturn.Neither, adminNode(id)).value().value();
  }

  private static NodeId adminNode(String id) {
    return new NodeId(milo.getNamespaceTable().getIndex(AdminNamespace.URI), id);
  }

  private static int last(List<Integer> values) {
    return values.isEmpty() ? -1 : values.get(values.size() - 1);
  }

  private static OpcUaEndpointConfig config(int port, Path pki, Duration activateTimeout) {
    return new OpcUaEndpointConfig(
        "127.0.0.1",
        port,
        "demo",
        "alpha",
        "hotstandby",
        "0.1.0-test",
        pki,
        URIS,
        () -> onActivate.get().activate(),
        activateTimeout);
  }

  private static AdminStatus status(String state, long term, String json) {
    return new AdminStatus(
        "demo",
        12,
        "ab12",
        "alpha",
        "beta",
        "alpha",
        state,
        term,
        150,
        3,
        true,
        "0.1.0-test",
        12,
        4242,
        "[]",
        "[{\"name\":\"beta\"}]",
        json);
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
