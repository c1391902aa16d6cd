package io.hotstandby.admin;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The {@code --since T} of domainctl: an age ({@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}), an
 * instant ({@code 2026-12-07T10:00:00Z}), a local date and time ({@code 2026-12-07T10:00} or {@code
 * "2026-12-07 10:00"}) or a local date ({@code 2026-12-07}, from its midnight).
 */
final class Since {
  private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

  @Option(
      names = "--since",
      paramLabel = "T",
      description = "only entries since T: an age (15m, 2h, 7d), a date or a time")
  String text;

  /** The {@code --since} given, in milliseconds since 1970; 0 when none was given. */
  long millis() throws Domainctl.UsageException {
    try {
      return text == null ? 0 : parse(text);
    } catch (IllegalArgumentException e) {
      throw new Domainctl.UsageException(e.getMessage());
    }
  }

  /**
   * Milliseconds since 1970 for {@code text}, relative to {@code nowMillis}.
   *
   * @throws IllegalArgumentException one line with the accepted forms
   */
  static long parse(String text, long nowMillis, ZoneId zone) {
    String t = text.trim();
    Matcher m = AGE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      long unit =
          switch (m.group(2)) {
            case "s" -> 1000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
          };
      return nowMillis - n * unit;
    }
    try {
      return Instant.parse(t).toEpochMilli();
    } catch (DateTimeParseException e) {
      // not an instant
    }
    try {
      return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      // not a local date and time
    }
    try {
      return LocalDate.parse(t).atStartOfDay(zone).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--since '"
              + text
              + "': give an age (90s, 15m, 2h, 7d), an instant (2026-12-07T10:00:00Z), a local"
              + " time (2026-12-07T10:00) or a date (2026-12-07)");
    }
  }

  static long parse(String text) {
    return parse(text, System.currentTimeMillis(), ZoneId.systemDefault());
  }
}
