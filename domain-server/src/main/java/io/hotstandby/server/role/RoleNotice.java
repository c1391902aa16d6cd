package io.hotstandby.server.role;

import io.hotstandby.events.Weight;

/**
 * Something the role machine wants written in the event log that is not a change of state: a
 * refused takeover, a dual-active period, an aborted switchover.
 *
 * @param weight NOTICE, WARNING or ERROR
 * @param message the text for operators
 * @param durationMillis the length of what it reports (a dual-active period), or -1
 */
public record RoleNotice(Weight weight, String message, long durationMillis) {

  static RoleNotice notice(String message) {
    return new RoleNotice(Weight.NOTICE, message, -1);
  }

  static RoleNotice warning(String message) {
    return new RoleNotice(Weight.WARNING, message, -1);
  }

  static RoleNotice error(String message, long durationMillis) {
    return new RoleNotice(Weight.ERROR, message, durationMillis);
  }
}
