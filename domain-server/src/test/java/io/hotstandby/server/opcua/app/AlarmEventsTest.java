package io.hotstandby.server.opcua.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.domain.PasswordHash;
import io.hotstandby.domain.UserRole;
import io.hotstandby.domain.UserSpec;
import io.hotstandby.server.opcua.ActivateResult;
import io.hotstandby.server.opcua.OpcUaEndpoint;
import io.hotstandby.server.opcua.OpcUaEndpointConfig;
import io.hotstandby.testkit.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ContentFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.EventFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.SimpleAttributeOperand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alarms as OPC UA Alarms & Conditions clients see them: two real endpoints (alpha and beta)
 * serving the same alarm states, read and subscribed to by plain Milo clients.
 */
class AlarmEventsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Instant START = Instant.parse("2025-04-01T08:00:00.123456789Z");
  private static final Instant RAISED = Instant.parse("2025-04-01T08:05:00.250Z");
  private static final Instant ACKED = Instant.parse("2025-04-01T08:06:30.500Z");

  /** The fields each event subscription selects, in this order. */
  private static final String[] FIELDS = {
    "EventId",
    "EventType",
    "SourceName",
    "Message",
    "Severity",
    "Time",
    "ConditionId",
    "Retain",
    "ActiveState",
    "AckedState",
    "ClientUserId",
    "Comment",
    "ActiveState/TransitionTime"
  };

  @TempDir Path tmp;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<List<String>> audited = new CopyOnWriteArrayList<>();
  private Server alpha;
  private Server beta;

  @BeforeEach
  void start() throws Exception {
    alpha = start("alpha");
    beta = start("beta");
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void theSameStateHasTheSameEventIdOnTwoIndependentServers() throws Exception {
    ByteString quiet = alpha.eventId("Tank1High");
    assertThat(quiet.length()).isEqualTo(AlarmIdentity.EVENT_ID_BYTES);
    assertThat(beta.eventId("Tank1High")).isEqualTo(quiet);
    assertThat(beta.eventId("Pump1Fault"))
        .isEqualTo(alpha.eventId("Pump1Fault"))
        .isNotEqualTo(quiet);

    // The standby's copy kept only milliseconds of the times: still the same alarm state.
    alpha.view.change(raised());
    beta.view.change(raised(RAISED.plusNanos(999)));
    await().atMost(WAIT).until(() -> !alpha.eventId("Tank1High").equals(quiet));
    await().atMost(WAIT).until(() -> beta.eventId("Tank1High").equals(alpha.eventId("Tank1High")));
  }

  @Test
  void theEventIdChangesOnActivationAndOnAcknowledgementAndTheAckIsShown() throws Exception {
    ByteString quiet = alpha.eventId("Tank1High");
    alpha.view.change(raised());
    await().atMost(WAIT).until(() -> alpha.read("Alarms.Tank1High.Active").equals(true));
    ByteString active = alpha.eventId("Tank1High");
    assertThat(active).isNotEqualTo(quiet);

    alpha.view.change(acknowledged());
    await().atMost(WAIT).until(() -> alpha.read("Alarms.Tank1High.Acknowledged").equals(true));
    ByteString acked = alpha.eventId("Tank1High");
    assertThat(acked).isNotEqualTo(active).isNotEqualTo(quiet);
    assertThat(alpha.read("Alarms.Tank1High.AckUser")).isEqualTo("operator");
    assertThat(alpha.read("Alarms.Tank1High.AckComment")).isEqualTo("draining");
    assertThat(alpha.read("Alarms.Tank1High.AckTime")).isEqualTo(new DateTime(ACKED));
    assertThat(alpha.read("Alarms.Pump1Fault.AckTime")).isNull();
  }

  @Test
  void anEventSubscriberSeesEachChangeOnceWithItsEventIdAndCondition() throws Exception {
    List<Variant[]> seen = alpha.subscribe();
    alpha.view.change(raised());
    await().atMost(WAIT).until(() -> alarmEvents(seen).size() == 1);
    alpha.view.change(raised()); // reported again: no second event
    alpha.view.change(acknowledged());
    await().atMost(WAIT).until(() -> alarmEvents(seen).size() == 2);

    Variant[] raisedEvent = alarmEvents(seen).get(0);
    assertThat(raisedEvent[0].value()).isEqualTo(AlarmIdentity.eventId(raised()));
    assertThat(raisedEvent[1].value()).isEqualTo(NodeIds.AlarmConditionType);
    assertThat(raisedEvent[2].value()).isEqualTo("Tank1.Level");
    assertThat(raisedEvent[3].value()).isEqualTo(LocalizedText.english("Tank 1 level high"));
    assertThat(raisedEvent[4].value()).isEqualTo(UShort.valueOf(700));
    assertThat(raisedEvent[5].value()).isEqualTo(new DateTime(RAISED));
    assertThat(raisedEvent[6].value()).isEqualTo(alpha.node("Alarms.Tank1High"));
    assertThat(raisedEvent[7].value()).isEqualTo(true);
    assertThat(raisedEvent[8].value()).isEqualTo(LocalizedText.english("Active"));
    assertThat(raisedEvent[9].value()).isEqualTo(LocalizedText.english("Unacknowledged"));
    assertThat(raisedEvent[12].value()).isEqualTo(new DateTime(RAISED));

    Variant[] ackEvent = alarmEvents(seen).get(1);
    assertThat(ackEvent[0].value()).isEqualTo(alpha.eventId("Tank1High"));
    assertThat(ackEvent[5].value()).isEqualTo(new DateTime(ACKED));
    assertThat(ackEvent[6].value()).isEqualTo(alpha.node("Alarms.Tank1High"));
    assertThat(ackEvent[9].value()).isEqualTo(LocalizedText.english("Acknowledged"));
    assertThat(ackEvent[10].value()).isEqualTo("operator");
    assertThat(ackEvent[11].value()).isEqualTo(LocalizedText.english("draining"));

    // The standby that mirrored the same states tells its subscribers the same event.
    List<Variant[]> onBeta = beta.subscribe();
    beta.view.change(raised());
    await().atMost(WAIT).until(() -> alarmEvents(onBeta).size() == 1);
    assertThat(alarmEvents(onBeta).get(0)[0].value()).isEqualTo(raisedEvent[0].value());
    assertThat(alarmEvents(onBeta).get(0)[6].value()).isEqualTo(raisedEvent[6].value());
  }

  @Test
  void refreshRequiredArrivesWhenAnnounced() throws Exception {
    List<Variant[]> seen = alpha.subscribe();
    List<Variant[]> onBeta = beta.subscribe();
    alpha.endpoint.announceAlarmRefreshRequired();
    await().atMost(WAIT).until(() -> ofType(seen, NodeIds.RefreshRequiredEventType).size() == 1);
    assertThat(ofType(seen, NodeIds.RefreshRequiredEventType).get(0)[2].value())
        .isEqualTo("Server");
    assertThat(ofType(onBeta, NodeIds.RefreshRequiredEventType)).isEmpty();
  }

  @Test
  void conditionRefreshSendsTheRetainedAlarmsBetweenStartAndEndToThatSubscriptionOnly()
      throws Exception {
    alpha.view.change(raised());
    await().atMost(WAIT).until(() -> alpha.read("Alarms.Tank1High.Active").equals(true));
    var refreshed = new CopyOnWriteArrayList<Variant[]>();
    OpcUaSubscription subscription = alpha.subscription(refreshed);
    List<Variant[]> other = alpha.subscribe();

    CallMethodResult result =
        alpha.client.call(
                List.of(
                    new CallMethodRequest(
                        NodeIds.ConditionType,
                        NodeIds.ConditionType_ConditionRefresh,
                        new Variant[] {
                          new Variant(subscription.getSubscriptionId().orElseThrow())
                        })))
            .getResults()[0];
    assertThat(result.getStatusCode().isGood()).isTrue();
    await().atMost(WAIT).until(() -> ofType(refreshed, NodeIds.RefreshEndEventType).size() == 1);

    assertThat(refreshed)
        .extracting(e -> e[1].value())
        .containsExactly(
            NodeIds.RefreshStartEventType, NodeIds.AlarmConditionType, NodeIds.RefreshEndEventType);
    // Only the retained alarm (Tank1High is active; Pump1Fault is quiet), with its own EventId.
    assertThat(refreshed.get(1)[0].value()).isEqualTo(alpha.eventId("Tank1High"));
    assertThat(refreshed.get(1)[6].value()).isEqualTo(alpha.node("Alarms.Tank1High"));
    assertThat(other).isEmpty();

    CallMethodResult notOurs =
        alpha.client.call(
                List.of(
                    new CallMethodRequest(
                        NodeIds.ConditionType,
                        NodeIds.ConditionType_ConditionRefresh,
                        new Variant[] {new Variant(uint(987654))})))
            .getResults()[0];
    assertThat(notOurs.getStatusCode().value()).isEqualTo(StatusCodes.Bad_SubscriptionIdInvalid);
  }

  @Test
  void conditionRefresh2RefreshesOneItemAndNoSessionRefreshesAnothersSubscription()
      throws Exception {
    alpha.view.change(acknowledged()); // active and acknowledged: still retained
    await().atMost(WAIT).until(() -> alpha.read("Alarms.Tank1High.Acknowledged").equals(true));
    var refreshed = new CopyOnWriteArrayList<Variant[]>();
    OpcUaSubscription subscription = alpha.subscription(refreshed);
    UInteger subscriptionId = subscription.getSubscriptionId().orElseThrow();
    UInteger itemId = subscription.getMonitoredItems().get(0).getMonitoredItemId().orElseThrow();

    assertThat(refresh2(alpha.client, subscriptionId, itemId).getStatusCode().isGood()).isTrue();
    await().atMost(WAIT).until(() -> ofType(refreshed, NodeIds.RefreshEndEventType).size() == 1);
    assertThat(refreshed)
        .extracting(e -> e[1].value())
        .containsExactly(
            NodeIds.RefreshStartEventType, NodeIds.AlarmConditionType, NodeIds.RefreshEndEventType);
    assertThat(refreshed.get(1)[0].value()).isEqualTo(AlarmIdentity.eventId(acknowledged()));
    assertThat(refresh2(alpha.client, subscriptionId, uint(987654)).getStatusCode().value())
        .isEqualTo(StatusCodes.Bad_MonitoredItemIdInvalid);

    OpcUaClient stranger = OpcUaClient.create(alpha.endpoint.endpointUrl());
    stranger.connect();
    toClose.add(stranger::disconnect);
    assertThat(refresh2(stranger, subscriptionId, itemId).getStatusCode().value())
        .isEqualTo(StatusCodes.Bad_SubscriptionIdInvalid);
    assertThat(refreshed).hasSize(3);
  }

  @Test
  void anOperatorAcknowledgesTheConditionWithTheEventIdItWasShown() throws Exception {
    alpha.view.change(raised());
    await().atMost(WAIT).until(() -> alpha.read("Alarms.Tank1High.Active").equals(true));
    System.setProperty("hotstandby.clientPki", tmp.resolve("client-pki").toString());
    OpcUaClient operator = AppNamespaceTest.operatorClient(alpha.endpoint.endpointUrl());
    operator.connect();
    toClose.add(operator::disconnect);
    ByteString shown = AlarmIdentity.eventId(raised());

    assertThat(ackCondition(alpha.client, shown, "").value())
        .isEqualTo(StatusCodes.Bad_UserAccessDenied);
    ByteString before = AlarmIdentity.eventId(quiet("Tank1High", "Tank1.Level", 700, ""));
    assertThat(ackCondition(operator, before, "late").value())
        .isEqualTo(StatusCodes.Bad_EventIdUnknown);
    assertThat(alpha.view.acks).isEmpty();
    assertThat(audited)
        .contains(
            List.of(
                "alpha",
                "operator",
                "acknowledge",
                "Tank1High",
                "refused: not the alarm's latest event"));
    assertThat(audited)
        .anySatisfy(
            a ->
                assertThat(a.subList(0, 4))
                    .containsExactly("alpha", "anonymous", "acknowledge", "Tank1High"));

    assertThat(ackCondition(operator, shown, "draining").isGood()).isTrue();
    assertThat(alpha.view.acks).containsExactly(List.of("Tank1High", "operator", "draining"));

    alpha.view.change(acknowledged());
    await().atMost(WAIT).until(() -> alpha.read("Alarms.Tank1High.Acknowledged").equals(true));
    assertThat(ackCondition(operator, alpha.eventId("Tank1High"), "again").value())
        .isEqualTo(StatusCodes.Bad_ConditionBranchAlreadyAcked);

    // A standby refuses: the reason comes back as a Bad status.
    alpha.view.onAck.set(a -> WriteOutcome.refused("this server is not ACTIVE"));
    alpha.view.change(raised(RAISED.plusSeconds(60)));
    await().atMost(WAIT).until(() -> alpha.read("Alarms.Tank1High.Acknowledged").equals(false));
    assertThat(ackCondition(operator, alpha.eventId("Tank1High"), "x").value())
        .isEqualTo(StatusCodes.Bad_InvalidState);
  }

  private StatusCode ackCondition(OpcUaClient client, ByteString eventId, String comment)
      throws Exception {
    return client
        .call(
            List.of(
                new CallMethodRequest(
                    alpha.node("Alarms.Tank1High"),
                    NodeIds.AcknowledgeableConditionType_Acknowledge,
                    new Variant[] {
                      new Variant(eventId), new Variant(LocalizedText.english(comment))
                    })))
        .getResults()[0]
        .getStatusCode();
  }

  private static CallMethodResult refresh2(
      OpcUaClient client, UInteger subscriptionId, UInteger itemId) throws Exception {
    return client.call(
            List.of(
                new CallMethodRequest(
                    NodeIds.ConditionType,
                    NodeIds.ConditionType_ConditionRefresh2,
                    new Variant[] {new Variant(subscriptionId), new Variant(itemId)})))
        .getResults()[0];
  }

  // region helpers

  private static UInteger uint(long v) {
    return UInteger.valueOf(v);
  }

  private static AlarmView quiet(String name, String tag, int severity, String message) {
    return new AlarmView(
        name, tag, false, true, severity, message, "", START, null, null, null, null);
  }

  private static AlarmView raised() {
    return raised(RAISED);
  }

  private static AlarmView raised(Instant at) {
    return new AlarmView(
        "Tank1High",
        "Tank1.Level",
        true,
        false,
        700,
        "Tank 1 level high",
        "HI",
        at,
        at,
        null,
        null,
        null);
  }

  private static AlarmView acknowledged() {
    return new AlarmView(
        "Tank1High",
        "Tank1.Level",
        true,
        true,
        700,
        "Tank 1 level high",
        "HI",
        RAISED,
        RAISED,
        "operator",
        "draining",
        ACKED);
  }

  private static List<Variant[]> alarmEvents(List<Variant[]> events) {
    return ofType(events, NodeIds.AlarmConditionType);
  }

  private static List<Variant[]> ofType(List<Variant[]> events, NodeId type) {
    return events.stream().filter(e -> type.equals(e[1].value())).toList();
  }

  private static EventFilter filter() {
    var select = new ArrayList<SimpleAttributeOperand>();
    for (String field : FIELDS) {
      if (field.equals("ConditionId")) {
        select.add(
            new SimpleAttributeOperand(
                NodeIds.ConditionType, new QualifiedName[0], AttributeId.NodeId.uid(), null));
      } else {
        NodeId type =
            switch (field) {
              case "Retain", "ClientUserId", "Comment" -> NodeIds.ConditionType;
              case "ActiveState", "ActiveState/TransitionTime" -> NodeIds.AlarmConditionType;
              case "AckedState" -> NodeIds.AcknowledgeableConditionType;
              default -> NodeIds.BaseEventType;
            };
        select.add(
            new SimpleAttributeOperand(
                type,
                Arrays.stream(field.split("/"))
                    .map(part -> new QualifiedName(0, part))
                    .toArray(QualifiedName[]::new),
                AttributeId.Value.uid(),
                null));
      }
    }
    return new EventFilter(select.toArray(SimpleAttributeOperand[]::new), new ContentFilter(null));
  }

  private Server start(String name) throws Exception {
    var view =
        new AppNamespaceTest.FakeView() {
          @Override
          public List<AlarmView> alarms() {
            return List.of(
                quiet("Tank1High", "Tank1.Level", 700, "Tank 1 level high"),
                quiet("Pump1Fault", "Pump1.Running", 500, "Pump 1 fault"));
          }
        };
    var endpoint =
        new OpcUaEndpoint(
            new OpcUaEndpointConfig(
                "127.0.0.1",
                FreePorts.next(),
                "demo",
                name,
                "hotstandby",
                "0.1.0-test",
                tmp.resolve(name + "-pki"),
                List.of("urn:hotstandby:demo:alpha", "urn:hotstandby:demo:beta"),
                user -> CompletableFuture.completedFuture(new ActivateResult(false, "not here")),
                null));
    toClose.add(endpoint);
    endpoint.registerApplication(view);
    String hash = PasswordHash.create("operator-password".toCharArray());
    endpoint.registerUsers(() -> List.of(new UserSpec("operator", UserRole.OPERATOR, hash)));
    endpoint.registerAudit(
        (user, action, target, value, result) ->
            audited.add(List.of(name, user.name(), action, target, result)));
    endpoint.allowAnonymousRead(true);
    endpoint.start();
    OpcUaClient client = OpcUaClient.create(endpoint.endpointUrl());
    client.connect();
    toClose.add(client::disconnect);
    return new Server(endpoint, view, client);
  }

  private final class Server {
    final OpcUaEndpoint endpoint;
    final AppNamespaceTest.FakeView view;
    final OpcUaClient client;

    Server(OpcUaEndpoint endpoint, AppNamespaceTest.FakeView view, OpcUaClient client) {
      this.endpoint = endpoint;
      this.view = view;
      this.client = client;
    }

    NodeId node(String id) {
      return new NodeId(client.getNamespaceTable().getIndex(ApplicationNamespace.URI), id);
    }

    Object read(String id) throws Exception {
      return client.readValue(0, TimestampsToReturn.Neither, node(id)).value().value();
    }

    ByteString eventId(String alarm) throws Exception {
      return (ByteString) read("Alarms." + alarm + ".EventId");
    }

    /** The events a new subscription on the Server object receives, once it is in place. */
    List<Variant[]> subscribe() throws Exception {
      var seen = new CopyOnWriteArrayList<Variant[]>();
      subscription(seen);
      return seen;
    }

    OpcUaSubscription subscription(List<Variant[]> seen) throws Exception {
      var subscription = new OpcUaSubscription(client, 50.0);
      subscription.create();
      toClose.add(subscription::delete);
      var item = OpcUaMonitoredItem.newEventItem(NodeIds.Server, filter());
      // A refresh sends its events at once: the queue must hold them all between two publishes.
      item.setQueueSize(uint(100));
      item.setEventValueListener((i, values) -> seen.add(values));
      subscription.addMonitoredItem(item);
      subscription.synchronizeMonitoredItems();
      assertThat(item.getCreateResult().orElseThrow().isGood()).isTrue();
      return subscription;
    }
  }

  // endregion
}
