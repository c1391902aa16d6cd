package io.hotstandby.server.opcua.app;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.model.objects.AlarmConditionTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.objects.BaseEventTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilter;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilterContext;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.util.NonceUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's alarms as OPC UA Alarms & Conditions events (Part 9), posted from the Server
 * object: a client with an event subscription on the Server object sees them.
 *
 * <p>Every change of an alarm's state that gives it a new {@link AlarmIdentity#eventId EventId} is
 * one event of AlarmConditionType whose ConditionId is the alarm's object ({@code Alarms.<name>}),
 * EventId the deterministic one, Time the state's own time ({@link AlarmIdentity#time}), SourceNode
 * the watched tag's variable, ConditionName the alarm's name, Retain whether the alarm is active or
 * unacknowledged, and ActiveState, AckedState, Comment and ClientUserId from the state. A state
 * reported again with the same EventId (a repeated notification, a mirrored copy) posts nothing.
 *
 * <p>{@link AlarmRefreshMethods} serves ConditionRefresh from the latest states kept here.
 *
 * <p>The condition itself is not an AlarmConditionType instance in the address space: its object
 * has the alarm's variables. It is acknowledged through {@code Alarms.Acknowledge} or, with the
 * EventId a client was shown, through {@link ConditionAcknowledgeMethod}.
 */
final class AlarmEvents {
  private static final Logger log = LoggerFactory.getLogger(AlarmEvents.class);

  private final OpcUaServer server;
  private final int namespaceIndex;
  private final Function<String, NodeId> conditionOf;
  private final Function<AlarmView, NodeId> sourceOf;

  // Guarded by this: the latest state of each alarm, in declaration order, and its EventId.
  private final Map<String, AlarmView> latest = new LinkedHashMap<>();
  private final Map<String, ByteString> posted = new LinkedHashMap<>();
  private final Map<NodeId, BaseEventTypeNode> instances = new HashMap<>();
  private final ConditionIdFilter conditionId = new ConditionIdFilter();
  private boolean closed;

  /**
   * @param namespaceIndex the index under which event instances get their (transient) NodeIds
   * @param conditionOf the ConditionId of the alarm of this name
   * @param sourceOf the SourceNode of an alarm's events
   */
  AlarmEvents(
      OpcUaServer server,
      int namespaceIndex,
      Function<String, NodeId> conditionOf,
      Function<AlarmView, NodeId> sourceOf) {
    this.server = server;
    this.namespaceIndex = namespaceIndex;
    this.conditionOf = conditionOf;
    this.sourceOf = sourceOf;
  }

  /** Takes {@code alarm}'s current state as known, without an event (the address space build). */
  synchronized void known(AlarmView alarm) {
    latest.put(alarm.name(), alarm);
    posted.put(alarm.name(), AlarmIdentity.eventId(alarm));
  }

  /** The latest state of the alarm {@code name}, or null when there is no such alarm. */
  synchronized AlarmView latest(String name) {
    return latest.get(name);
  }

  /** Posts the event of {@code alarm}'s new state, unless its EventId was posted already. */
  synchronized void changed(AlarmView alarm) {
    if (!latest.containsKey(alarm.name())) {
      return;
    }
    latest.put(alarm.name(), alarm);
    ByteString id = AlarmIdentity.eventId(alarm);
    if (id.equals(posted.get(alarm.name()))) {
      return;
    }
    posted.put(alarm.name(), id);
    post(alarm, id, server.getEventNotifier()::fire);
  }

  /**
   * Posts a RefreshRequiredEventType event (Part 9): clients should call ConditionRefresh, as the
   * alarm states this server shows may differ from those they were shown before.
   */
  synchronized void announceRefreshRequired() {
    fireMarker(
        NodeIds.RefreshRequiredEventType, "RefreshRequired", server.getEventNotifier()::fire);
  }

  /**
   * The ConditionRefresh sequence (Part 9 §5.5.7) to {@code to}: RefreshStart, the latest event of
   * every retained alarm (active or unacknowledged), RefreshEnd. Holds back other alarm events
   * meanwhile, so none comes between the markers.
   */
  synchronized void refresh(Consumer<BaseEventTypeNode> to) {
    fireMarker(NodeIds.RefreshStartEventType, "RefreshStart", to);
    for (AlarmView alarm : new ArrayList<>(latest.values())) {
      if (alarm.retained()) {
        post(alarm, AlarmIdentity.eventId(alarm), to);
      }
    }
    fireMarker(NodeIds.RefreshEndEventType, "RefreshEnd", to);
  }

  private void post(AlarmView alarm, ByteString eventId, Consumer<BaseEventTypeNode> to) {
    AlarmConditionTypeNode event = (AlarmConditionTypeNode) eventOf(NodeIds.AlarmConditionType);
    if (event == null) {
      log.warn("OPC UA alarm event of {} not posted: no event instance", alarm.name());
      return;
    }
    try {
      NodeId condition = conditionOf.apply(alarm.name());
      conditionId.id = condition;
      fill(event, alarm, eventId, condition);
      to.accept(event);
    } catch (RuntimeException e) {
      log.warn("OPC UA alarm event of {} not posted: {}", alarm.name(), e.toString());
    }
  }

