package io.hotstandby.domain;

/**
 * Where a server receives heartbeats on one REC path.
 *
 * <p>The server binds a UDP socket to {@code bindHost:bindPort}; its peers send to {@code
 * host:port}. The two differ only when something relays the path (a NAT, or the test kit's relay
 * that cuts a link); by default they are the same.
 *
 * @param path the path's name, the same on every server of the domain (e.g. {@code lan}, {@code
 *     cable})
 * @param bindHost address the server binds to
 * @param bindPort UDP port the server binds to
 * @param host address peers send this server's heartbeats to
 * @param port UDP port peers send to
 */
public record RecEndpoint(String path, String bindHost, int bindPort, String host, int port) {}
