package io.hotstandby.server.opcua;

/**
 * A server of the domain as FindServers lists it.
 *
 * @param applicationUri its application URI ({@link OpcUaEndpointConfig#applicationUri(String,
 *     String)})
 * @param applicationName its application name
 * @param discoveryUrl the URL a client finds its endpoints at: its endpoint URL
 */
public record ListedServer(String applicationUri, String applicationName, String discoveryUrl) {}
