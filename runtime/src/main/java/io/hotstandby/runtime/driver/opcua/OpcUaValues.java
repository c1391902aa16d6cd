package io.hotstandby.runtime.driver.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import io.hotstandby.runtime.project.DataType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UNumber;

/**
 * Converts between OPC UA values and tag values: what a device sends into the tag's {@link
 * DataType} (Boolean, Integer, Long, Double, String), and what an operator writes into the built-in
 * type of the node. Failures are {@link IllegalArgumentException}s with a one-line message.
 */
final class OpcUaValues {

  /** The OPC UA built-in types a write can produce. */
  enum Builtin {
    BOOLEAN,
    SBYTE,
    BYTE,
    INT16,
    UINT16,
    INT32,
    UINT32,
    INT64,
    UINT64,
    FLOAT,
    DOUBLE,
    STRING
  }

  private static final Map<NodeId, Builtin> BUILTINS =
      Map.ofEntries(
          Map.entry(NodeIds.Boolean, Builtin.BOOLEAN),
          Map.entry(NodeIds.SByte, Builtin.SBYTE),
          Map.entry(NodeIds.Byte, Builtin.BYTE),
          Map.entry(NodeIds.Int16, Builtin.INT16),
          Map.entry(NodeIds.UInt16, Builtin.UINT16),
          Map.entry(NodeIds.Int32, Builtin.INT32),
          Map.entry(NodeIds.UInt32, Builtin.UINT32),
          Map.entry(NodeIds.Int64, Builtin.INT64),
          Map.entry(NodeIds.UInt64, Builtin.UINT64),
          Map.entry(NodeIds.Float, Builtin.FLOAT),
          Map.entry(NodeIds.Double, Builtin.DOUBLE),
          Map.entry(NodeIds.Duration, Builtin.DOUBLE),
          Map.entry(NodeIds.String, Builtin.STRING));

  private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private OpcUaValues() {}

  /**
   * The built-in type to write for a node whose DataType attribute is {@code nodeDataType} (null:
   * unknown), falling back to the tag's type for types this driver does not write.
   */
  static Builtin builtinFor(NodeId nodeDataType, DataType tagType) {
    Builtin known = nodeDataType == null ? null : BUILTINS.get(nodeDataType);
    if (known != null) {
      return known;
    }
    return switch (tagType) {
      case BOOLEAN -> Builtin.BOOLEAN;
      case INT32 -> Builtin.INT32;
      case INT64 -> Builtin.INT64;
      case DOUBLE -> Builtin.DOUBLE;
      case STRING -> Builtin.STRING;
    };
  }

  /** A value read from a device as the tag's type; {@code raw} must not be null. */
  static Object toTag(Object raw, DataType type) {
    return switch (type) {
      case BOOLEAN -> toBoolean(raw);
      case INT32 -> (int) toIntegral(raw, INT_MIN, INT_MAX, "Int32");
      case INT64 -> toIntegral(raw, LONG_MIN, LONG_MAX, "Int64");
      case DOUBLE -> toDouble(raw);
      case STRING -> toText(raw);
    };
  }

  /** {@code value} (from an operator or the runtime) as a Variant of the built-in type. */
  static Variant toVariant(Object value, Builtin target) {
    if (value == null) {
      throw new IllegalArgumentException("no value to write");
    }
    Object converted =
        switch (target) {
          case BOOLEAN -> toBoolean(value);
          case SBYTE -> (byte) toIntegral(value, dec(Byte.MIN_VALUE), dec(Byte.MAX_VALUE), "SByte");
          case BYTE -> ubyte(toIntegral(value, dec(0), dec(255), "Byte"));
          case INT16 ->
              (short) toIntegral(value, dec(Short.MIN_VALUE), dec(Short.MAX_VALUE), "Int16");
          case UINT16 -> ushort((int) toIntegral(value, dec(0), dec(65535), "UInt16"));
          case INT32 -> (int) toIntegral(value, INT_MIN, INT_MAX, "Int32");
          case UINT32 -> uint(toIntegral(value, dec(0), dec(0xFFFF_FFFFL), "UInt32"));
          case INT64 -> toIntegral(value, LONG_MIN, LONG_MAX, "Int64");
          case UINT64 -> ulong(toUnsigned64(value));
          case FLOAT -> toFloat(value);
          case DOUBLE -> toDouble(value);
          case STRING -> toText(value);
        };
    return new Variant(converted);
  }

  private static BigDecimal dec(long v) {
    return BigDecimal.valueOf(v);
  }

  static boolean toBoolean(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return decimal(n).signum() != 0;
    }
    if (v instanceof String s) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "true", "1", "on", "yes" -> {
          return true;
        }
        case "false", "0", "off", "no" -> {
          return false;
        }
        default -> throw new IllegalArgumentException(quote(s) + " is not a Boolean");
      }
    }
    throw notConvertible(v, "Boolean");
  }

  static double toDouble(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(quote(s) + " is not a number");
      }
    }
    throw notConvertible(v, "Double");
  }

  private static float toFloat(Object v) {
    double d = toDouble(v);
    if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
      throw new IllegalArgumentException(d + " is out of range for Float");
    }
    return (float) d;
  }

  /** A whole number in [min, max]; fractions are rounded half up. */
  private static long toIntegral(Object v, BigDecimal min, BigDecimal max, String typeName) {
    BigDecimal d;
    if (v instanceof Number n) {
      d = decimal(n);
    } else if (v instanceof Boolean b) {
      d = b ? BigDecimal.ONE : BigDecimal.ZERO;
    } else if (v instanceof String s) {
      try {
        d = new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(quote(s) + " is not a number");
      }
    } else {
      throw notConvertible(v, typeName);
    }
    BigDecimal whole = d.setScale(0, RoundingMode.HALF_UP);
    if (whole.compareTo(min) < 0 || whole.compareTo(max) > 0) {
      throw new IllegalArgumentException(d.toPlainString() + " is out of range for " + typeName);
    }
    return whole.longValueExact();
  }

  /** The two's-complement bits of an unsigned 64-bit value. */
  private static long toUnsigned64(Object v) {
    BigDecimal d;
    if (v instanceof Number n) {
      d = decimal(n);
    } else {
      d = BigDecimal.valueOf(toIntegral(v, dec(0), LONG_MAX, "UInt64"));
    }
    BigInteger whole = d.setScale(0, RoundingMode.HALF_UP).toBigIntegerExact();
    if (whole.signum() < 0 || whole.bitLength() > 64) {
      throw new IllegalArgumentException(d.toPlainString() + " is out of range for UInt64");
    }
    return whole.longValue();
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException(d + " is not a finite number");
      }
      return BigDecimal.valueOf(d);
    }
    if (n instanceof BigDecimal b) {
      return b;
    }
    if (n instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    if (n instanceof UNumber) {
      // UInt64 may exceed a long; its text is the unsigned value.
      return new BigDecimal(n.toString());
    }
    return BigDecimal.valueOf(n.longValue());
  }

  static String toText(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof LocalizedText t) {
      return t.text() == null ? "" : t.text();
    }
    if (v instanceof QualifiedName q) {
      return q.name() == null ? "" : q.name();
    }
    if (v instanceof Object[] array) {
      return Arrays.deepToString(array);
    }
    return String.valueOf(v);
  }

  private static IllegalArgumentException notConvertible(Object v, String typeName) {
    return new IllegalArgumentException(
        "a " + v.getClass().getSimpleName() + " cannot be converted to " + typeName);
  }

  private static String quote(String s) {
    String shown = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return "\"" + shown.replaceAll("[\\r\\n]+", " ") + "\"";
  }
}
