package io.hotstandby.server.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.methods.AbstractMethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;

/**
 * The admin namespace ({@value #URI}): objects {@code Domain} and {@code Server} under Objects,
 * read-only variables with string NodeIds {@code <Object>.<Variable>} (e.g. {@code
 * Server.StatusJson}), and the method {@code Server.Activate}. Clients hard-code these ids.
 */
final class AdminNamespace extends SampledNamespace {
  static final String URI = "urn:hotstandby:admin";

  // Values change only when publish() is called; sampling faster than this buys nothing.
  private static final double MIN_SAMPLING_MS = 50.0;

  private static final AdminStatus EMPTY =
      new AdminStatus("", 0, "", "", "", "", "", 0, 0, 0, false, "", 0, 0, "[]", "[]", "{}");

  private record Var(String object, String name, NodeId type, Function<AdminStatus, Object> get) {
    String id() {
      return object + "." + name;
    }
  }

  private static final List<Var> VARS =
      List.of(
          new Var("Domain", "Name", NodeIds.String, AdminStatus::domainName),
          new Var("Domain", "Version", NodeIds.Int64, AdminStatus::domainVersion),
          new Var("Domain", "Sha256", NodeIds.String, AdminStatus::domainSha256),
          new Var("Domain", "Main", NodeIds.String, AdminStatus::mainServer),
          new Var("Domain", "Backup", NodeIds.String, AdminStatus::backupServer),
          new Var("Server", "Name", NodeIds.String, AdminStatus::serverName),
          new Var("Server", "State", NodeIds.String, AdminStatus::state),
          new Var("Server", "Term", NodeIds.Int64, AdminStatus::term),
          new Var(
              "Server",
              "ServiceLevel",
              NodeIds.Byte,
              s -> ubyte(Math.max(0, Math.min(255, s.serviceLevel())))),
          new Var("Server", "Health", NodeIds.Int32, AdminStatus::health),
          new Var("Server", "RuntimeReady", NodeIds.Boolean, AdminStatus::runtimeReady),
          new Var("Server", "ProductVersion", NodeIds.String, AdminStatus::productVersion),
          new Var("Server", "DomainVersion", NodeIds.Int64, AdminStatus::serverDomainVersion),
          new Var("Server", "Pid", NodeIds.Int64, AdminStatus::pid),
          new Var("Server", "Links", NodeIds.String, AdminStatus::linksJson),
          new Var("Server", "Peers", NodeIds.String, AdminStatus::peersJson),
          new Var("Server", "StatusJson", NodeIds.String, AdminStatus::statusJson));

  private final Supplier<ActivateResult> activate;
  private final Map<Var, UaVariableNode> nodes = new HashMap<>();

  AdminNamespace(OpcUaServer server, Supplier<ActivateResult> activate) {
    super(server, URI);
    this.activate = activate;
    getLifecycleManager().addStartupTask(this::addNodes);
  }

  /** Updates every variable whose value changed; subscriptions see it on their next sample. */
  synchronized void publish(AdminStatus status) {
    nodes.forEach(
        (v, node) -> {
          Object value = valueOf(v, status);
          if (!Objects.equals(node.getValue().value().value(), value)) {
            node.setValue(new DataValue(new Variant(value)));
          }
        });
  }

  private static Object valueOf(Var v, AdminStatus status) {
    Object value = v.get().apply(status);
    // A null String would read as an empty variant; an operator tool wants "".
    return value == null ? "" : value;
  }

  private synchronized void addNodes() {
    UaObjectNode domain = addObject("Domain");
    UaObjectNode server = addObject("Server");
    for (Var v : VARS) {
      UaObjectNode parent = v.object().equals("Domain") ? domain : server;
      UaVariableNode node =
          new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
              .setNodeId(newNodeId(v.id()))
              .setBrowseName(newQualifiedName(v.name()))
              .setDisplayName(LocalizedText.english(v.name()))
              .setDataType(v.type())
              .setTypeDefinition(NodeIds.BaseDataVariableType)
              .setAccessLevel(AccessLevel.READ_ONLY)
              .setUserAccessLevel(AccessLevel.READ_ONLY)
              .setMinimumSamplingInterval(MIN_SAMPLING_MS)
              .setValue(new DataValue(new Variant(valueOf(v, EMPTY))))
              .build();
      getNodeManager().addNode(node);
      parent.addComponent(node);
      nodes.put(v, node);
    }
    addActivateMethod(server);
  }

  private UaObjectNode addObject(String name) {
    UaObjectNode node =
        new UaObjectNode.UaObjectNodeBuilder(getNodeContext())
            .setNodeId(newNodeId(name))
            .setBrowseName(newQualifiedName(name))
            .setDisplayName(LocalizedText.english(name))
            .setTypeDefinition(NodeIds.BaseObjectType)
            .build();
    getNodeManager().addNode(node);
    node.addReference(
        new Reference(
            node.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
    return node;
  }

  private void addActivateMethod(UaObjectNode server) {
    UaMethodNode method =
        UaMethodNode.builder(getNodeContext())
            .setNodeId(newNodeId("Server.Activate"))
            .setBrowseName(newQualifiedName("Activate"))
            .setDisplayName(LocalizedText.english("Activate"))
            .setDescription(LocalizedText.english("Make this server the active one."))
            .build();
    var handler = new ActivateMethod(method, activate);
    method.setOutputArguments(handler.getOutputArguments());
    method.setInvocationHandler(handler);
    getNodeManager().addNode(method);
    server.addComponent(method);
  }

  private static final class ActivateMethod extends AbstractMethodInvocationHandler {
    private static final Argument ACCEPTED =
        new Argument(
            "Accepted",
            NodeIds.Boolean,
            ValueRanks.Scalar,
            null,
            LocalizedText.english("Whether the server accepted the request."));
    private static final Argument MESSAGE =
        new Argument(
            "Message",
            NodeIds.String,
            ValueRanks.Scalar,
            null,
            LocalizedText.english("Why, in one line."));

    private final Supplier<ActivateResult> activate;

    ActivateMethod(UaMethodNode node, Supplier<ActivateResult> activate) {
      super(node);
      this.activate = activate;
    }

    @Override
    public Argument[] getInputArguments() {
      return new Argument[0];
    }

    @Override
    public Argument[] getOutputArguments() {
      return new Argument[] {ACCEPTED, MESSAGE};
    }

    @Override
    protected Variant[] invoke(InvocationContext context, Variant[] inputs) {
      ActivateResult result = activate.get();
      return new Variant[] {new Variant(result.accepted()), new Variant(result.message())};
    }
  }
}
