package io.hotstandby.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Safepoint pauses of the server JVMs, from the unified JVM logs the benchmark asks for ({@code
 * -Xlog:safepoint:file=...}): every line's "Total: N ns" (reaching the safepoint and the work at
 * it: GC pauses among them).
 */
final class JvmPauses {
  private static final Pattern TOTAL = Pattern.compile("Total: (\\d+) ns");

  private JvmPauses() {}

  /** The JVM option that logs {@code server}'s safepoints into {@code dir}. */
  static String option(Path dir, String server) {
    return "-Xlog:safepoint:file=" + dir.resolve(server + "-%p.log") + ":uptime";
  }

  /** Every pause in milliseconds in the logs of {@code dir}, sorted. */
  static List<Long> read(Path dir) throws IOException {
    List<Long> pauses = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".log")).toList()) {
        for (String line : Files.readAllLines(f)) {
          Matcher m = TOTAL.matcher(line);
          if (m.find()) {
            pauses.add(Long.parseLong(m.group(1)) / 1_000_000);
          }
        }
      }
    }
    Collections.sort(pauses);
    return pauses;
  }
}
