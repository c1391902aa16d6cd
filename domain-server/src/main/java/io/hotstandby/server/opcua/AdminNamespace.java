package io.hotstandby.server.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;

import io.hotstandby.opcua.SampledNamespace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.methods.AbstractMethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;

/**
 * The admin namespace ({@value #URI}): objects {@code Domain} and {@code Server} under Objects,
 * read-only variables with string NodeIds {@code <Object>.<Variable>} (e.g. {@code
 * Server.StatusJson}), and methods with string NodeIds {@code <Object>.<Method>}. Clients hard-code
 * these ids.
 *
 * <p>Methods (input arguments → output arguments, in this order):
 *
 * <ul>
 *   <li>{@code Server.Activate() → (Accepted: Boolean, Message: String)}
 *   <li>{@code Server.History(Max: Int32) → (Json: String)}: the newest Max (1..500, 0 for all
 *       kept) entries of the switchover history, oldest first
 *   <li>{@code Domain.Apply(Content: ByteString) → (Accepted: Boolean, Message: String, Version:
 *       Int64)}
 *   <li>{@code Domain.History() → (Json: String)}
 *   <li>{@code Domain.Show(Version: String) → (Found: Boolean, Content: ByteString)}; {@code ""} is
 *       the version in force
 *   <li>{@code Domain.Rollback(Version: String) → (Accepted: Boolean, Message: String, Version:
 *       Int64)}
 * </ul>
 *
 * <p>Every method asks the {@link AccessPolicy} first: {@code Activate} needs the Operator role,
 * {@code Apply}, {@code Rollback} and {@code Show} the Administrator role, {@code History} the
 * Viewer role, as does {@code Server.History}. {@code Activate}, {@code Apply} and {@code Rollback}
 * answer a refusal as Accepted=false with the reason ({@code refused: Activate needs the Operator
 * role; ...}); {@code Show} and the histories with the method's StatusCode Bad_UserAccessDenied.
 * Refusals and the outcome of every allowed change are in the audit log, with the session's user
 * and client address.
 */
final class AdminNamespace extends SampledNamespace {
  static final String URI = "urn:hotstandby:admin";

  // Values change only when publish() is called; sampling faster than this buys nothing.
  private static final double MIN_SAMPLING_MS = 50.0;

  /** Entries of the switchover history a server keeps, and so answers at most. */
  static final int MAX_SWITCHOVERS = 500;

