package io.hotstandby.server.http;

import io.hotstandby.rec.ServerState;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * This server's Prometheus metrics, in a registry of its own. Every value is read when scraped,
 * from the latest {@link StatusSnapshot} or from counters the runtime's listeners bump, so a scrape
 * takes no lock of the server and never waits for the role thread.
 */
public final class ServerMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Supplier<StatusSnapshot> status;
  private final Map<String, Boolean> drivers = new ConcurrentHashMap<>();
  private final Counter tagUpdates;

  /**
   * @param status the latest picture of the server, null before the first
   * @param switchovers how many failovers and switchovers the switchover history has taken in, by
   *     kind ("failover", "switchover"), never fewer than at the last scrape; read on the scraping
   *     thread
   */
  public ServerMetrics(Supplier<StatusSnapshot> status, Supplier<Map<String, Long>> switchovers) {
    this.status = status;
    GaugeWithCallback.builder()
        .name("hotstandby_server_state")
        .help("1 for the state this server is in, 0 for the others")
        .labelNames("state")
        .callback(
            cb -> {
              StatusSnapshot s = status.get();
              for (ServerState state : ServerState.values()) {
                cb.call(s != null && s.state().equals(state.name()) ? 1 : 0, state.name());
              }
            })
        .register(registry);
    gauge("hotstandby_term", "The term of this server's role", s -> s.term());
    gauge(
        "hotstandby_service_level", "The OPC UA ServiceLevel it publishes", s -> s.serviceLevel());
    gauge("hotstandby_health_failure_weight", "The runtime's failure weight", s -> s.health());
    gauge(
        "hotstandby_runtime_ready",
        "1 when it could run the application",
        s -> bit(s.runtimeReady()));
    gauge(
        "hotstandby_writes_suspended",
        "1 while writes are held after a pause",
        s -> bit(s.writesSuspended()));
    gauge(
        "hotstandby_domain_version",
        "The version of the domain file in force",
        s -> s.domainVersion());
    gauge(
        "hotstandby_mirror_lag_seconds",
        "How long the mirror of the active's state has been behind",
        s -> s.mirrorLagMillis() / 1000.0);
    gauge(
        "hotstandby_mirror_lag_entries",
        "Entries the mirror is behind; -1 before its first snapshot",
        s -> s.mirrorLagEntries());
    gauge(
        "hotstandby_probe_enabled",
        "1 when the domain's service probe (hotStandby/probe) is on",
        s -> bit(s.probe().enabled()));
    gauge(
        "hotstandby_probe_failures_in_row",
        "Service probes that failed in a row: of the active's endpoint on a standby, of its own"
            + " on the active; 0 while the endpoint answers or nothing is probed",
        s -> s.probe().failuresInRow());
    gauge(
        "hotstandby_probe_failure_threshold",
        "Failures in a row at which the service probe takes its target for failed"
            + " (hotStandby/probe/@failures); 0 when the probe is off",
        s -> s.probe().threshold());
    CounterWithCallback.builder()
        .name("hotstandby_failovers")
        .help(
            "Failovers this server has recorded or been sent, since its data directory was made"
                + " (kept across restarts)")
        .callback(cb -> cb.call(switchovers.get().getOrDefault("failover", 0L)))
        .register(registry);
    CounterWithCallback.builder()
        .name("hotstandby_switchovers")
        .help(
            "Planned switchovers this server has recorded or been sent, since its data directory"
                + " was made (kept across restarts)")
        .callback(cb -> cb.call(switchovers.get().getOrDefault("switchover", 0L)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("hotstandby_peer_state")
        .help("1 for the state each peer's last heartbeat announced")
        .labelNames("peer", "state", "liveness")
        .callback(
            cb -> {
              StatusSnapshot s = status.get();
              if (s != null) {
                s.peers().forEach(p -> cb.call(1, p.name(), p.state(), p.liveness()));
              }
            })
        .register(registry);
    pathGauge(
        "hotstandby_rec_path_up",
        "1 while a valid heartbeat arrived on the path within the failover timeout",
        (p, now) -> bit(p.up()));
    pathGauge(
        "hotstandby_heartbeat_age_seconds",
        "Time since the peer's last valid heartbeat on the path",
        (p, now) ->
            p.lastSeen() == null
                ? Double.NaN
                : Duration.between(p.lastSeen(), now).toNanos() / 1e9);
    pathGauge(
        "hotstandby_heartbeat_rtt_seconds",
        "Smoothed heartbeat round-trip time on the path",
        (p, now) -> p.rttMillis() / 1000.0);
    GaugeWithCallback.builder()
        .name("hotstandby_driver_connected")
        .help("1 while a driver of the runtime is connected to its device")
        .labelNames("driver")
        .callback(cb -> drivers.forEach((name, up) -> cb.call(bit(up), name)))
        .register(registry);
    tagUpdates =
        Counter.builder()
            .name("hotstandby_tag_updates")
            .help("Tag value changes the runtime published; rate() gives the update rate")
            .register(registry);
  }

  /** The registry a scrape reads. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Counts one tag update; the runtime's tag listener, any thread, never blocks. */
  public void tagUpdated() {
    tagUpdates.inc();
  }

  /** Records a driver's connection state; the runtime's health listener, never blocks. */
  public void driverConnected(String driver, boolean up) {
    drivers.put(driver, up);
  }

  private interface Value {
    double of(StatusSnapshot s);
  }

  private interface PathValue {
    double of(StatusSnapshot.Path p, Instant now);
  }

  private void gauge(String name, String help, Value value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(
            cb -> {
              StatusSnapshot s = status.get();
              if (s != null) {
                cb.call(value.of(s));
              }
            })
        .register(registry);
  }

  private void pathGauge(String name, String help, PathValue value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("peer", "path")
        .callback(
            cb -> {
              StatusSnapshot s = status.get();
              Instant now = Instant.now();
              if (s != null) {
                for (StatusSnapshot.Peer peer : s.peers()) {
                  for (StatusSnapshot.Path p : peer.paths()) {
                    cb.call(value.of(p, now), peer.name(), p.path());
                  }
                }
              }
            })
        .register(registry);
  }

  private static double bit(boolean b) {
    return b ? 1 : 0;
  }
}
