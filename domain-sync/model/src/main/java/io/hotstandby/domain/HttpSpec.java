package io.hotstandby.domain;

/**
 * A server's read-only HTTP endpoint ({@code <http port="8081" bind="..."/>}): health, readiness,
 * Prometheus metrics and a status page of the domain.
 *
 * @param bind the address the endpoint listens on (the server's host unless the file says)
 * @param port the TCP port it listens on
 */
public record HttpSpec(String bind, int port) {}
