package io.hotstandby.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads a domain's picture from the statuses of its servers: who is active, as a table. */
final class DomainView {
  private DomainView() {}

  /**
   * How many servers are ACTIVE: those that say so themselves, and, for servers that could not be
   * asked, those their live peers see announcing ACTIVE.
   */
  static long activeCount(List<ServerStatus> statuses) {
    Set<String> active = new HashSet<>();
    Set<String> asked = new HashSet<>();
    for (ServerStatus s : statuses) {
      if (s.reachable()) {
        asked.add(s.name());
        if ("ACTIVE".equals(s.state())) {
          active.add(s.name());
        }
      }
    }
    for (ServerStatus s : statuses) {
      if (!s.reachable()) {
        continue;
      }
      for (JsonNode link : s.status().path("links")) {
        String peer = link.path("peer").asText();
        if (!asked.contains(peer)
            && "ALIVE".equals(link.path("liveness").asText())
            && "ACTIVE".equals(link.path("state").asText())) {
          active.add(peer);
        }
      }
    }
    return active.size();
  }

  static String table(List<ServerStatus> statuses) {
    StringBuilder b = new StringBuilder();
    String format = "%-10s %-12s %5s %5s %7s %8s  %-16s %-45s %s%n";
    b.append(
        String.format(
            format,
            "SERVER",
            "STATE",
            "TERM",
            "LEVEL",
            "DOMAIN",
            "PID",
            "MIRROR",
            "LINKS",
            "ENDPOINT"));
    for (ServerStatus s : statuses) {
      JsonNode j = s.status();
      if (j == null) {
        b.append(
            String.format(
                format,
                s.name(),
                "UNREACHABLE",
                "-",
                "-",
                "-",
                "-",
                "-",
                s.error(),
                s.target().endpoint()));
        continue;
      }
      b.append(
          String.format(
              format,
              s.name(),
              s.state(),
              j.path("term").asText(),
              j.path("serviceLevel").asText(),
              "v" + j.path("domainVersion").asText(),
              j.path("pid").asText(),
              mirror(j.path("mirror")),
              links(j.path("links")),
              j.path("endpoint").asText()));
    }
    return b.toString();
  }

  /**
   * The state mirror in a few characters: "sent 1234" on the active; on a standby "ok 1234" when
   * ready, "lag 12/830ms" when behind, "no snapshot" before its first one; "-" otherwise.
   */
  static String mirror(JsonNode m) {
    String mode = m.path("mode").asText("");
    long seq = m.path("seq").asLong();
    if (mode.equals("publishing")) {
      return "sent " + seq;
    }
    if (!mode.equals("following") || m.path("active").asText("").isEmpty()) {
      return "-";
    }
    if (m.path("lagEntries").asLong() < 0) {
      return "no snapshot";
    }
    if (m.path("ready").asBoolean()) {
      return "ok " + seq;
    }
    return "lag " + m.path("lagEntries").asLong() + "/" + m.path("lagMs").asLong() + "ms";
  }

  /**
   * The quorum witness as the servers see it, one line: "WITNESS wit: lease held by alpha (alpha:
   * reachable, beta: NOT reachable)"; "" when no server reports one.
   */
  static String witness(List<ServerStatus> statuses) {
    String name = "";
    String holder = "";
    StringBuilder seen = new StringBuilder();
    for (ServerStatus s : statuses) {
      JsonNode w = s.reachable() ? s.status().path("witness") : null;
      if (w == null || !w.isObject()) {
        continue;
      }
      name = w.path("name").asText();
      boolean reachable = w.path("reachable").asBoolean();
      if (reachable && !w.path("leaseHolder").asText().isEmpty()) {
        holder = w.path("leaseHolder").asText();
      }
      seen.append(seen.length() == 0 ? "" : ", ")
          .append(s.name())
          .append(reachable ? ": reachable" : ": NOT reachable");
    }
    if (name.isEmpty()) {
      return "";
    }
    return "WITNESS "
        + name
        + ": "
        + (holder.isEmpty() ? "no lease held" : "lease held by " + holder)
        + " ("
        + seen
        + ")";
  }

  private static String links(JsonNode links) {
    StringBuilder b = new StringBuilder();
    for (JsonNode peer : links) {
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(peer.path("peer").asText()).append(' ').append(peer.path("liveness").asText());
      for (JsonNode path : peer.path("paths")) {
        b.append(' ')
            .append(path.path("path").asText())
            .append(path.path("up").asBoolean() ? ":up" : ":down");
        if (path.hasNonNull("rttMs")) {
          b.append(String.format("(%.1fms)", path.path("rttMs").asDouble()));
        }
      }
    }
    return b.length() == 0 ? "-" : b.toString();
  }
}
