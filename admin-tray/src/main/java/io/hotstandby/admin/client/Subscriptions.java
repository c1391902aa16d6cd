package io.hotstandby.admin.client;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.function.Consumer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/** One subscription with one monitored value, for the admin client's watches. */
final class Subscriptions {
  private Subscriptions() {}

  /**
   * Watches {@code node}: {@code listener} gets the current value, then every change sampled at the
   * publishing interval. Close the returned handle to stop.
   */
  static AutoCloseable watch(
      OpcUaClient client, NodeId node, double publishingMs, Consumer<DataValue> listener)
      throws Exception {
    var subscription = new OpcUaSubscription(client, publishingMs);
    try {
      subscription.create();
      var item = OpcUaMonitoredItem.newDataItem(node);
      item.setSamplingInterval(publishingMs);
      // Room for several samples per publish, so no change is dropped between two publishes.
      item.setQueueSize(uint(10));
      item.setDataValueListener((i, value) -> listener.accept(value));
      subscription.addMonitoredItem(item);
      subscription.synchronizeMonitoredItems();
    } catch (Exception e) {
      subscription.deleteAsync();
      throw e;
    }
    return () -> subscription.deleteAsync();
  }
}
