package io.hotstandby.server.role;

import io.hotstandby.rec.ServerState;

/**
 * One change of state, as the event log and the listeners see it.
 *
 * @param from the state left
 * @param to the state entered
 * @param term the term after the change
 * @param atMillis wall-clock time of the change
 * @param reason why, in an operator's words
 */
public record Transition(
    ServerState from, ServerState to, long term, long atMillis, String reason) {

  /** The message the event log records, e.g. "state changed from STANDBY to ACTIVE (term 7): …". */
  public String message() {
    return "state changed from " + from + " to " + to + " (term " + term + "): " + reason;
  }
}
