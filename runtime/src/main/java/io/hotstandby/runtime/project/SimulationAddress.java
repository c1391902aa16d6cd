package io.hotstandby.runtime.project;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The address of a tag of the simulation driver: a signal and its parameters, written {@code
 * signal[:key=value,...]}, e.g. {@code sine:period=10s,amplitude=2,offset=5}. Parameters a signal
 * does not take are errors; those not given have the defaults below.
 *
 * <ul>
 *   <li>{@code sine}: {@code offset + amplitude * sin(2π t / period)}; keys period, amplitude,
 *       offset.
 *   <li>{@code square}: {@code max} for the first half of every period, {@code min} for the second;
 *       keys period, min, max.
 *   <li>{@code ramp}: rises linearly from {@code min} to {@code max} over each period, then starts
 *       again at {@code min}; keys period, min, max.
 *   <li>{@code random}: a uniformly distributed value in [min, max) at every sample; keys min, max.
 *   <li>{@code counter}: starts at {@code min} and grows by {@code step} at every sample; once it
 *       would pass {@code max} it starts again at {@code min}; keys step, min, max.
 * </ul>
 *
 * @param signal the signal's shape
 * @param period the length of one cycle (sine, square, ramp); default 10 s, 1 ms to 24 h
 * @param amplitude the sine's amplitude, ≥ 0; default 1
 * @param offset the sine's centre line; default 0
 * @param min the lowest value (square, ramp, random, counter); default 0
 * @param max the highest value, above {@code min}; default 1, for the counter {@link
 *     Double#POSITIVE_INFINITY} (it never wraps)
 * @param step the counter's increment per sample, > 0; default 1
 */
public record SimulationAddress(
    Signal signal,
    Duration period,
    double amplitude,
    double offset,
    double min,
    double max,
    double step) {

  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);
  public static final Duration MIN_PERIOD = Duration.ofMillis(1);
  public static final Duration MAX_PERIOD = Duration.ofHours(24);

  /** The shapes of simulated signals and the parameters each one takes. */
  public enum Signal {
    SINE("period", "amplitude", "offset"),
    SQUARE("period", "min", "max"),
    RAMP("period", "min", "max"),
    RANDOM("min", "max"),
    COUNTER("step", "min", "max");

    private final Set<String> keys;

    Signal(String... keys) {
      this.keys = Set.copyOf(Arrays.asList(keys));
    }

    /** The parameters the signal takes. */
    public Set<String> keys() {
      return keys;
    }

    /** The signal's name in an address: {@code sine}, {@code square}, ... */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|min|h)");
  private static final Map<String, Long> UNIT_NANOS =
      Map.of(
          "ms", 1_000_000L, "s", 1_000_000_000L, "min", 60_000_000_000L, "h", 3_600_000_000_000L);

  /**
   * Parses an address such as {@code ramp:period=1min,min=0,max=100}. Signal names and keys are
   * case-sensitive; spaces around {@code :}, {@code ,} and {@code =} are ignored.
   *
   * @throws IllegalArgumentException whose message is the reason, e.g. {@code unknown signal 'sin'
   *     (allowed: counter, ramp, random, sine, square)}
   */
  public static SimulationAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty simulation address");
    }
    String t = text.strip();
    int colon = t.indexOf(':');
    String name = (colon < 0 ? t : t.substring(0, colon)).strip();
    Signal signal =
        Arrays.stream(Signal.values())
            .filter(s -> s.label().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown signal '"
                            + name
                            + "' (allowed: "
                            + Arrays.stream(Signal.values())
                                .map(Signal::label)
                                .sorted()
                                .collect(Collectors.joining(", "))
                            + ")"));
    Map<String, String> params = colon < 0 ? Map.of() : params(signal, t.substring(colon + 1));

    Duration period =
        params.containsKey("period") ? duration(params.get("period")) : DEFAULT_PERIOD;
    double amplitude = number(params, "amplitude", 1);
    double offset = number(params, "offset", 0);
    double min = number(params, "min", 0);
    double max = number(params, "max", signal == Signal.COUNTER ? Double.POSITIVE_INFINITY : 1);
    double step = number(params, "step", 1);
    if (amplitude < 0) {
      throw new IllegalArgumentException("amplitude must be >= 0, not " + params.get("amplitude"));
    }
    if (step <= 0) {
      throw new IllegalArgumentException("step must be > 0, not " + params.get("step"));
    }
    if (min >= max) {
      throw new IllegalArgumentException(
          "min " + show(params, "min", min) + " must be below max " + show(params, "max", max));
    }
    return new SimulationAddress(signal, period, amplitude, offset, min, max, step);
  }

  private static Map<String, String> params(Signal signal, String text) {
    Map<String, String> params = new HashMap<>();
    for (String item : List.of(text.split(",", -1))) {
      String p = item.strip();
      int eq = p.indexOf('=');
      if (p.isEmpty()) {
        throw new IllegalArgumentException("empty parameter: write key=value, separated by ','");
      }
      if (eq < 0) {
        throw new IllegalArgumentException("'" + p + "' is not key=value");
      }
      String key = p.substring(0, eq).strip();
      String value = p.substring(eq + 1).strip();
      if (!signal.keys().contains(key)) {
        throw new IllegalArgumentException(
            signal.label()
                + " takes no '"
                + key
                + "' (allowed: "
                + String.join(", ", new TreeSet<>(signal.keys()))
                + ")");
      }
      if (value.isEmpty()) {
        throw new IllegalArgumentException(key + ": no value");
      }
      if (params.putIfAbsent(key, value) != null) {
        throw new IllegalArgumentException("duplicate key '" + key + "'");
      }
    }
    return params;
  }

  private static double number(Map<String, String> params, String key, double defaultValue) {
    String raw = params.get(key);
    if (raw == null) {
      return defaultValue;
    }
    try {
      return DataType.parseDouble(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  private static Duration duration(String raw) {
    Matcher m = DURATION.matcher(raw);
    if (!m.matches()) {
      if (raw.matches("\\d+(\\.\\d+)?")) {
        throw new IllegalArgumentException("period: '" + raw + "' needs a unit (ms, s, min, h)");
      }
      throw new IllegalArgumentException(
          "period: not a duration: '" + raw + "' (e.g. 500ms, 10s, 2min, 1h)");
    }
    BigDecimal nanos =
        new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNIT_NANOS.get(m.group(2))));
    BigDecimal maxNanos = BigDecimal.valueOf(MAX_PERIOD.toNanos());
    if (nanos.compareTo(BigDecimal.valueOf(MIN_PERIOD.toNanos())) < 0
        || nanos.compareTo(maxNanos) > 0) {
      throw new IllegalArgumentException("period: " + raw + " is outside 1ms..24h");
    }
    return Duration.ofNanos(nanos.longValue());
  }

  private static String show(Map<String, String> params, String key, double value) {
    return params.getOrDefault(
        key, value == (long) value ? Long.toString((long) value) : "" + value);
  }
}
