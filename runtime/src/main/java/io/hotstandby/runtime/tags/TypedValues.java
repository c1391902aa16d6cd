package io.hotstandby.runtime.tags;

import io.hotstandby.runtime.project.DataType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * Converts values to the Java type of a tag's {@link DataType}: Boolean, Integer, Long, Double or
 * String. Accepts what drivers and operators hand in: any {@link Number} (including OPC UA's
 * unsigned types), Boolean and text. A conversion that would lose information (3.5 to an integer,
 * 2^40 to INT32, "abc" to DOUBLE) is refused with an {@link IllegalArgumentException} whose message
 * says what could not be converted to what.
 */
public final class TypedValues {
  private TypedValues() {}

  /** The value a tag of {@code type} has before anything is known: false, 0, 0.0 or "". */
  public static Object defaultValue(DataType type) {
    return switch (type) {
      case BOOLEAN -> Boolean.FALSE;
      case INT32 -> 0;
      case INT64 -> 0L;
      case DOUBLE -> 0.0;
      case STRING -> "";
    };
  }

  /**
   * {@code value} as {@code type}.
   *
   * @throws IllegalArgumentException when it is null or cannot be converted without loss
   */
  public static Object convert(DataType type, Object value) {
    if (value == null) {
      throw new IllegalArgumentException("no value for a " + type + " tag");
    }
    return switch (type) {
      case BOOLEAN -> toBoolean(value);
      case INT32 -> toInt32(value);
      case INT64 -> toInt64(value);
      case DOUBLE -> toDouble(value);
      case STRING -> value.toString();
    };
  }

  private static Boolean toBoolean(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "true", "1":
          return true;
        case "false", "0":
          return false;
        default:
          throw refused(value, DataType.BOOLEAN);
      }
    }
    if (value instanceof Number) {
      BigDecimal d = decimal(value, DataType.BOOLEAN);
      if (d.compareTo(BigDecimal.ZERO) == 0) {
        return false;
      }
      if (d.compareTo(BigDecimal.ONE) == 0) {
        return true;
      }
    }
    throw refused(value, DataType.BOOLEAN);
  }

  private static Integer toInt32(Object value) {
    BigInteger i = integral(value, DataType.INT32);
    if (i.bitLength() > 31) {
      throw new IllegalArgumentException(describe(value) + " is out of range for INT32");
    }
    return i.intValue();
  }

  private static Long toInt64(Object value) {
    BigInteger i = integral(value, DataType.INT64);
    if (i.bitLength() > 63) {
      throw new IllegalArgumentException(describe(value) + " is out of range for INT64");
    }
    return i.longValue();
  }

  private static Double toDouble(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    if (value instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw refused(value, DataType.DOUBLE);
      }
    }
    throw refused(value, DataType.DOUBLE);
  }

  private static BigInteger integral(Object value, DataType type) {
    BigDecimal d = decimal(value, type);
    try {
      return d.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(describe(value) + " is not a whole number (" + type + ")");
    }
  }

  private static BigDecimal decimal(Object value, DataType type) {
    if (value instanceof Boolean b) {
      return b ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (value instanceof Double d && !Double.isFinite(d)
        || value instanceof Float f && !Float.isFinite(f)) {
      throw refused(value, type);
    }
    if (value instanceof Number || value instanceof String) {
      try {
        return new BigDecimal(value.toString().trim());
      } catch (NumberFormatException e) {
        throw refused(value, type);
      }
    }
    throw refused(value, type);
  }

  private static IllegalArgumentException refused(Object value, DataType type) {
    return new IllegalArgumentException("cannot convert " + describe(value) + " to " + type);
  }

  private static String describe(Object value) {
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }
}
