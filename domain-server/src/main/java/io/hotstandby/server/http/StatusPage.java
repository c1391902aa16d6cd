package io.hotstandby.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The status page of the domain as this server sees it ({@code /}) and the document it renders
 * ({@code /status.json}): every server of the domain file, this one from its own status, the others
 * from what their heartbeats announce. The page is one HTML file without external assets that
 * fetches the document every second.
 */
final class StatusPage {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The page, read once from the class path. */
  static final byte[] HTML = load("status-page.html");

  private StatusPage() {}

  /** The document of {@code /status.json}; "{}" with no status yet. */
  static String json(StatusSnapshot s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("generatedAt", Instant.now().toString());
    if (s == null) {
      return o.put("server", "").put("state", "STARTING").toString();
    }
    o.put("server", s.server());
    o.put("domain", s.domain());
    o.put("domainVersion", s.domainVersion());
    ArrayNode servers = o.putArray("servers");
    for (StatusSnapshot.Member m : s.members()) {
      ObjectNode x = servers.addObject();
      x.put("name", m.name());
      x.put("role", m.role());
      x.put("endpoint", m.endpoint());
      x.put("maintenance", m.maintenance());
      if (m.name().equals(s.server())) {
        x.put("source", "itself");
        x.put("state", s.state());
        x.put("term", s.term());
        x.put("serviceLevel", s.serviceLevel());
        x.put("liveness", "SELF");
        continue;
      }
      StatusSnapshot.Peer p =
          s.peers().stream().filter(q -> q.name().equals(m.name())).findFirst().orElse(null);
      if (p == null) {
        x.put("source", "not heard");
        x.put("state", "UNKNOWN");
        x.put("liveness", "UNKNOWN");
        continue;
      }
      x.put("source", "heartbeat");
      x.put("state", p.state());
      x.put("term", p.term());
      x.put("liveness", p.liveness());
      ArrayNode paths = x.putArray("paths");
      for (StatusSnapshot.Path path : p.paths()) {
        ObjectNode y = paths.addObject();
        y.put("path", path.path());
        y.put("up", path.up());
        if (!Double.isNaN(path.rttMillis())) {
          y.put("rttMs", Math.round(path.rttMillis() * 1000) / 1000.0);
        }
      }
    }
    JsonNode status = parse(s.statusJson());
    if (status instanceof ObjectNode full && full.has("domainStoppedBy")) {
      // Who stopped the domain is for operators (domainctl, the tray), not for an open port.
      full.put("domainStopped", !full.path("domainStoppedBy").asText().isEmpty());
      full.remove("domainStoppedBy");
    }
    o.set("status", status);
    return o.toString();
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return JSON.createObjectNode().put("error", e.getMessage());
    }
  }

  private static byte[] load(String resource) {
    try (InputStream in = StatusPage.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
