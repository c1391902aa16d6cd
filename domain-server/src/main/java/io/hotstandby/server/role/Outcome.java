package io.hotstandby.server.role;

import java.util.List;

/**
 * What handling one event produced.
 *
 * @param transitions changes of state, in order (usually none or one)
 * @param notices event-log entries that are not changes of state
 * @param unmet for an activation request, every unmet precondition; empty when accepted
 * @param effects what the server must do now, in order
 */
public record Outcome(
    List<Transition> transitions,
    List<RoleNotice> notices,
    List<String> unmet,
    List<Effect> effects) {

  public Outcome {
    transitions = List.copyOf(transitions);
    notices = List.copyOf(notices);
    unmet = List.copyOf(unmet);
    effects = List.copyOf(effects);
  }
}
