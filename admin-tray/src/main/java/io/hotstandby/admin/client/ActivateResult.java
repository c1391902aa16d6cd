package io.hotstandby.admin.client;

/**
 * What a server answered to {@code Server/Activate} (or to {@code Alarms.Acknowledge}).
 *
 * @param accepted whether the server accepted the request
 * @param message one line for the operator
 */
public record ActivateResult(boolean accepted, String message) {}
