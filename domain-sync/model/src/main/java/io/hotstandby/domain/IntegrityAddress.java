package io.hotstandby.domain;

/** A third address the integrity check connects to over TCP. */
public record IntegrityAddress(String host, int port) {}
