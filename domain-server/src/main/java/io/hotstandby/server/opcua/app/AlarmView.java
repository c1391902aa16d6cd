package io.hotstandby.server.opcua.app;

/**
 * The state of one alarm as the application namespace shows it.
 *
 * @param name the alarm's unique name
 * @param tag the path of the tag it watches
 * @param active whether the alarm condition holds
 * @param acknowledged whether its last activation was acknowledged (true when never active)
 * @param severity OPC UA severity, 1..1000
 * @param message the text operators see
 * @param limit the limit an active analog alarm is beyond ({@code HI}, {@code LOLO}...), "" or null
 *     when none
 */
public record AlarmView(
    String name,
    String tag,
    boolean active,
    boolean acknowledged,
    int severity,
    String message,
    String limit) {}
