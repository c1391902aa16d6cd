package io.hotstandby.server.opcua.app;

import io.hotstandby.server.opcua.AccessPolicy;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.methods.AbstractMethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Acknowledge method of the application namespace's Alarms folder: acknowledges one alarm by
 * name for the session's user, with a comment for the audit log, and answers whether it was taken.
 * A session without the Operator role gets the method's StatusCode Bad_UserAccessDenied, and the
 * refusal is in the audit log.
 */
final class AcknowledgeMethod extends AbstractMethodInvocationHandler {
  private static final Logger log = LoggerFactory.getLogger(AcknowledgeMethod.class);

  private static final Argument NAME =
      new Argument(
          "Name",
          NodeIds.String,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("The alarm's name."));
  private static final Argument COMMENT =
      new Argument(
          "Comment",
          NodeIds.String,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("Why, for the audit log; may be empty."));
  private static final Argument OK =
      new Argument(
          "Ok",
          NodeIds.Boolean,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("Whether the acknowledgement was taken."));
  private static final Argument STATUS =
      new Argument(
          "Status",
          NodeIds.String,
          ValueRanks.Scalar,
          null,
          LocalizedText.english("acknowledged, or why not, in one line."));

  private final ApplicationView view;
  private final AccessPolicy access;

  /** Adds the method, as {@code id}, to the Alarms folder {@code alarms}. */
  static void addTo(
      UaFolderNode alarms,
      NodeId id,
      QualifiedName browseName,
      ApplicationView view,
      AccessPolicy access) {
    UaMethodNode method =
        UaMethodNode.builder(alarms.getNodeContext())
            .setNodeId(id)
            .setBrowseName(browseName)
            .setDisplayName(LocalizedText.english(browseName.name()))
            .setDescription(LocalizedText.english("Acknowledge an alarm by its name."))
            .build();
    var handler = new AcknowledgeMethod(method, view, access);
    method.setInputArguments(handler.getInputArguments());
    method.setOutputArguments(handler.getOutputArguments());
    method.setInvocationHandler(handler);
    alarms.getNodeManager().addNode(method);
    alarms.addComponent(method);
  }

  AcknowledgeMethod(UaMethodNode node, ApplicationView view, AccessPolicy access) {
    super(node);
    this.view = view;
    this.access = access;
  }

  @Override
  public Argument[] getInputArguments() {
    return new Argument[] {NAME, COMMENT};
  }

  @Override
  public Argument[] getOutputArguments() {
    return new Argument[] {OK, STATUS};
  }

  @Override
  protected Variant[] invoke(InvocationContext context, Variant[] inputs) throws UaException {
    String name = (String) inputs[0].value();
    String comment = inputs[1].value() instanceof String s ? s : "";
    AccessPolicy.Decision decision =
        access.decide(
            context.getSession(),
            AccessPolicy.Action.ACKNOWLEDGE,
            name == null ? "" : name,
            comment);
    if (!decision.allowed()) {
      throw new UaException(StatusCodes.Bad_UserAccessDenied, decision.refusal());
    }
    WriteOutcome outcome;
    if (name == null || name.isEmpty()) {
      outcome = WriteOutcome.refused("no alarm name");
    } else {
      try {
        outcome = view.acknowledge(name, decision.user(), comment);
      } catch (RuntimeException e) {
        log.warn("OPC UA acknowledgement of alarm {} failed", name, e);
        outcome = WriteOutcome.failed(String.valueOf(e.getMessage()));
      }
      if (outcome == null) {
        outcome = WriteOutcome.failed("no answer");
      }
    }
    return new Variant[] {new Variant(outcome.ok()), new Variant(outcome.status())};
  }
}
