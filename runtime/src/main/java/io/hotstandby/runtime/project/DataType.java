package io.hotstandby.runtime.project;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The value type of a tag. */
public enum DataType {
  BOOLEAN,
  INT32,
  INT64,
  DOUBLE,
  STRING;

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /**
   * The type's name as project files and messages spell it: Boolean, Int32, Int64, Double, String.
   */
  public static String fileName(DataType type) {
    return switch (type) {
      case BOOLEAN -> "Boolean";
      case INT32 -> "Int32";
      case INT64 -> "Int64";
      case DOUBLE -> "Double";
      case STRING -> "String";
    };
  }

  /**
   * The type a project file names, ignoring case ({@code double}, {@code Int32}).
   *
   * @throws IllegalArgumentException naming the text and the allowed names
   */
  public static DataType parse(String text) {
    String t = text == null ? "" : text.strip();
    for (DataType type : values()) {
      if (fileName(type).toLowerCase(Locale.ROOT).equals(t.toLowerCase(Locale.ROOT))) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "unknown type '"
            + t
            + "' (allowed: "
            + Arrays.stream(values()).map(DataType::fileName).collect(Collectors.joining(", "))
            + ")");
  }

  /** Whether values of {@code type} are numbers: Int32, Int64 and Double. */
  public static boolean isNumeric(DataType type) {
    return type == INT32 || type == INT64 || type == DOUBLE;
  }

  /**
   * A value of {@code type} as a project file writes it (a memory tag's {@code initial}): {@code
   * true} or {@code false}; a whole number in range; a finite decimal number ({@code -1.5}, {@code
   * 2e3}); any text. The result is a Boolean, Integer, Long, Double or String.
   *
   * @throws IllegalArgumentException saying why {@code text} is not a value of {@code type}
   */
  public static Object parseValue(DataType type, String text) {
    if (text == null) {
      throw new IllegalArgumentException("no value");
    }
    if (type == STRING) {
      return text;
    }
    String t = text.strip();
    switch (type) {
      case BOOLEAN:
        if (t.equals("true") || t.equals("false")) {
          return Boolean.valueOf(t);
        }
        throw new IllegalArgumentException("not true or false: '" + t + "'");
      case INT32:
      case INT64:
        if (!t.matches("[+-]?\\d+")) {
          throw new IllegalArgumentException("not a whole number: '" + t + "'");
        }
        try {
          return type == INT32 ? (Object) Integer.parseInt(t) : (Object) Long.parseLong(t);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "out of range for " + fileName(type) + ": '" + t + "'");
        }
      default:
        return parseDouble(t);
    }
  }

  /**
   * A finite decimal number ({@code 12}, {@code -0.5}, {@code 1e3}); unlike {@link
   * Double#parseDouble} no hexadecimal, NaN, Infinity or type suffixes.
   *
   * @throws IllegalArgumentException saying why {@code text} is not one
   */
  static double parseDouble(String text) {
    String t = text == null ? "" : text.strip();
    if (!DECIMAL.matcher(t).matches()) {
      throw new IllegalArgumentException("not a number: '" + t + "'");
    }
    double d = Double.parseDouble(t);
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("number out of range: '" + t + "'");
    }
    return d;
  }
}
