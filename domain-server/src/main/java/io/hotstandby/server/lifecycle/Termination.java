package io.hotstandby.server.lifecycle;

/**
 * Why a running server ended on its own, for the program that runs it to turn into an exit code: a
 * part that failed after the start (the cluster member could not start), or a domain version that
 * no longer has this server.
 *
 * @param exitCode the process exit code this ending stands for
 * @param message one line for the operator, or "" when the event log said it already
 */
public record Termination(int exitCode, String message) {}
