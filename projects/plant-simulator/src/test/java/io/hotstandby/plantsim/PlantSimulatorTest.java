package io.hotstandby.plantsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.opcua.ApplicationPki;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Timing;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The simulator started in-process from its command line, on loopback, with a real Milo client.
 * Each test gets a simulator of its own (it starts in about a second), so no test sees another's
 * writes.
 */
class PlantSimulatorTest {
  private static final Duration WAIT = Timing.seconds(15);
  private static final List<Long> NOT_WRITABLE =
      List.of(StatusCodes.Bad_NotWritable, StatusCodes.Bad_UserAccessDenied);

  // One key store for the class: making the certificate is the slow part of a start.
  @TempDir static Path tmp;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private int port;
  private PlantSimulator simulator;
  private Future<Integer> running;
  private OpcUaClient client;

  @BeforeEach
  void start() throws Exception {
    port = FreePorts.next();
    simulator = new PlantSimulator();
    CommandLine cli = new CommandLine(simulator);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] args = {
      "--port", String.valueOf(port), "--tick-ms", "100", "--pki", tmp.resolve("pki").toString()
    };
    running = executor.submit(() -> cli.execute(args));
    await()
        .atMost(WAIT)
        .until(() -> out.toString().contains(System.lineSeparator()) || running.isDone());
    if (running.isDone()) {
      throw new AssertionError(
          "plant-simulator ended at start: " + running.get() + ", stderr: " + err, null);
    }
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString())
        .isEqualTo(
            "plant-simulator listening on opc.tcp://127.0.0.1:"
                + port
                + "/plant"
                + System.lineSeparator());
    client = OpcUaClient.create("opc.tcp://127.0.0.1:" + port + "/plant");
    client.connect();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (client != null) {
        client.disconnect();
      }
    } finally {
      if (simulator != null) {
        simulator.stop();
        assertThat(running.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        // The port is free again.
        try (ServerSocket again = new ServerSocket()) {
          again.setReuseAddress(true);
          again.bind(new InetSocketAddress("127.0.0.1", port));
        }
      }
      executor.shutdownNow();
    }
  }

  @Test
  void tank1LevelChanges() throws Exception {
    // Tank1 starts at 2.0 m and rises 0.005 m a tick: it moves for the first minute.
    double first = (Double) read("Tank1.Level");
    assertThat(first).isBetween(0.0, PlantModel.MAX_LEVEL_M);
    await().atMost(WAIT).until(() -> !read("Tank1.Level").equals(first));
    assertThat((Long) read("Plant.Heartbeat")).isPositive();
  }

  @Test
  void theSecureEndpointPresentsTheCertificateOfThePkiFolderAndServesTheTags() throws Exception {
    X509Certificate stored = ApplicationPki.storedCertificate(tmp.resolve("pki")).orElseThrow();
    EndpointDescription secure =
        DiscoveryClient.getEndpoints("opc.tcp://127.0.0.1:" + port + "/plant").get().stream()
            .filter(e -> e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt)
            .filter(e -> e.getSecurityPolicyUri().equals(SecurityPolicy.Basic256Sha256.getUri()))
            .findFirst()
            .orElseThrow();
    assertThat(secure.getServerCertificate().bytesOrEmpty()).isEqualTo(stored.getEncoded());

    KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate mine =
        new SelfSignedCertificateBuilder(keys).setApplicationUri("urn:test:client").build();
    OpcUaClient encrypted =
        OpcUaClient.create(
            OpcUaClientConfig.builder()
                .setEndpoint(secure)
                .setApplicationUri("urn:test:client")
                .setKeyPair(keys)
                .setCertificate(mine)
                .setCertificateChain(new X509Certificate[] {mine})
                .build());
    try {
      encrypted.connect();
      DataValue level =
          encrypted
              .readValues(0.0, TimestampsToReturn.Neither, List.of(node("Tank1.Level")))
              .get(0);
      assertThat(level.statusCode().isGood()).isTrue();
    } finally {
      encrypted.disconnect();
    }
  }

  @Test
  void subscriberSeesEveryTick() throws Exception {
    List<Long> beats = new CopyOnWriteArrayList<>();
    List<Double> levels = new CopyOnWriteArrayList<>();
    var subscription = new OpcUaSubscription(client, 50.0);
    subscription.create();
    try {
      var beat = OpcUaMonitoredItem.newDataItem(node("Plant.Heartbeat"));
      beat.setSamplingInterval(50.0);
      beat.setDataValueListener((i, v) -> beats.add((Long) v.value().value()));
      var level = OpcUaMonitoredItem.newDataItem(node("Tank1.Level"));
      level.setSamplingInterval(50.0);
      level.setDataValueListener((i, v) -> levels.add((Double) v.value().value()));
      subscription.addMonitoredItems(List.of(beat, level));
      subscription.synchronizeMonitoredItems();
      await().atMost(WAIT).until(() -> beats.size() >= 4 && levels.size() >= 3);
    } finally {
      subscription.delete();
    }
    assertThat(beats).isSorted().doesNotHaveDuplicates();
    assertThat(levels.stream().distinct().count()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void addressSpaceIsOrganisedInFolders() throws Exception {
    NodeId plant =
        browse(NodeIds.ObjectsFolder).stream()
            .filter(r -> r.getBrowseName().name().equals("Plant"))
            .findFirst()
            .orElseThrow()
            .getNodeId()
            .toNodeIdOrThrow(client.getNamespaceTable());
    List<String> folders =
        browse(plant).stream().map(r -> r.getBrowseName().name()).distinct().toList();
    assertThat(folders).containsExactlyInAnyOrderElementsOf(PlantTag.FOLDERS);
    assertThat(names(node("Pump1"))).contains("Run", "Speed", "Fault", "Reset");
    assertThat(names(node("Tank1"))).contains("Level", "InletOpen");
    assertThat(names(node("Plant"))).contains("Heartbeat", "LastWriter");
    assertThat(names(node("Tank1.Level"))).contains("EngineeringUnits", "EURange");
    assertThat(names(node("Flow.Rate"))).contains("EngineeringUnits");
    for (PlantTag tag : PlantTag.values()) {
      Object value = read(tag.id());
      assertThat(value).as(tag.id()).isInstanceOf(tag.type().javaType());
    }
  }

  @Test
  void stoppingThePumpIsSeenInLastWriterAndFlowRate() throws Exception {
    // The running pump has moved some water, so the total it stops at is not the initial zero.
    await().atMost(WAIT).until(() -> (Double) read("Flow.Total") > 0.0);
    assertThat(write("Pump1.Run", false)).isEqualTo(StatusCode.GOOD);
    await()
        .atMost(WAIT)
        .until(() -> ((String) read("Plant.LastWriter")).startsWith("Pump1.Run=false at "));
    await().atMost(WAIT).until(() -> read("Flow.Rate").equals(0.0));
    assertThat(read("Pump1.Run")).isEqualTo(false);
    double total = (Double) read("Flow.Total");
    assertThat(total).isPositive();
    long beat = (Long) read("Plant.Heartbeat");
    await().atMost(WAIT).until(() -> (Long) read("Plant.Heartbeat") > beat + 2);
    assertThat(read("Flow.Total")).isEqualTo(total);
    assertThat(read("Flow.Rate")).isEqualTo(0.0);

    assertThat(write("Pump1.Speed", 80.0)).isEqualTo(StatusCode.GOOD);
    assertThat(read("Pump1.Speed")).isEqualTo(80.0);
    assertThat((String) read("Plant.LastWriter")).startsWith("Pump1.Speed=80.0 at ");
    assertThat(write("Pump1.Reset", true)).isEqualTo(StatusCode.GOOD);
    assertThat(read("Pump1.Reset")).isEqualTo(false);
  }

  @Test
  void badWritesAreRefusedAndNotRecorded() throws Exception {
    double speed = (Double) read("Pump1.Speed");
    assertThat(write("Valve1.Open", false)).isEqualTo(StatusCode.GOOD);
    String last = (String) read("Plant.LastWriter");
    assertThat(last).startsWith("Valve1.Open=false at ");

    assertThat(write("Pump1.Run", 1).getValue()).isEqualTo(StatusCodes.Bad_TypeMismatch);
    assertThat(write("Pump1.Run", "true").getValue()).isEqualTo(StatusCodes.Bad_TypeMismatch);
    assertThat(write("Pump1.Speed", 50).getValue()).isEqualTo(StatusCodes.Bad_TypeMismatch);
    assertThat(write("Pump1.Speed", 150.0).getValue()).isEqualTo(StatusCodes.Bad_OutOfRange);
    // Milo's access controller refuses read-only variables before the namespace sees the write.
    assertThat(write("Tank1.Level", 3.0).getValue()).isIn(NOT_WRITABLE);
    assertThat(write("Plant.Heartbeat", 0L).getValue()).isIn(NOT_WRITABLE);

    assertThat(read("Plant.LastWriter")).isEqualTo(last);
    assertThat(read("Pump1.Speed")).isEqualTo(speed);
    assertThat(read("Valve1.Open")).isEqualTo(false);
  }

  @Test
  void secondSimulatorOnTheSamePortFailsInOneLine() {
    var out2 = new StringWriter();
    var err2 = new StringWriter();
    CommandLine cli = new CommandLine(new PlantSimulator());
    cli.setOut(new PrintWriter(out2, true));
    cli.setErr(new PrintWriter(err2, true));

    int code = cli.execute("--port", String.valueOf(port));

    assertThat(code).isEqualTo(3);
    assertThat(out2.toString()).isEmpty();
    assertThat(err2.toString().lines().toList())
        .singleElement()
        .asString()
        .startsWith("plant-simulator: cannot listen on 127.0.0.1:" + port + ": ")
        .contains("in use");
  }

  @Test
  void badArgumentsExitWithTwo() {
    var err2 = new StringWriter();
    CommandLine cli = new CommandLine(new PlantSimulator());
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err2, true));
    assertThat(cli.execute("--port", "0")).isEqualTo(2);
    assertThat(err2.toString()).contains("--port must be 1..65535");
  }

  private Object read(String id) throws Exception {
    DataValue v = client.readValue(0.0, TimestampsToReturn.Neither, node(id));
    assertThat(v.statusCode().isGood()).as("read %s: %s", id, v.statusCode()).isTrue();
    return v.value().value();
  }

  private StatusCode write(String id, Object value) throws Exception {
    return client
        .writeValues(List.of(node(id)), List.of(DataValue.valueOnly(new Variant(value))))
        .get(0);
  }

  private List<ReferenceDescription> browse(NodeId id) throws Exception {
    return client.getAddressSpace().browse(id);
  }

  private List<String> names(NodeId id) throws Exception {
    return browse(id).stream().map(r -> r.getBrowseName().name()).toList();
  }

  private NodeId node(String id) {
    var index = client.getNamespaceTable().getIndex(PlantServer.NAMESPACE_URI);
    assertThat(index).as("namespace %s", PlantServer.NAMESPACE_URI).isNotNull();
    return new NodeId(index, id);
  }
}