  private static final AdminStatus EMPTY =
      new AdminStatus(
          "", 0, "", "", "", "", "", 0, 0, 0, false, "", 0, 0, "[]", "[]", "{}", "null", "{}");

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
          new Var("Server", "Mirror", NodeIds.String, AdminStatus::mirrorJson),
          new Var("Server", "Witness", NodeIds.String, AdminStatus::witnessJson),
          new Var("Server", "StatusJson", NodeIds.String, AdminStatus::statusJson));

  static final Argument ACCEPTED =
      new Argument(
          "Accepted",
          NodeIds.Boolean,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("Whether the server accepted the request."));
  static final Argument MESSAGE =
      new Argument(
          "Message",
          NodeIds.String,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("Why, in one line."));
  private static final Argument VERSION_IN_FORCE =
      new Argument(
          "Version",
          NodeIds.Int64,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("The number of the domain file version in force after the call."));
  private static final Argument CONTENT_IN =
      new Argument(
          "Content",
          NodeIds.ByteString,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("The complete new domain file."));
  private static final Argument VERSION_IN =
      new Argument(
          "Version",
          NodeIds.String,
          ValueRanks.Scalar,
          null,
          LocalizedText.english(
              "A version number, a hash prefix of at least 6 hex digits, or \"\" for the version"
                  + " in force."));
  private static final Argument HISTORY_JSON =
      new Argument(
          "Json",
          NodeIds.String,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("The versions of the domain file, newest first, as a JSON array."));
  private static final Argument MAX_IN =
      new Argument(
          "Max",
          NodeIds.Int32,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("How many of the newest entries, at most 500; 0 for all kept."));
  private static final Argument SWITCHOVERS_JSON =
      new Argument(
          "Json",
          NodeIds.String,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("The switchover history, oldest first, as a JSON array."));
  private static final Argument FOUND =
      new Argument(
          "Found",
          NodeIds.Boolean,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("Whether the version exists."));
  private static final Argument CONTENT_OUT =
      new Argument(
          "Content",
          NodeIds.ByteString,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("The content of the version, byte for byte."));

  private final Function<SessionUser, CompletableFuture<ActivateResult>> activate;
  private final DomainAdminCalls domainAdmin;
  private final AccessPolicy access;
  private final Map<Var, UaVariableNode> nodes = new HashMap<>();
  private volatile long domainVersion;

  /**
   * @param activate carries out an allowed {@code Activate} for the user (and audits it)
   * @param access decides who may call which method
   */
  AdminNamespace(
      OpcUaServer server,
      Function<SessionUser, CompletableFuture<ActivateResult>> activate,
      DomainAdminCalls domainAdmin,
      AccessPolicy access) {
    super(server, URI);
    this.activate = activate;
    this.domainAdmin = domainAdmin;
    this.access = access;
    getLifecycleManager().addStartupTask(this::addNodes);
  }

  /** Updates every variable whose value changed; subscriptions see it on their next sample. */
  synchronized void publish(AdminStatus status) {
    domainVersion = status.domainVersion();
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
    addHistoryMethod(server);
    new ServerMethods(this, domainAdmin, access).addTo(server);
    addDomainMethods(domain);
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
    addMethod(
        server,
        "Server.Activate",
        "Activate",
        "Make this server the active one.",
        new Argument[0],
        new Argument[] {ACCEPTED, MESSAGE},
        (session, in) -> {
          AccessPolicy.Decision d =
              access.decide(session, AccessPolicy.Action.ACTIVATE, "Server.Activate", null);
          CompletableFuture<ActivateResult> result =
              d.allowed()
                  ? activate.apply(d.user())
                  : CompletableFuture.completedFuture(new ActivateResult(false, d.refusal()));
          return result.thenApply(
              r -> new Variant[] {new Variant(r.accepted()), new Variant(r.message())});
        });
  }

  private void addHistoryMethod(UaObjectNode server) {
    addMethod(
        server,
        "Server.History",
        "History",
        "The failovers and switchovers of the domain, oldest first.",
        new Argument[] {MAX_IN},
        new Argument[] {SWITCHOVERS_JSON},
        (session, in) -> {
          int asked = in[0].value() instanceof Integer i ? i : 0;
          int max = asked <= 0 || asked > MAX_SWITCHOVERS ? MAX_SWITCHOVERS : asked;
          AccessPolicy.Decision d =
              access.decide(
                  session, AccessPolicy.Action.SWITCHOVER_HISTORY, "Server.History", asked);
          if (!d.allowed()) {
            throw new UaException(StatusCodes.Bad_UserAccessDenied, d.refusal());
          }
          return domainAdmin
              .switchoverHistoryJson(max)
              .thenApply(
                  j -> {
                    access.audit(
                        d.user(),
                        AccessPolicy.Action.SWITCHOVER_HISTORY,
                        "Server.History",
                        asked,
                        "read");
                    return new Variant[] {new Variant(j)};
                  });
        });
  }

  private void addDomainMethods(UaObjectNode domain) {
    addMethod(
        domain,
        "Domain.Apply",
        "Apply",
        "Make a new domain file the version in force on every server.",
        new Argument[] {CONTENT_IN},
        new Argument[] {ACCEPTED, MESSAGE, VERSION_IN_FORCE},
        (session, in) -> {
          byte[] content = in[0].value() instanceof ByteString b ? b.bytesOrEmpty() : new byte[0];
          return asAdministrator(session, "apply", user -> domainAdmin.apply(content, user));
        });
    addMethod(
        domain,
        "Domain.History",
        "History",
        "The versions of the domain file, newest first.",
        new Argument[0],
        new Argument[] {HISTORY_JSON},
        (session, in) -> {
          permit(session, AccessPolicy.Action.DOMAIN_HISTORY, "");
          return domainAdmin.historyJson().thenApply(j -> new Variant[] {new Variant(j)});
        });
    addMethod(
        domain,
        "Domain.Show",
        "Show",
        "The content of one version of the domain file.",
        new Argument[] {VERSION_IN},
        new Argument[] {FOUND, CONTENT_OUT},
        (session, in) -> {
          // The content holds an inline secret and the users' password hashes.
          String version = versionOf(in[0]);
          SessionUser user = permit(session, AccessPolicy.Action.DOMAIN_SHOW, version);
          return domainAdmin
              .show(version)
              .thenApply(
                  content -> {
                    access.audit(
                        user,
                        AccessPolicy.Action.DOMAIN_SHOW,
                        "domain file",
                        version,
                        content.isPresent() ? "shown" : "no such version");
                    return new Variant[] {
                      new Variant(content.isPresent()),
                      new Variant(ByteString.of(content.orElse(new byte[0])))
                    };
                  });
        });
    addMethod(
        domain,
        "Domain.Rollback",
        "Rollback",
        "Make the content of an earlier version the next version of the domain file.",
        new Argument[] {VERSION_IN},
        new Argument[] {ACCEPTED, MESSAGE, VERSION_IN_FORCE},
        (session, in) ->
            asAdministrator(
                session,
                "rollback to " + versionOf(in[0]),
                user -> domainAdmin.rollback(versionOf(in[0]), user)));
  }

  /**
   * A change of the domain file, made for the session's user if it is an administrator; the domain
   * admin records its outcome. Without a domain admin the call itself answers that domain
   * administration is not available.
   */
  private CompletableFuture<Variant[]> asAdministrator(
      Optional<Session> session,
      String what,
      Function<SessionUser, CompletableFuture<DomainAdminResult>> change) {
    if (domainAdmin.available()) {
      AccessPolicy.Decision d =
          access.decide(session, AccessPolicy.Action.DOMAIN_CHANGE, "domain file", what);
      if (!d.allowed()) {
        return CompletableFuture.completedFuture(
            change(new DomainAdminResult(false, d.refusal(), domainVersion)));
      }
      return change.apply(d.user()).thenApply(AdminNamespace::change);
    }
    return change.apply(access.userOf(session)).thenApply(AdminNamespace::change);
  }

  /**
   * The session's user if it may do {@code action}; else Bad_UserAccessDenied. Without a domain
   * admin the call itself answers that domain administration is not available.
   */
  private SessionUser permit(Optional<Session> session, AccessPolicy.Action action, String value)
      throws UaException {
    if (!domainAdmin.available()) {
      return access.userOf(session);
    }
    AccessPolicy.Decision d = access.decide(session, action, "domain file", value);
    if (!d.allowed()) {
      throw new UaException(StatusCodes.Bad_UserAccessDenied, d.refusal());
    }
    return d.user();
  }

  void addMethod(
      UaObjectNode parent,
      String id,
      String name,
      String description,
      Argument[] inputs,
      Argument[] outputs,
      MethodBody body) {
    UaMethodNode method =
        UaMethodNode.builder(getNodeContext())
            .setNodeId(newNodeId(id))
            .setBrowseName(newQualifiedName(name))
            .setDisplayName(LocalizedText.english(name))
            .setDescription(LocalizedText.english(description))
            .build();
    var handler = new AdminMethod(method, inputs, outputs, body);
    if (inputs.length > 0) {
      method.setInputArguments(inputs);
    }
    method.setOutputArguments(outputs);
    method.setInvocationHandler(handler);
    if (getServer() instanceof AsyncOpcUaServer async) {
      // Answered when the body's future completes; the Milo thread is free at once.
      async.register(
          method.getNodeId(),
          (session, in) -> {
            try {
              checkArguments(inputs, in);
              return body.invoke(Optional.of(session), in);
            } catch (UaException e) {
              return CompletableFuture.failedFuture(e);
            }
          });
    }
    getNodeManager().addNode(method);
    parent.addComponent(method);
  }

  /** What Milo checks before a synchronous method runs: the number and types of the inputs. */
  private static void checkArguments(Argument[] declared, Variant[] in) throws UaException {
    if (in.length < declared.length) {
      throw new UaException(StatusCodes.Bad_ArgumentsMissing);
    }
    if (in.length > declared.length) {
      throw new UaException(StatusCodes.Bad_TooManyArguments);
    }
    for (int i = 0; i < in.length; i++) {
      Object v = in[i].value();
      NodeId type = declared[i].getDataType();
      boolean array = declared[i].getValueRank() == ValueRanks.OneDimension;
      boolean ok =
          v == null
              || (array
                  ? type.equals(NodeIds.String) && v instanceof String[]
                  : (type.equals(NodeIds.ByteString) && v instanceof ByteString)
                      || (type.equals(NodeIds.String) && v instanceof String)
                      || (type.equals(NodeIds.Int32) && v instanceof Integer)
                      || (type.equals(NodeIds.Int64) && v instanceof Long)
                      || (type.equals(NodeIds.Boolean) && v instanceof Boolean));
      if (!ok) {
        throw new UaException(StatusCodes.Bad_InvalidArgument);
      }
    }
  }

  private static Variant[] change(DomainAdminResult result) {
    return new Variant[] {
      new Variant(result.accepted()), new Variant(result.message()), new Variant(result.version())
    };
  }

  private static String versionOf(Variant v) {
    return v.value() instanceof String s ? s.trim() : "";
  }

  /** What a method does with its (type-checked) input arguments; answered through the future. */
  @FunctionalInterface
  interface MethodBody {
    CompletableFuture<Variant[]> invoke(Optional<Session> session, Variant[] inputs)
        throws UaException;
  }

  /**
   * The node's invocation handler: what a server without {@link AsyncOpcUaServer} calls, waiting
   * for the body's answer on the calling thread.
   */
  private static final class AdminMethod extends AbstractMethodInvocationHandler {
    private final Argument[] inputs;
    private final Argument[] outputs;
    private final MethodBody body;

    AdminMethod(UaMethodNode node, Argument[] inputs, Argument[] outputs, MethodBody body) {
      super(node);
      this.inputs = inputs;
      this.outputs = outputs;
      this.body = body;
    }

    @Override
    public Argument[] getInputArguments() {
      return inputs.clone();
    }

    @Override
    public Argument[] getOutputArguments() {
      return outputs.clone();
    }

    @Override
    protected Variant[] invoke(InvocationContext context, Variant[] in) throws UaException {
      try {
        return body.invoke(context.getSession(), in).get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UaException ua) {
          throw ua;
        }
        throw new UaException(StatusCodes.Bad_InternalError, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UaException(StatusCodes.Bad_Shutdown, "interrupted");
      }
    }
  }
}
