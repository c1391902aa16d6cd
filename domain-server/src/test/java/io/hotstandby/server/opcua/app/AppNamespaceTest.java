package io.hotstandby.server.opcua.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hotstandby.admin.client.ClientPki;
import io.hotstandby.domain.PasswordHash;
import io.hotstandby.domain.UserRole;
import io.hotstandby.domain.UserSpec;
import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagValue;
import io.hotstandby.server.opcua.ActivateResult;
import io.hotstandby.server.opcua.AdminStatus;
import io.hotstandby.server.opcua.OpcUaEndpoint;
import io.hotstandby.server.opcua.OpcUaEndpointConfig;
import io.hotstandby.server.opcua.SessionUser;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Threads;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real endpoint on loopback serving a fake application, seen through a plain Milo client logged
 * in as an operator over an encrypted channel, and an anonymous one (the endpoint allows anonymous
 * reading).
 */
class AppNamespaceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration WRITE_TIMEOUT = Duration.ofMillis(500);
  private static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678Z");
  private static final Instant T1 = Instant.parse("2025-01-02T03:04:06Z");

  @TempDir static Path tmp;
  private static FakeView app;
  private static OpcUaEndpoint endpoint;
  private static OpcUaClient milo;
  private static OpcUaClient anonymous;
  private static final List<List<Object>> audited = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    app = new FakeView();
    endpoint = new OpcUaEndpoint(config(FreePorts.next()));
    endpoint.registerApplication(app, WRITE_TIMEOUT);
    String hash = PasswordHash.create("operator-password".toCharArray());
    endpoint.registerUsers(() -> List.of(new UserSpec("operator", UserRole.OPERATOR, hash)));
    endpoint.allowAnonymousRead(true);
    endpoint.registerAudit(
        (user, action, target, value, result) ->
            audited.add(List.of(user.name(), user.client(), action, target, result)));
    endpoint.publish(
        new AdminStatus(
            "demo",
            1,
            "",
            "alpha",
            "beta",
            "alpha",
            "STANDBY",
            1,
            1,
            0,
            true,
            "0.1.0-test",
            1,
            1,
            "[]",
            "[]",
            "{}",
            "null",
            "{}"));
    endpoint.start();
    System.setProperty("hotstandby.clientPki", tmp.resolve("client-pki").toString());
    milo = operatorClient(endpoint.endpointUrl());
    milo.connect();
    anonymous = OpcUaClient.create(endpoint.endpointUrl());
    anonymous.connect();
  }

  /** A Milo client logged in as "operator" over SignAndEncrypt, with the tools' certificate. */
  static OpcUaClient operatorClient(String url) throws Exception {
    ClientPki pki = ClientPki.load();
    return OpcUaClient.create(
        url,
        endpoints ->
            endpoints.stream()
                .filter(e -> e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt)
                .findFirst(),
        transport -> {},
        client ->
            client
                .setKeyPair(pki.keyPair())
                .setCertificate(pki.certificate())
                .setCertificateChain(new java.security.cert.X509Certificate[] {pki.certificate()})
                .setApplicationUri(ClientPki.APPLICATION_URI)
                .setIdentityProvider(new UsernameProvider("operator", "operator-password")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (milo != null) {
      milo.disconnect();
    }
    if (anonymous != null) {
      anonymous.disconnect();
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  @BeforeEach
  void reset() {
    app.writes.clear();
    app.acks.clear();
    audited.clear();
    app.onWrite.set(w -> CompletableFuture.completedFuture(WriteOutcome.written()));
    app.onAck.set(a -> new WriteOutcome(true, "acknowledged"));
  }

  @Test
  void browseFindsTheTagsInFoldersUnderApplication() throws Exception {
    assertThat(names(NodeIds.ObjectsFolder)).contains("Application", "Domain", "Server");
    assertThat(names(node("Application")))
        .containsExactlyInAnyOrder("Tank1", "Pump1", "Line", "Area1", "Alarms");
    assertThat(names(node("Tank1"))).containsExactlyInAnyOrder("Level", "Setpoint");
    assertThat(names(node("Area1"))).containsExactly("Tank2");
    assertThat(names(node("Area1.Tank2"))).containsExactly("Temperature");

    ReferenceDescription level =
        milo.getAddressSpace().browse(node("Tank1")).stream()
            .filter(r -> r.getBrowseName().name().equals("Level"))
            .findFirst()
            .orElseThrow();
    assertThat(level.getNodeId().toNodeId(milo.getNamespaceTable()).orElseThrow())
        .isEqualTo(node("Tank1.Level"));
  }

  @Test
  void tagsThatClashWithReservedNamesOrOtherTagsAreLeftOut() throws Exception {
    assertThat(names(node("Alarms"))).doesNotContain("Horn");
    assertThat(read("Alarms.Horn").statusCode().value()).isEqualTo(StatusCodes.Bad_NodeIdUnknown);
    assertThat(read("Tank1.Level.Raw").statusCode().value())
        .isEqualTo(StatusCodes.Bad_NodeIdUnknown);
    assertThat(read("Tank1.Level").value().value()).isEqualTo(2.5);
  }

  @Test
  void readReturnsValueQualityAndTheRuntimesTimestamps() throws Exception {
    DataValue level = read("Tank1.Level");
    assertThat(level.value().value()).isEqualTo(2.5);
    assertThat(level.statusCode()).isEqualTo(StatusCode.GOOD);
    assertThat(level.sourceTime()).isEqualTo(new DateTime(T0));
    assertThat(level.serverTime()).isEqualTo(new DateTime(T1));

    DataValue running = read("Pump1.Running");
    assertThat(running.value().value()).isEqualTo(true);
    assertThat(running.statusCode().isUncertain()).isTrue();

    DataValue starts = read("Pump1.Starts");
    assertThat(starts.statusCode().isBad()).isTrue();

    assertThat(read("Line.Count").value().value()).isEqualTo(12_000_000_000L);
    assertThat(read("Line.Recipe").value().value()).isEqualTo("A");
    assertThat(read("Area1.Tank2.Temperature").statusCode().value())
        .isEqualTo(StatusCodes.Bad_WaitingForInitialData);
  }

  @Test
  void variablesHaveTheTagsDataTypeAccessLevelAndUnit() throws Exception {
    assertThat(attribute("Tank1.Level", AttributeId.DataType)).isEqualTo(NodeIds.Double);
    assertThat(attribute("Pump1.Running", AttributeId.DataType)).isEqualTo(NodeIds.Boolean);
    assertThat(attribute("Pump1.Starts", AttributeId.DataType)).isEqualTo(NodeIds.Int32);
    assertThat(attribute("Line.Count", AttributeId.DataType)).isEqualTo(NodeIds.Int64);
    assertThat(attribute("Line.Recipe", AttributeId.DataType)).isEqualTo(NodeIds.String);

    assertThat(((UByte) attribute("Tank1.Level", AttributeId.AccessLevel)).intValue()).isEqualTo(1);
    assertThat(((UByte) attribute("Tank1.Setpoint", AttributeId.AccessLevel)).intValue())
        .isEqualTo(3);

    Object eu = read("Tank1.Level.EngineeringUnits").value().value();
    EUInformation unit =
        (EUInformation) ((ExtensionObject) eu).decode(milo.getStaticEncodingContext());
    assertThat(unit.getDisplayName().text()).isEqualTo("m");
    assertThat(names(node("Pump1.Running"))).doesNotContain("EngineeringUnits");
  }

  @Test
  void subscribersSeeChangesTheRuntimeReports() throws Exception {
    List<DataValue> seen = new CopyOnWriteArrayList<>();
    var subscription = new OpcUaSubscription(milo, 50.0);
    subscription.create();
    try {
      var item = OpcUaMonitoredItem.newDataItem(node("Tank1.Setpoint"));
      item.setSamplingInterval(50.0);
      item.setDataValueListener((i, v) -> seen.add(v));
      subscription.addMonitoredItem(item);
      subscription.synchronizeMonitoredItems();
      await().atMost(WAIT).until(() -> values(seen).contains(3.0));

      Instant t = Instant.parse("2025-02-01T00:00:00Z");
      app.change("Tank1.Setpoint", new TagValue(3.75, Quality.GOOD, t, t));
      await().atMost(WAIT).until(() -> values(seen).contains(3.75));
      app.change("Tank1.Setpoint", new TagValue(3.75, Quality.BAD, t, t.plusSeconds(1)));
      await().atMost(WAIT).until(() -> seen.get(seen.size() - 1).statusCode().isBad());
      assertThat(seen.get(seen.size() - 1).sourceTime()).isEqualTo(new DateTime(t));
    } finally {
      subscription.delete();
      app.change("Tank1.Setpoint", new TagValue(3.0, Quality.GOOD, T0, T1));
    }
  }

  @Test
  void writeToAWritableTagReachesTheRuntimeWithValueAndUser() throws Exception {
    assertThat(write("Tank1.Setpoint", new Variant(4.5))).isEqualTo(StatusCode.GOOD);
    assertThat(write("Pump1.Running", new Variant(false))).isEqualTo(StatusCode.GOOD);
    assertThat(write("Line.Count", new Variant(7))).isEqualTo(StatusCode.GOOD); // Int32 widens
    assertThat(write("Line.Recipe", new Variant("B"))).isEqualTo(StatusCode.GOOD);
    assertThat(app.writes)
        .containsExactly(
            new Write("Tank1.Setpoint", 4.5, "operator"),
            new Write("Pump1.Running", false, "operator"),
            new Write("Line.Count", 7L, "operator"),
            new Write("Line.Recipe", "B", "operator"));
  }

  @Test
  void writeRefusedByAStandbyIsABadStatusWithTheReason() throws Exception {
    app.onWrite.set(
        w ->
            CompletableFuture.supplyAsync(() -> WriteOutcome.refused("this server is not ACTIVE")));
    WriteResponse response =
        milo.write(
            List.of(
                new WriteValue(
                    node("Tank1.Setpoint"),
                    AttributeId.Value.uid(),
                    null,
                    DataValue.valueOnly(new Variant(5.0)))));
    StatusCode status = response.getResults()[0];
    assertThat(status.isBad()).isTrue();
    assertThat(status.value()).isEqualTo(StatusCodes.Bad_InvalidState);
    assertThat(response.getDiagnosticInfos()).hasSize(1);
    assertThat(response.getDiagnosticInfos()[0].additionalInfo())
        .isEqualTo("refused: this server is not ACTIVE");
    assertThat(app.writes).containsExactly(new Write("Tank1.Setpoint", 5.0, "operator"));
  }

  @Test
  void otherRefusalsAndFailuresGetFittingBadStatuses() throws Exception {
    app.onWrite.set(w -> CompletableFuture.completedFuture(WriteOutcome.failed("plc: timeout")));
    assertThat(write("Tank1.Setpoint", new Variant(5.0)).value())
        .isEqualTo(StatusCodes.Bad_CommunicationError);

    app.onWrite.set(
        w -> CompletableFuture.completedFuture(WriteOutcome.refused("permission denied")));
    assertThat(write("Tank1.Setpoint", new Variant(5.0)).value())
        .isEqualTo(StatusCodes.Bad_UserAccessDenied);

    app.onWrite.set(w -> CompletableFuture.failedFuture(new IllegalStateException("link down")));
    assertThat(write("Tank1.Setpoint", new Variant(5.0)).value())
        .isEqualTo(StatusCodes.Bad_CommunicationError);

    app.onWrite.set(
        w -> {
          throw new IllegalStateException("boom");
        });
    assertThat(write("Tank1.Setpoint", new Variant(5.0)).isBad()).isTrue();
  }

  @Test
  void writeWithoutAnAnswerInTimeIsBadTimeout() throws Exception {
    var never = new CompletableFuture<WriteOutcome>();
    app.onWrite.set(w -> never);
    long t0 = System.nanoTime();
    assertThat(write("Tank1.Setpoint", new Variant(6.0)).value())
        .isEqualTo(StatusCodes.Bad_Timeout);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(WRITE_TIMEOUT)
        .isLessThan(WAIT);
  }

  /** AsyncOpcUaServer.MAX_PENDING: writes waiting for the runtime, all sessions together. */
  static final int MAX_PENDING = 1000;

  @Test
  void writesBeyondThoseTheServerLetsWaitAreRefusedAtOnceWithTooManyOperations() throws Exception {
    var never = new CompletableFuture<WriteOutcome>();
    app.onWrite.set(w -> never);
    int before = app.writes.size();
    CompletableFuture<List<StatusCode>> waiting =
        milo.writeValuesAsync(
            java.util.Collections.nCopies(MAX_PENDING, node("Tank1.Setpoint")),
            java.util.Collections.nCopies(MAX_PENDING, DataValue.valueOnly(new Variant(7.0))));
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> app.writes.size() - before == MAX_PENDING);

    assertThatThrownBy(() -> write("Line.Recipe", new Variant("D")))
        .hasRootCauseInstanceOf(UaException.class)
        .rootCause()
        .satisfies(
            e ->
                assertThat(((UaException) e).getStatusCode().getValue())
                    .isEqualTo(StatusCodes.Bad_TooManyOperations));
    assertThat(app.writes.size() - before)
        .as("the refused write never reached the runtime")
        .isEqualTo(MAX_PENDING);
    // Their timeout ends the waiting writes and gives their places back.
    assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .allMatch(st -> st.getValue() == StatusCodes.Bad_Timeout);
    app.onWrite.set(w -> CompletableFuture.completedFuture(WriteOutcome.written()));
    assertThat(write("Line.Recipe", new Variant("D"))).isEqualTo(StatusCode.GOOD);
  }

  @Test
  void writesOfOneRequestWaitTogether() throws Exception {
    var release = new CompletableFuture<WriteOutcome>();
    app.onWrite.set(w -> release);
    CompletableFuture<List<StatusCode>> statuses =
        milo.writeValuesAsync(
            List.of(node("Tank1.Setpoint"), node("Line.Recipe")),
            List.of(DataValue.valueOnly(new Variant(1.0)), DataValue.valueOnly(new Variant("C"))));
    await().atMost(WAIT).until(() -> app.writes.size() == 2);
    release.complete(WriteOutcome.written());
    assertThat(statuses.get()).containsExactly(StatusCode.GOOD, StatusCode.GOOD);
  }

  @Test
  void aWriteWaitingForTheRuntimeHoldsNoThreadOfTheServer() throws Exception {
    var release = new CompletableFuture<WriteOutcome>();
    app.onWrite.set(w -> release);
    CompletableFuture<List<StatusCode>> statuses =
        milo.writeValuesAsync(
            List.of(node("Tank1.Setpoint")), List.of(DataValue.valueOnly(new Variant(2.0))));
    await().atMost(WAIT).until(() -> app.writes.size() == 1);
    // The answer comes when the runtime's future completes; no thread waits for it meanwhile.
    assertThat(Threads.waitingIn("io.hotstandby.server.opcua.", AppNamespaceTest.class)).isEmpty();
    release.complete(WriteOutcome.written());
    assertThat(statuses.get()).containsExactly(StatusCode.GOOD);
  }

  @Test
  void writeToAReadOnlyTagIsBadNotWritable() throws Exception {
    assertThat(write("Tank1.Level", new Variant(9.0)).value())
        .isEqualTo(StatusCodes.Bad_NotWritable);
    assertThat(write("Alarms.Tank1High.Active", new Variant(false)).value())
        .isEqualTo(StatusCodes.Bad_NotWritable);
    assertThat(app.writes).isEmpty();
  }

  @Test
  void writeOfAValueOfAnotherTypeIsBadTypeMismatch() throws Exception {
    assertThat(write("Tank1.Setpoint", new Variant("high")).value())
        .isEqualTo(StatusCodes.Bad_TypeMismatch);
    assertThat(write("Pump1.Running", new Variant(1)).value())
        .isEqualTo(StatusCodes.Bad_TypeMismatch);
    assertThat(app.writes).isEmpty();
  }

  @Test
  void alarmVariablesShowTheAlarmAndFollowItsChanges() throws Exception {
    assertThat(names(node("Alarms"))).contains("Acknowledge", "Tank1High");
    assertThat(names(node("Alarms.Tank1High")))
        .contains("Active", "Acknowledged", "Severity", "Message", "Limit", "Tag");
    assertThat(read("Alarms.Tank1High.Active").value().value()).isEqualTo(true);
    assertThat(read("Alarms.Tank1High.Acknowledged").value().value()).isEqualTo(false);
    assertThat(read("Alarms.Tank1High.Severity").value().value()).isEqualTo(UShort.valueOf(700));
    assertThat(read("Alarms.Tank1High.Message").value().value()).isEqualTo("Tank 1 level high");
    assertThat(read("Alarms.Tank1High.Limit").value().value()).isEqualTo("HI");
    assertThat(read("Alarms.Tank1High.Tag").value().value()).isEqualTo("Tank1.Level");
    assertThat(read("Alarms.Pump1Fault.Limit").value().value()).isEqualTo("");

    try {
      app.change(
          new AlarmView("Tank1High", "Tank1.Level", false, true, 700, "Tank 1 level high", ""));
      await()
          .atMost(WAIT)
          .until(() -> read("Alarms.Tank1High.Acknowledged").value().value().equals(true));
      assertThat(read("Alarms.Tank1High.Active").value().value()).isEqualTo(false);
      assertThat(read("Alarms.Tank1High.Limit").value().value()).isEqualTo("");
    } finally {
      app.change(tank1High());
    }
  }

  @Test
  void acknowledgeMethodCallsTheRuntimeAndReturnsItsAnswer() throws Exception {
    CallMethodResult ok = acknowledge("Tank1High", "seen, draining");
    assertThat(ok.getStatusCode().isGood()).isTrue();
    assertThat(ok.getOutputArguments()[0].value()).isEqualTo(true);
    assertThat(ok.getOutputArguments()[1].value()).isEqualTo("acknowledged");
    assertThat(app.acks).containsExactly(List.of("Tank1High", "operator", "seen, draining"));

    app.onAck.set(a -> WriteOutcome.refused("this server is not ACTIVE"));
    CallMethodResult refused = acknowledge("Tank1High", "");
    assertThat(refused.getOutputArguments()[0].value()).isEqualTo(false);
    assertThat(refused.getOutputArguments()[1].value())
        .isEqualTo("refused: this server is not ACTIVE");

    app.onAck.set(
        a -> {
          throw new IllegalStateException("engine gone");
        });
    CallMethodResult failed = acknowledge("Tank1High", "x");
    assertThat(failed.getOutputArguments()[0].value()).isEqualTo(false);
    assertThat((String) failed.getOutputArguments()[1].value()).contains("engine gone");
  }

  @Test
  void anAnonymousReaderCannotWriteNorAcknowledgeAndEachRefusalIsAudited() throws Exception {
    assertThat(anonymous.readValue(0, TimestampsToReturn.Both, node("Tank1.Level")).statusCode())
        .isEqualTo(StatusCode.GOOD);

    StatusCode written =
        anonymous
            .writeValues(
                List.of(node("Tank1.Setpoint")), List.of(DataValue.valueOnly(new Variant(9.0))))
            .get(0);
    CallMethodResult acked =
        anonymous.call(
                List.of(
                    new CallMethodRequest(
                        node("Alarms"),
                        node("Alarms.Acknowledge"),
                        new Variant[] {new Variant("Tank1High"), new Variant("")})))
            .getResults()[0];

    assertThat(written.value()).isEqualTo(StatusCodes.Bad_UserAccessDenied);
    assertThat(acked.getStatusCode().value()).isEqualTo(StatusCodes.Bad_UserAccessDenied);
    assertThat(app.writes).isEmpty();
    assertThat(app.acks).isEmpty();
    assertThat(audited)
        .extracting(a -> a.subList(0, 4))
        .containsExactly(
            List.of("anonymous", "127.0.0.1", "write", "Tank1.Setpoint"),
            List.of("anonymous", "127.0.0.1", "acknowledge", "Tank1High"));
    assertThat(audited)
        .allSatisfy(
            a ->
                assertThat((String) a.get(4))
                    .startsWith("refused: ")
                    .contains("needs the Operator role"));
  }

  @Test
  void adminNamespaceAndRedundancyAreUnchanged() throws Exception {
    var admin =
        new NodeId(milo.getNamespaceTable().getIndex("urn:hotstandby:admin"), "Server.Name");
    assertThat(milo.readValue(0, TimestampsToReturn.Neither, admin).value().value())
        .isEqualTo("alpha");
    assertThat(
            milo.readValue(0, TimestampsToReturn.Neither, NodeIds.Server_ServiceLevel)
                .value()
                .value())
        .isEqualTo(UByte.valueOf(OpcUaEndpoint.INITIAL_SERVICE_LEVEL));
    assertThat(names(NodeIds.Server_ServerRedundancy)).contains("ServerUriArray");
  }

  @Test
  void anApplicationIsRegisteredOnceAndBeforeStart(@TempDir Path pki) throws Exception {
    assertThatThrownBy(() -> endpoint.registerApplication(new FakeView()))
        .isInstanceOf(IllegalStateException.class);
    try (var other = new OpcUaEndpoint(config(FreePorts.next(), pki))) {
      other.registerApplication(new FakeView());
      assertThatThrownBy(() -> other.registerApplication(new FakeView()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already registered");
    }
  }

  @Test
  void aChangeReportedWhileTheNodesAreBuiltIsNotLost(@TempDir Path pki) throws Exception {
    Instant t = Instant.parse("2025-03-01T00:00:00Z");
    var view =
        new FakeView() {
          @Override
          public TagValue read(String path) {
            // The runtime reports a change after the namespace listens, before it reads a value
            // that is older than that change (as a read racing the notification can be).
            if (path.equals("Tank1.Level")) {
              change("Tank1.Level", new TagValue(7.25, Quality.GOOD, t, t));
              return new TagValue(2.5, Quality.GOOD, T0, T1);
            }
            return super.read(path);
          }
        };
    try (var other = new OpcUaEndpoint(config(FreePorts.next(), pki))) {
      other.registerApplication(view);
      other.allowAnonymousRead(true);
      other.start();
      OpcUaClient client = OpcUaClient.create(other.endpointUrl());
      client.connect();
      try {
        var level =
            new NodeId(
                client.getNamespaceTable().getIndex(ApplicationNamespace.URI), "Tank1.Level");
        assertThat(client.readValue(0, TimestampsToReturn.Both, level).value().value())
            .isEqualTo(7.25);
      } finally {
        client.disconnect();
      }
    }
  }

  // region helpers

  private static DataValue read(String id) throws Exception {
    return milo.readValue(0, TimestampsToReturn.Both, node(id));
  }

  private static Object attribute(String id, AttributeId attribute) throws Exception {
    var rv = new ReadValueId(node(id), attribute.uid(), null, null);
    return milo.read(0, TimestampsToReturn.Neither, List.of(rv)).getResults()[0].value().value();
  }

  private static StatusCode write(String id, Variant value) throws Exception {
    return milo.writeValues(List.of(node(id)), List.of(DataValue.valueOnly(value))).get(0);
  }

  private static CallMethodResult acknowledge(String name, String comment) throws Exception {
    var request =
        new CallMethodRequest(
            node("Alarms"),
            node("Alarms.Acknowledge"),
            new Variant[] {new Variant(name), new Variant(comment)});
    return milo.call(List.of(request)).getResults()[0];
  }

  private static List<String> names(NodeId id) throws Exception {
    return milo.getAddressSpace().browse(id).stream().map(r -> r.getBrowseName().name()).toList();
  }

  private static NodeId node(String id) {
    return new NodeId(milo.getNamespaceTable().getIndex(ApplicationNamespace.URI), id);
  }

  private static List<Object> values(List<DataValue> values) {
    return values.stream().map(v -> v.value().value()).toList();
  }

  private static OpcUaEndpointConfig config(int port) {
    return config(port, tmp.resolve("pki"));
  }

  private static OpcUaEndpointConfig config(int port, Path pki) {
    return new OpcUaEndpointConfig(
        "127.0.0.1",
        port,
        "demo",
        "alpha",
        "hotstandby",
        "0.1.0-test",
        pki,
        List.of("urn:hotstandby:demo:alpha", "urn:hotstandby:demo:beta"),
        user -> CompletableFuture.completedFuture(new ActivateResult(false, "not in this test")),
        null);
  }

  private static TagSpec tag(String path, DataType type, String unit, boolean writable) {
    return new TagSpec(path, type, null, null, unit, 0, 0.0, writable, null, false);
  }

  private static AlarmView tank1High() {
    return new AlarmView("Tank1High", "Tank1.Level", true, false, 700, "Tank 1 level high", "HI");
  }

  // endregion

  record Write(String path, Object value, String user) {}

  /** The runtime as the namespace sees it: fixed tags and alarms, values set by the test. */
  static class FakeView implements ApplicationView {
    final List<Write> writes = new CopyOnWriteArrayList<>();
    final List<List<String>> acks = new CopyOnWriteArrayList<>();
    final AtomicReference<Function<Write, CompletableFuture<WriteOutcome>>> onWrite =
        new AtomicReference<>(w -> CompletableFuture.completedFuture(WriteOutcome.written()));
    final AtomicReference<Function<List<String>, WriteOutcome>> onAck =
        new AtomicReference<>(a -> new WriteOutcome(true, "acknowledged"));

    private final List<BiConsumer<String, TagValue>> tagListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<AlarmView>> alarmListeners = new CopyOnWriteArrayList<>();
    private final Map<String, TagValue> values = new ConcurrentHashMap<>();

    FakeView() {
      values.put("Tank1.Level", new TagValue(2.5, Quality.GOOD, T0, T1));
      values.put("Tank1.Setpoint", new TagValue(3.0, Quality.GOOD, T0, T1));
      values.put("Pump1.Running", new TagValue(true, Quality.UNCERTAIN, T0, T1));
      values.put("Pump1.Starts", new TagValue(41, Quality.BAD, T0, T1));
      values.put("Line.Count", new TagValue(12_000_000_000L, Quality.GOOD, T0, T1));
      values.put("Line.Recipe", new TagValue("A", Quality.GOOD, T0, T1));
    }

    @Override
    public List<TagSpec> tags() {
      return List.of(
          tag("Tank1.Level", DataType.DOUBLE, "m", false),
          tag("Tank1.Setpoint", DataType.DOUBLE, "m", true),
          tag("Pump1.Running", DataType.BOOLEAN, "", true),
          tag("Pump1.Starts", DataType.INT32, "", false),
          tag("Line.Count", DataType.INT64, "", true),
          tag("Line.Recipe", DataType.STRING, "", true),
          tag("Area1.Tank2.Temperature", DataType.DOUBLE, "degC", false),
          // Left out: a reserved top-level name, and a tag under another tag.
          tag("Alarms.Horn", DataType.BOOLEAN, "", true),
          tag("Tank1.Level.Raw", DataType.INT32, "", false));
    }

    @Override
    public TagValue read(String path) {
      return values.get(path);
    }

    @Override
    public void addTagListener(BiConsumer<String, TagValue> listener) {
      tagListeners.add(listener);
    }

    void change(String path, TagValue value) {
      values.put(path, value);
      tagListeners.forEach(l -> l.accept(path, value));
    }

    @Override
    public CompletableFuture<WriteOutcome> write(String path, Object value, SessionUser user) {
      var w = new Write(path, value, user.name());
      writes.add(w);
      return onWrite.get().apply(w);
    }

    @Override
    public List<AlarmView> alarms() {
      return List.of(
          tank1High(),
          new AlarmView("Pump1Fault", "Pump1.Running", false, true, 500, "Pump 1 fault", null));
    }

    @Override
    public void addAlarmListener(Consumer<AlarmView> listener) {
      alarmListeners.add(listener);
    }

    void change(AlarmView alarm) {
      alarmListeners.forEach(l -> l.accept(alarm));
    }

    @Override
    public WriteOutcome acknowledge(String alarm, SessionUser user, String comment) {
      var a = List.of(alarm, user.name(), comment);
      acks.add(a);
      return onAck.get().apply(a);
    }
  }
}