  /**
   * The event instance of {@code type}, made at its first use and kept: making one takes Milo tens
   * of milliseconds, filling and firing it well under one. Firing copies the fields each subscriber
   * selects, so one instance serves every event of its type, one at a time (under this object's
   * lock). Null if it cannot be made.
   */
  private BaseEventTypeNode eventOf(NodeId type) {
    BaseEventTypeNode event = instances.get(type);
    if (event == null && !closed) {
      try {
        event = server.getEventFactory().createEvent(transientId(), type);
      } catch (UaException | RuntimeException e) {
        log.warn("OPC UA event instance of {} cannot be made: {}", type, e.toString());
        return null;
      }
      if (type.equals(NodeIds.AlarmConditionType)) {
        // Part 9 selects the ConditionId as the NodeId attribute of the event: it is the alarm's
        // object, the same on every server, while the event instance is this server's own.
        event.getFilterChain().addLast(conditionId);
      }
      instances.put(type, event);
    }
    return event;
  }

  /** Deletes the event instances; no event is posted afterwards. */
  synchronized void close() {
    closed = true;
    instances.values().forEach(BaseEventTypeNode::delete);
    instances.clear();
  }

  private void fill(
      AlarmConditionTypeNode event, AlarmView alarm, ByteString eventId, NodeId condition) {
    String name = alarm.name();
    Instant at = AlarmIdentity.time(alarm);
    DateTime time = at == null ? DateTime.now() : new DateTime(at);
    var severity = ushort(Math.max(1, Math.min(1000, alarm.severity())));
    NodeId source = sourceOf.apply(alarm);
    event.setBrowseName(new QualifiedName(namespaceIndex, name));
    event.setDisplayName(LocalizedText.english(name));
    event.setEventId(eventId);
    event.setEventType(NodeIds.AlarmConditionType);
    event.setSourceNode(source);
    event.setSourceName(alarm.tag() == null || alarm.tag().isEmpty() ? name : alarm.tag());
    event.setTime(time);
    event.setReceiveTime(DateTime.now());
    event.setMessage(LocalizedText.english(alarm.message() == null ? "" : alarm.message()));
    event.setSeverity(severity);
    event.setConditionClassId(NodeIds.ProcessConditionClassType);
    event.setConditionClassName(LocalizedText.english("Process"));
    event.setConditionName(name);
    event.setBranchId(NodeId.NULL_VALUE);
    event.setRetain(alarm.retained());
    event.setEnabledState(LocalizedText.english("Enabled"));
    event.getEnabledStateNode().setId(true);
    event.setQuality(StatusCode.GOOD);
    event.setLastSeverity(severity);
    event.setComment(LocalizedText.english(alarm.ackComment() == null ? "" : alarm.ackComment()));
    event.setClientUserId(alarm.ackUser() == null ? "" : alarm.ackUser());
    event.setAckedState(
        LocalizedText.english(alarm.acknowledged() ? "Acknowledged" : "Unacknowledged"));
    event.getAckedStateNode().setId(alarm.acknowledged());
    // Every field is set on every event: the instance is reused, nothing may stay from the last.
    event
        .getAckedStateNode()
        .setTransitionTime(dateTime(alarm.acknowledged() ? alarm.ackTime() : alarm.changeTime()));
    event.setActiveState(LocalizedText.english(alarm.active() ? "Active" : "Inactive"));
    event.getActiveStateNode().setId(alarm.active());
    event
        .getActiveStateNode()
        .setTransitionTime(dateTime(alarm.active() ? alarm.activeTime() : alarm.changeTime()));
    event.setInputNode(source);
    event.setSuppressedOrShelved(false);
    log.debug("OPC UA alarm event {} of {}", eventId, condition);
  }

  private void fireMarker(NodeId type, String name, Consumer<BaseEventTypeNode> to) {
    BaseEventTypeNode event = eventOf(type);
    if (event == null) {
      log.warn("OPC UA {} event not posted: no event instance", name);
      return;
    }
    try {
      event.setBrowseName(new QualifiedName(namespaceIndex, name));
      event.setDisplayName(LocalizedText.english(name));
      event.setEventId(NonceUtil.generateNonce(AlarmIdentity.EVENT_ID_BYTES));
      event.setEventType(type);
      event.setSourceNode(NodeIds.Server);
      event.setSourceName("Server");
      event.setTime(DateTime.now());
      event.setReceiveTime(DateTime.now());
      event.setMessage(LocalizedText.english(name));
      event.setSeverity(ushort(1));
      to.accept(event);
    } catch (RuntimeException e) {
      log.warn("OPC UA {} event not posted: {}", name, e.toString());
    }
  }

  private static DateTime dateTime(Instant t) {
    return t == null ? DateTime.NULL_VALUE : new DateTime(t);
  }

  private NodeId transientId() {
    return new NodeId(namespaceIndex, "event:" + UUID.randomUUID());
  }

  /**
   * Answers reads of the NodeId attribute (as an event filter's select clause makes) with the
   * ConditionId of the event being posted. The node's own getNodeId, which Milo uses to find its
   * fields, is left alone.
   */
  private static final class ConditionIdFilter implements AttributeFilter {
    // Set under the lock of the AlarmEvents before each alarm event is posted.
    volatile NodeId id = NodeId.NULL_VALUE;

    @Override
    public Object readAttribute(AttributeFilterContext ctx, AttributeId attributeId)
        throws UaException {
      return attributeId == AttributeId.NodeId
          ? id
          : AttributeFilter.super.readAttribute(ctx, attributeId);
    }
  }
}
