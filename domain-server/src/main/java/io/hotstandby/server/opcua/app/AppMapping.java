package io.hotstandby.server.opcua.app;

import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagValue;
import java.time.Instant;
import java.util.Locale;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/** Conversions between the runtime's tag values and outcomes and their OPC UA forms. */
final class AppMapping {
  private AppMapping() {}

  /** The OPC UA DataType of a tag type. */
  static NodeId dataType(DataType type) {
    return switch (type) {
      case BOOLEAN -> NodeIds.Boolean;
      case INT32 -> NodeIds.Int32;
      case INT64 -> NodeIds.Int64;
      case DOUBLE -> NodeIds.Double;
      case STRING -> NodeIds.String;
    };
  }

  /**
   * A tag value as the Value attribute of its variable: status from the quality, the runtime's
   * source and server timestamps. A value that does not fit the tag's type (a runtime bug) is shown
   * as no value with Bad_TypeMismatch rather than with the wrong DataType.
   */
  static DataValue toDataValue(DataType type, TagValue tv) {
    if (tv == null) {
      return new DataValue(
          Variant.NULL_VALUE,
          new StatusCode(StatusCodes.Bad_WaitingForInitialData),
          null,
          DateTime.now());
    }
    StatusCode status = statusOf(tv.quality());
    Object value = null;
    if (tv.value() != null) {
      value = asTagType(type, tv.value());
      if (value == null) {
        status = new StatusCode(StatusCodes.Bad_TypeMismatch);
      }
    }
    DateTime serverTime = tv.serverTime() != null ? dateTime(tv.serverTime()) : DateTime.now();
    return new DataValue(new Variant(value), status, dateTime(tv.sourceTime()), serverTime);
  }

  static StatusCode statusOf(Quality quality) {
    if (quality == null) {
      return StatusCode.BAD;
    }
    return switch (quality) {
      case GOOD -> StatusCode.GOOD;
      case UNCERTAIN -> StatusCode.UNCERTAIN;
      case BAD -> StatusCode.BAD;
    };
  }

  private static DateTime dateTime(Instant instant) {
    return instant == null ? null : new DateTime(instant);
  }

  /** A runtime value as the Java type of {@code type}; null when it does not fit. */
  private static Object asTagType(DataType type, Object v) {
    return switch (type) {
      case BOOLEAN -> v instanceof Boolean ? v : null;
      case INT32 -> v instanceof Number n && isIntegral(n) ? fitInt(n.longValue()) : null;
      case INT64 -> v instanceof Number n && isIntegral(n) ? (Object) n.longValue() : null;
      case DOUBLE -> v instanceof Number n ? (Object) n.doubleValue() : null;
      case STRING -> v.toString();
    };
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Integer
        || n instanceof Long
        || n instanceof Short
        || n instanceof Byte
        || n instanceof UByte
        || n instanceof UShort
        || n instanceof UInteger;
  }

  private static Integer fitInt(long v) {
    return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (int) v : null;
  }

  /**
   * A value written by a client as the Java type of {@code type}, accepting the variant's own type
   * and types that widen to it without loss (Int16 to Int32, UInt32 to Int64, Float to Double);
   * null when it does not fit (the client gets Bad_TypeMismatch).
   */
  static Object fromClient(DataType type, Object v) {
    if (v == null) {
      return null;
    }
    return switch (type) {
      case BOOLEAN -> v instanceof Boolean ? v : null;
      case INT32 ->
          v instanceof Integer
                  || v instanceof Short
                  || v instanceof Byte
                  || v instanceof UByte
                  || v instanceof UShort
              ? (Object) ((Number) v).intValue()
              : null;
      case INT64 ->
          v instanceof Long
                  || v instanceof Integer
                  || v instanceof Short
                  || v instanceof Byte
                  || v instanceof UByte
                  || v instanceof UShort
                  || v instanceof UInteger
              ? (Object) ((Number) v).longValue()
              : null;
      case DOUBLE ->
          v instanceof Double || v instanceof Float ? (Object) ((Number) v).doubleValue() : null;
      case STRING -> v instanceof String ? v : null;
    };
  }

  /**
   * The status code a client gets for a write's outcome. The runtime's text decides, by its
   * convention ({@code refused: ...} when it did not try, {@code failed: ...} when the device or
   * driver did not take it):
   *
   * <ul>
   *   <li>ok: Good
   *   <li>{@code failed: ...}: Bad_CommunicationError
   *   <li>mentions "not active" or "standby" (this server is not the active one, or writes are held
   *       back): Bad_InvalidState, so a redundancy-aware client can tell it from a refusal it would
   *       get from the active server too and go to the other server
   *   <li>mentions denied / not allowed / permission / unauthorized: Bad_UserAccessDenied
   *   <li>mentions read-only / not writable: Bad_NotWritable
   *   <li>mentions an unknown tag: Bad_NodeIdUnknown
   *   <li>mentions "cannot convert" or "type": Bad_TypeMismatch
   *   <li>mentions "range" or "limit": Bad_OutOfRange
   *   <li>any other {@code refused: ...}: Bad_RequestNotAllowed
   *   <li>anything else: Bad_UnexpectedError
   * </ul>
   */
  static StatusCode statusOf(WriteOutcome outcome) {
    if (outcome == null) {
      return new StatusCode(StatusCodes.Bad_UnexpectedError);
    }
    if (outcome.ok()) {
      return StatusCode.GOOD;
    }
    String s = outcome.status().trim().toLowerCase(Locale.ROOT);
    long code;
    if (s.startsWith("failed")) {
      code = StatusCodes.Bad_CommunicationError;
    } else if (s.contains("not active") || s.contains("standby") || s.contains("held back")) {
      code = StatusCodes.Bad_InvalidState;
    } else if (s.contains("denied")
        || s.contains("not allowed")
        || s.contains("permission")
        || s.contains("unauthori")) {
      code = StatusCodes.Bad_UserAccessDenied;
    } else if (s.contains("read-only") || s.contains("readonly") || s.contains("not writable")) {
      code = StatusCodes.Bad_NotWritable;
    } else if (s.contains("unknown tag") || s.contains("no such tag") || s.contains("no tag")) {
      code = StatusCodes.Bad_NodeIdUnknown;
    } else if (s.contains("cannot convert") || s.contains("type")) {
      code = StatusCodes.Bad_TypeMismatch;
    } else if (s.contains("range") || s.contains("limit")) {
      code = StatusCodes.Bad_OutOfRange;
    } else if (s.startsWith("refused")) {
      code = StatusCodes.Bad_RequestNotAllowed;
    } else {
      code = StatusCodes.Bad_UnexpectedError;
    }
    return new StatusCode(code);
  }
}
