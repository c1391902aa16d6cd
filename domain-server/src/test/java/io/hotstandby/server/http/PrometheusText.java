package io.hotstandby.server.http;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line is a {@code
 * # HELP}, a {@code # TYPE} or a sample of a declared family, names and labels are well formed,
 * values parse, no series appears twice. Anything else is an {@link IllegalArgumentException}
 * naming the line.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( -?[0-9]+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private PrometheusText() {}

  /** Every series ({@code name{labels}} as written) and its value, in order. */
  public static Map<String, Double> parse(String text) {
    Map<String, String> types = new HashMap<>();
    Map<String, Double> series = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the text does not end with a line feed");
    }
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String at = "line " + (i + 1) + " '" + line + "': ";
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] p = line.substring(7).split(" ");
        if (p.length != 2 || !NAME.matcher(p[0]).matches() || !TYPES.contains(p[1])) {
          throw new IllegalArgumentException(at + "bad TYPE line");
        }
        if (types.put(p[0], p[1]) != null) {
          throw new IllegalArgumentException(at + "second TYPE for " + p[0]);
        }
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String name = line.substring(7).split(" ", 2)[0];
        if (!NAME.matcher(name).matches()) {
          throw new IllegalArgumentException(at + "bad HELP line");
        }
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException(at + "not a sample");
      }
      String name = m.group(1);
      if (family(name, types) == null) {
        throw new IllegalArgumentException(at + "sample of no declared family");
      }
      String labels = m.group(3) == null ? "" : m.group(3);
      Matcher l = LABEL.matcher(labels);
      int end = 0;
      while (end < labels.length()) {
        if (!l.find(end) || l.start() != end) {
          throw new IllegalArgumentException(at + "bad labels");
        }
        end = l.end();
      }
      double value = value(m.group(4), at);
      String key = name + (m.group(2) == null ? "" : m.group(2));
      if (series.put(key, value) != null) {
        throw new IllegalArgumentException(at + "series repeated");
      }
    }
    return series;
  }

  private static String family(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : new String[] {"_total", "_created", "_count", "_sum", "_bucket"}) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return null;
  }

  private static double value(String v, String at) {
    switch (v) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        if (!v.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
          throw new IllegalArgumentException(at + "bad value " + v);
        }
        return Double.parseDouble(v);
    }
  }
}
