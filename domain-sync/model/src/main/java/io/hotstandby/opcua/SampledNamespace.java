package io.hotstandby.opcua;

import java.util.List;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;

/**
 * A namespace whose variables hold their current values, so subscriptions are served by sampling
 * them: the monitored-item callbacks go to one {@link SubscriptionModel}, started and stopped with
 * the namespace. The admin, application and plant simulator namespaces all work this way.
 */
public abstract class SampledNamespace extends ManagedNamespaceWithLifecycle {
  private final SubscriptionModel subscriptionModel;

  protected SampledNamespace(OpcUaServer server, String namespaceUri) {
    super(server, namespaceUri);
    subscriptionModel = new SubscriptionModel(server, this);
    getLifecycleManager().addLifecycle(subscriptionModel);
  }

  @Override
  public void onDataItemsCreated(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsCreated(dataItems);
  }

  @Override
  public void onDataItemsModified(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsModified(dataItems);
  }

  @Override
  public void onDataItemsDeleted(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsDeleted(dataItems);
  }

  @Override
  public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
    subscriptionModel.onMonitoringModeChanged(monitoredItems);
  }
}
