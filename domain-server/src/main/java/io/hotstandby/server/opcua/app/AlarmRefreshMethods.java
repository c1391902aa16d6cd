package io.hotstandby.server.opcua.app;

import java.util.List;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.items.BaseMonitoredItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredEventItem;
import org.eclipse.milo.opcua.sdk.server.methods.AbstractMethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.model.objects.ConditionType;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.subscriptions.Subscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConditionType's ConditionRefresh and ConditionRefresh2 methods (OPC UA Part 9 §5.5.7, §5.5.8)
 * answered with the application's alarms: the caller's subscription (or its one monitored item)
 * gets RefreshStart, the latest event of every retained alarm, and RefreshEnd, and no other
 * subscription sees any of them.
 *
 * <p>They replace Milo's own ConditionRefresh, which sends only the two markers, to every
 * subscription of the server. Only a session's own subscription can be refreshed (another's id is
 * Bad_SubscriptionIdInvalid); no role is needed, as a refresh only repeats what the subscription
 * receives anyway. Only event items on nodes of namespace 0 (the Server object) are refreshed, as
 * only they receive the alarm events.
 */
final class AlarmRefreshMethods {
  private static final Logger log = LoggerFactory.getLogger(AlarmRefreshMethods.class);

  private AlarmRefreshMethods() {}

  /** Makes the server's ConditionRefresh and ConditionRefresh2 methods refresh {@code events}. */
  static void install(OpcUaServer server, AlarmEvents events) {
    UaMethodNode refresh = methodNode(server, NodeIds.ConditionType_ConditionRefresh);
    if (refresh != null) {
      use(refresh, new Refresh(refresh, events));
    }
    UaMethodNode refresh2 = methodNode(server, NodeIds.ConditionType_ConditionRefresh2);
    if (refresh2 != null) {
      use(refresh2, new Refresh2(refresh2, events));
    }
  }

  private static UaMethodNode methodNode(OpcUaServer server, NodeId id) {
    var node = server.getAddressSpaceManager().getManagedNode(id).orElse(null);
    if (node instanceof UaMethodNode method) {
      return method;
    }
    log.warn("OPC UA method {} not found: ConditionRefresh of alarms not served", id);
    return null;
  }

  private static void use(UaMethodNode node, AbstractMethodInvocationHandler handler) {
    node.setInvocationHandler(handler);
    node.setInputArguments(handler.getInputArguments());
  }

  private static Subscription subscription(
      AbstractMethodInvocationHandler.InvocationContext context, UInteger id) throws UaException {
    Session session =
        context.getSession().orElseThrow(() -> new UaException(StatusCodes.Bad_SessionIdInvalid));
    Subscription subscription = session.getSubscriptionManager().getSubscription(id);
    if (subscription == null) {
      throw new UaException(StatusCodes.Bad_SubscriptionIdInvalid);
    }
    return subscription;
  }

  /** Whether the alarm events reach {@code item}: an enabled event item on a namespace 0 node. */
  private static boolean receivesAlarms(BaseMonitoredItem<?> item) {
    return item instanceof MonitoredEventItem
        && item.isSamplingEnabled()
        && item.getReadValueId().getNodeId().getNamespaceIndex().intValue() == 0;
  }

  private static final class Refresh extends ConditionType.ConditionRefreshMethod {
    private final AlarmEvents events;

    Refresh(UaMethodNode node, AlarmEvents events) {
      super(node);
      this.events = events;
    }

    @Override
    protected void invoke(InvocationContext context, UInteger subscriptionId) throws UaException {
      List<MonitoredEventItem> items =
          subscription(context, subscriptionId).getMonitoredItems().values().stream()
              .filter(AlarmRefreshMethods::receivesAlarms)
              .map(MonitoredEventItem.class::cast)
              .toList();
      events.refresh(event -> items.forEach(item -> item.onEvent(event)));
    }
  }

  private static final class Refresh2 extends ConditionType.ConditionRefresh2Method {
    private final AlarmEvents events;

    Refresh2(UaMethodNode node, AlarmEvents events) {
      super(node);
      this.events = events;
    }

    @Override
    protected void invoke(
        InvocationContext context, UInteger subscriptionId, UInteger monitoredItemId)
        throws UaException {
      BaseMonitoredItem<?> item =
          subscription(context, subscriptionId).getMonitoredItems().get(monitoredItemId);
      if (item == null || !receivesAlarms(item)) {
        throw new UaException(StatusCodes.Bad_MonitoredItemIdInvalid);
      }
      events.refresh(((MonitoredEventItem) item)::onEvent);
    }
  }
}
