package io.hotstandby.rec;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/** A checked, immutable copy of what {@link RecLink.Builder} was given. */
record RecConfig(
    String domain,
    String server,
    byte[] secret,
    long heartbeatMs,
    long failoverTimeoutMs,
    long failoverTimeoutMaxMs,
    Map<String, InetSocketAddress> endpoints,
    Map<String, Map<String, InetSocketAddress>> peers,
    LongSupplier nanoClock,
    RecListener listener,
    LocalStatus initialStatus) {

  /**
   * @throws IllegalArgumentException naming the first problem found
   */
  RecConfig {
    name("domain", domain);
    name("server", server);
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException("the domain secret is missing");
    }
    secret = Arrays.copyOf(secret, secret.length);
    if (heartbeatMs < 1) {
      throw new IllegalArgumentException("heartbeatMs must be positive: " + heartbeatMs);
    }
    // Below two beats a single late heartbeat would already count as a loss.
    if (failoverTimeoutMs < 2 * heartbeatMs) {
      throw new IllegalArgumentException(
          "failoverTimeoutMs " + failoverTimeoutMs + " is less than 2 * heartbeatMs");
    }
    if (failoverTimeoutMaxMs < failoverTimeoutMs) {
      throw new IllegalArgumentException(
          "failoverTimeoutMaxMs "
              + failoverTimeoutMaxMs
              + " is less than failoverTimeoutMs "
              + failoverTimeoutMs);
    }
    Objects.requireNonNull(endpoints, "endpoints");
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no local REC endpoint");
    }
    endpoints.forEach((path, a) -> address("local endpoint of path '" + path + "'", a));
    endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    peers = checkedPeers(server, endpoints, Objects.requireNonNull(peers, "peers"));
    Objects.requireNonNull(nanoClock, "nanoClock");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(initialStatus, "initialStatus");
  }

  private static Map<String, Map<String, InetSocketAddress>> checkedPeers(
      String server,
      Map<String, InetSocketAddress> endpoints,
      Map<String, Map<String, InetSocketAddress>> peers) {
    Map<String, Map<String, InetSocketAddress>> copy = new LinkedHashMap<>();
    peers.forEach(
        (peer, targets) -> {
          name("peer", peer);
          if (peer.equals(server)) {
            throw new IllegalArgumentException("server '" + server + "' is listed as its own peer");
          }
          Objects.requireNonNull(targets, "targets of peer " + peer);
          targets.forEach(
              (path, a) -> {
                // A heartbeat to a peer leaves through our socket of the same path.
                if (!endpoints.containsKey(path)) {
                  throw new IllegalArgumentException(
                      "peer '" + peer + "' has path '" + path + "' but there is no local endpoint");
                }
                address("path '" + path + "' of peer '" + peer + "'", a);
              });
          copy.put(peer, Collections.unmodifiableMap(new LinkedHashMap<>(targets)));
        });
    return Collections.unmodifiableMap(copy);
  }

  private static void name(String what, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " name is missing");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > HeartbeatCodec.MAX_STRING_BYTES) {
      throw new IllegalArgumentException(what + " name is too long: " + name);
    }
  }

  private static void address(String what, InetSocketAddress a) {
    if (a == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (a.isUnresolved()) {
      throw new IllegalArgumentException(what + ": cannot resolve " + a.getHostString());
    }
  }
}
