package io.hotstandby.server.http;

/**
 * What {@code /health} and {@code /ready} answer, decided from one {@link StatusSnapshot}: a status
 * code and one line saying why, for a load balancer's log or a person with {@code curl}.
 */
final class Probes {
  /** A picture older than this means the role thread stopped publishing: nothing is vouched for. */
  static final long STALE_AFTER_MS = 3000;

  /** An answer: HTTP status code and a one-line reason. */
  record Answer(int code, String text) {
    boolean ok() {
      return code == 200;
    }
  }

  private Probes() {}

  /**
   * 200 only when this server is ACTIVE and healthy: every driver connected (health 0) and writes
   * not held after a pause; 503 otherwise.
   */
  static Answer health(StatusSnapshot s, long nowNanos) {
    Answer unknown = unknown(s, nowNanos);
    if (unknown != null) {
      return unknown;
    }
    String who = s.server() + " is " + s.state() + " (term " + s.term() + ")";
    if (!s.state().equals("ACTIVE")) {
      return new Answer(503, who + ": not the active server");
    }
    if (s.writesSuspended()) {
      return new Answer(503, who + " but holds its writes after a pause");
    }
    if (s.health() != 0) {
      return new Answer(503, who + " but unhealthy: failure weight " + s.health());
    }
    return new Answer(200, who + ", healthy, ServiceLevel " + s.serviceLevel());
  }

  /**
   * 200 when this server is ACTIVE, or a STANDBY that could take over with the active's state: its
   * runtime ready and its mirror caught up; 503 otherwise.
   */
  static Answer ready(StatusSnapshot s, long nowNanos) {
    Answer unknown = unknown(s, nowNanos);
    if (unknown != null) {
      return unknown;
    }
    String who = s.server() + " is " + s.state() + " (term " + s.term() + ")";
    return switch (s.state()) {
      case "ACTIVE" -> new Answer(200, who);
      case "STANDBY" -> {
        if (!s.runtimeReady()) {
          yield new Answer(503, who + " but its runtime is not ready");
        }
        if (!s.mirrorReady()) {
          yield new Answer(
              503, who + " but its mirror lags the active by " + s.mirrorLagMillis() + " ms");
        }
        yield new Answer(200, who + ", ready to take over");
      }
      default -> new Answer(503, who + ": neither active nor a ready standby");
    };
  }

  private static Answer unknown(StatusSnapshot s, long nowNanos) {
    if (s == null) {
      return new Answer(503, "starting: no status published yet");
    }
    long ageMs = (nowNanos - s.publishedNanos()) / 1_000_000;
    if (ageMs > STALE_AFTER_MS) {
      return new Answer(
          503, s.server() + ": status not refreshed for " + ageMs + " ms; the server is stuck");
    }
    return null;
  }
}
