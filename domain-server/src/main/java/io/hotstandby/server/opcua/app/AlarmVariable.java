package io.hotstandby.server.opcua.app;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import java.util.List;
import java.util.function.Function;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * One variable of an alarm's object in the application namespace ({@code Alarms.<name>.<name>}).
 *
 * @param name its browse name, the last part of its NodeId
 * @param type its DataType
 * @param get its value in an alarm state
 */
record AlarmVariable(String name, NodeId type, Function<AlarmView, Object> get) {

  /** Every variable of an alarm's object, in the order they are shown. */
  static final List<AlarmVariable> ALL =
      List.of(
          new AlarmVariable("Active", NodeIds.Boolean, AlarmView::active),
          new AlarmVariable("Acknowledged", NodeIds.Boolean, AlarmView::acknowledged),
          new AlarmVariable(
              "Severity", NodeIds.UInt16, a -> ushort(Math.max(0, Math.min(65535, a.severity())))),
          new AlarmVariable("Message", NodeIds.String, a -> text(a.message())),
          new AlarmVariable("Limit", NodeIds.String, a -> text(a.limit())),
          new AlarmVariable("Tag", NodeIds.String, a -> text(a.tag())),
          new AlarmVariable("EventId", NodeIds.ByteString, AlarmIdentity::eventId),
          new AlarmVariable("AckUser", NodeIds.String, a -> text(a.ackUser())),
          new AlarmVariable("AckComment", NodeIds.String, a -> text(a.ackComment())),
          new AlarmVariable(
              "AckTime",
              NodeIds.DateTime,
              a -> a.ackTime() == null ? null : new DateTime(a.ackTime())));

  private static String text(String s) {
    return s == null ? "" : s;
  }
}
