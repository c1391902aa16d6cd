package io.hotstandby.server.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.List;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.model.objects.NonTransparentRedundancyTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.objects.ServerRedundancyTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.objects.ServerTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.variables.PropertyTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNodeContext;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.RedundancySupport;

/**
 * The standard redundancy face of the server object (OPC UA Part 4, 6.6.2): {@code
 * Server/ServerRedundancy} as a {@code NonTransparentRedundancyType} with {@code RedundancySupport}
 * and {@code ServerUriArray}, and a live {@code Server/ServiceLevel}.
 *
 * <p>Milo loads {@code ServerRedundancy} as the plain {@code ServerRedundancyType} with {@code
 * RedundancySupport=None} and fixes {@code ServiceLevel=255}, both once, while the {@link
 * OpcUaServer} is constructed. Nothing rewrites them later, so replacing the node and setting the
 * values after construction (and before binding) sticks.
 */
final class StandardRedundancy {
  // Milo gives every ns=0 variable a 100 ms minimum; a client watching for failover asks faster.
  private static final double SERVICE_LEVEL_MIN_SAMPLING_MS = 10.0;

  private final ServerTypeNode serverNode;

  private final NonTransparentRedundancyTypeNode redundancyNode;

  private StandardRedundancy(ServerTypeNode serverNode, NonTransparentRedundancyTypeNode node) {
    this.serverNode = serverNode;
    this.redundancyNode = node;
  }

  /** Installs the NonTransparent redundancy node on a constructed, not yet started, server. */
  static StandardRedundancy install(
      OpcUaServer server, RedundancySupport support, List<String> serverUris) {
    var serverNode =
        (ServerTypeNode)
            server.getAddressSpaceManager().getManagedNode(NodeIds.Server).orElseThrow();
    ServerRedundancyTypeNode old = serverNode.getServerRedundancyNode();
    UaNodeContext context = old.getNodeContext();

    var node =
        new NonTransparentRedundancyTypeNode(
            context,
            old.getNodeId(),
            old.getBrowseName(),
            old.getDisplayName(),
            old.getDescription(),
            old.getWriteMask(),
            old.getUserWriteMask(),
            old.getRolePermissions(),
            old.getUserRolePermissions(),
            old.getAccessRestrictions(),
            old.getEventNotifier());
    // Same NodeId: the node manager keeps the references (HasComponent from Server, the
    // RedundancySupport property), only the node object changes.
    context.getNodeManager().addNode(node);

    for (Reference r : node.getReferences()) {
      if (r.isForward() && r.getReferenceTypeId().equals(NodeIds.HasTypeDefinition)) {
        node.removeReference(r);
      }
    }
    node.addReference(
        new Reference(
            node.getNodeId(),
            NodeIds.HasTypeDefinition,
            NodeIds.NonTransparentRedundancyType.expanded(),
            true));

    // RedundantServerArray belongs to TransparentRedundancyType; strict clients object to it.
    context
        .getNodeManager()
        .getNode(NodeIds.Server_ServerRedundancy_RedundantServerArray)
        .ifPresent(UaNode::delete);

    addServerUriArray(node);
    node.setRedundancySupport(support);
    node.setServerUriArray(serverUris.toArray(String[]::new));
    serverNode.getServiceLevelNode().setMinimumSamplingInterval(SERVICE_LEVEL_MIN_SAMPLING_MS);
    return new StandardRedundancy(serverNode, node);
  }

  /** Sets {@code Server/ServiceLevel}; subscriptions see it on their next sample. */
  void setServiceLevel(int level) {
    serverNode.setServiceLevel(ubyte(level));
  }

  int serviceLevel() {
    return serverNode.getServiceLevel().intValue();
  }

  /** Sets {@code ServerUriArray} (the domain's servers changed). */
  void setServerUris(List<String> serverUris) {
    redundancyNode.setServerUriArray(serverUris.toArray(String[]::new));
  }

  // Under the standard NodeId (i=11314) rather than the string id Milo would make up.
  private static void addServerUriArray(NonTransparentRedundancyTypeNode node) {
    UaNodeContext context = node.getNodeContext();
    var property =
        new PropertyTypeNode(
            context,
            NodeIds.Server_ServerRedundancy_ServerUriArray,
            new QualifiedName(0, "ServerUriArray"),
            LocalizedText.english("ServerUriArray"),
            LocalizedText.NULL_VALUE,
            uint(0),
            uint(0),
            null,
            null,
            null,
            new DataValue(new Variant(new String[0])),
            NodeIds.String,
            ValueRanks.OneDimension,
            new UInteger[] {uint(0)});
    property.addReference(
        new Reference(
            property.getNodeId(),
            NodeIds.HasTypeDefinition,
            NodeIds.PropertyType.expanded(),
            true));
    context.getNodeManager().addNode(property);
    node.addReference(
        new Reference(
            node.getNodeId(), NodeIds.HasProperty, property.getNodeId().expanded(), true));
  }
}
