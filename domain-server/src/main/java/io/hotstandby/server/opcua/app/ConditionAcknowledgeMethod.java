package io.hotstandby.server.opcua.app;

import io.hotstandby.server.opcua.AccessPolicy;
import java.util.function.Function;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.model.objects.AcknowledgeableConditionType;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AcknowledgeableConditionType's Acknowledge(EventId, Comment) called on an alarm's condition
 * (ObjectId = the ConditionId {@code Alarms.<name>}, as OPC UA Part 9 lets a client do when the
 * condition is not an instance in the address space).
 *
 * <p>It acknowledges the alarm as {@code Alarms.Acknowledge} does: the session needs the Operator
 * role (else Bad_UserAccessDenied, audited), and the acknowledgement goes to {@link
 * ApplicationView#acknowledge} with the session's user and the comment. The EventId must be that of
 * the alarm's latest state (else Bad_EventIdUnknown: the client acknowledges something it has not
 * seen); an acknowledged state answers Bad_ConditionBranchAlreadyAcked. A refusal by the runtime (a
 * standby's) is a Bad status chosen as for a write, with the reason as text. Both refusals of an
 * allowed session are audited too.
 */
final class ConditionAcknowledgeMethod extends AcknowledgeableConditionType.AcknowledgeMethod {
  private static final Logger log = LoggerFactory.getLogger(ConditionAcknowledgeMethod.class);

  private final Function<NodeId, String> alarmOf;
  private final AlarmEvents events;
  private final ApplicationView view;
  private final AccessPolicy access;

  private ConditionAcknowledgeMethod(
      UaMethodNode node,
      Function<NodeId, String> alarmOf,
      AlarmEvents events,
      ApplicationView view,
      AccessPolicy access) {
    super(node);
    this.alarmOf = alarmOf;
    this.events = events;
    this.view = view;
    this.access = access;
  }

  /**
   * The method for the alarms of {@code events}, or null when the server lacks the standard method
   * node.
   *
   * @param alarmOf the name of the alarm whose ConditionId this is, or null
   */
  static ConditionAcknowledgeMethod create(
      OpcUaServer server,
      Function<NodeId, String> alarmOf,
      AlarmEvents events,
      ApplicationView view,
      AccessPolicy access) {
    var node =
        server
            .getAddressSpaceManager()
            .getManagedNode(NodeIds.AcknowledgeableConditionType_Acknowledge)
            .orElse(null);
    if (node instanceof UaMethodNode method) {
      return new ConditionAcknowledgeMethod(method, alarmOf, events, view, access);
    }
    log.warn("OPC UA AcknowledgeableConditionType.Acknowledge not found: not served for alarms");
    return null;
  }

  @Override
  protected void invoke(InvocationContext context, ByteString eventId, LocalizedText comment)
      throws UaException {
    String name = alarmOf.apply(context.getObjectId());
    if (name == null) {
      throw new UaException(StatusCodes.Bad_MethodInvalid);
    }
    String text = comment == null || comment.text() == null ? "" : comment.text();
    AccessPolicy.Decision decision =
        access.decide(context.getSession(), AccessPolicy.Action.ACKNOWLEDGE, name, text);
    if (!decision.allowed()) {
      throw new UaException(StatusCodes.Bad_UserAccessDenied, decision.refusal());
    }
    AlarmView state = events.latest(name);
    if (state == null || eventId == null || !eventId.equals(AlarmIdentity.eventId(state))) {
      refuse(decision, name, text, StatusCodes.Bad_EventIdUnknown, "not the alarm's latest event");
    } else if (state.acknowledged()) {
      refuse(decision, name, text, StatusCodes.Bad_ConditionBranchAlreadyAcked, "already acked");
    }
    WriteOutcome outcome;
    try {
      outcome = view.acknowledge(name, decision.user(), text);
    } catch (RuntimeException e) {
      log.warn("OPC UA acknowledgement of alarm {} failed", name, e);
      outcome = WriteOutcome.failed(String.valueOf(e.getMessage()));
    }
    if (outcome == null) {
      outcome = WriteOutcome.failed("no answer");
    }
    StatusCode status = AppMapping.statusOf(outcome);
    if (!status.isGood()) {
      throw new UaException(status, outcome.status());
    }
  }

  private void refuse(
      AccessPolicy.Decision decision, String name, String comment, long status, String why)
      throws UaException {
    access.audit(
        decision.user(), AccessPolicy.Action.ACKNOWLEDGE, name, comment, "refused: " + why);
    throw new UaException(status, why);
  }
}
