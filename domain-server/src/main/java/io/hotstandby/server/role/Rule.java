package io.hotstandby.server.role;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One row of the role table: in one of these phases, on this event (or, for a condition, after any
 * event), when the guard holds, go to the target phase and carry out the actions. The first
 * matching row wins. Rows are data: {@link RoleTable} declares them and renders them for the
 * documentation.
 *
 * @param from the phases the row applies in
 * @param on what triggers it
 * @param when the guard
 * @param to the target phase, or {@code null} to stay
 * @param actions what the row does besides changing phase (notices, memory, timers)
 * @param because the reason a change of state is recorded with
 */
record Rule(
    Set<Phase> from,
    Trigger on,
    Guard when,
    Phase to,
    List<Action> actions,
    BiFunction<RoleMachine, RoleEvent, String> because) {

  boolean matches(Phase phase, RoleEvent event, RoleMachine m) {
    return from.contains(phase) && on.matches().test(event) && when.test().test(m, event);
  }

  /** The target for this phase: the named one, or the phase itself when the row stays. */
  Phase target(Phase phase) {
    return to == null ? phase : to;
  }

  /**
   * What starts a row: an event of a type, a named timeout, or a condition checked after events.
   */
  record Trigger(String name, Predicate<RoleEvent> matches, boolean condition) {
    static Trigger event(Class<? extends RoleEvent> type) {
      return new Trigger(type.getSimpleName(), type::isInstance, false);
    }

    static Trigger timeout(RoleTimer timer) {
      return new Trigger(
          "Timeout " + timer, e -> e instanceof RoleEvent.Timeout t && t.timer() == timer, false);
    }

    /** A condition: checked after every event the machine handles in the row's phases. */
    static final Trigger CONDITION = new Trigger("(condition)", e -> true, true);

    @SafeVarargs
    static Trigger anyOf(Trigger... triggers) {
      return new Trigger(
          List.of(triggers).stream().map(Trigger::name).collect(Collectors.joining(" / ")),
          e -> List.of(triggers).stream().anyMatch(t -> t.matches().test(e)),
          false);
    }
  }

  /** A named condition on the machine's memory and the event. */
  record Guard(String name, BiPredicate<RoleMachine, RoleEvent> test) {
    static final Guard ALWAYS = new Guard("", (m, e) -> true);

    Guard and(Guard other) {
      String joined =
          name.isEmpty() ? other.name : other.name.isEmpty() ? name : name + ", " + other.name;
      return new Guard(joined, (m, e) -> test.test(m, e) && other.test.test(m, e));
    }
  }

  /** A named action a row carries out on the machine (a notice, a timer, memory). */
  record Action(String name, BiConsumer<RoleMachine, RoleEvent> run) {}

  /** Builds rows: {@code on(phases, trigger).when(guard).to(phase).with(actions).because(...)}. */
  static final class Builder {
    private final Set<Phase> from;
    private final Trigger on;
    private Guard when = Guard.ALWAYS;

    Builder(Set<Phase> from, Trigger on) {
      this.from = EnumSet.copyOf(from);
      this.on = on;
    }

    /** A second builder with the same phases, trigger and guard so far. */
    Builder copy() {
      Builder b = new Builder(from, on);
      b.when = when;
      return b;
    }

    Builder when(Guard guard) {
      this.when = when.and(guard);
      return this;
    }

    Target to(Phase phase) {
      return new Target(this, phase);
    }

    Target stay() {
      return new Target(this, null);
    }
  }

  /** The second half of a row under construction. */
  static final class Target {
    private final Builder b;
    private final Phase to;
    private List<Action> actions = List.of();

    Target(Builder b, Phase to) {
      this.b = b;
      this.to = to;
    }

    Target with(Action... actions) {
      this.actions = List.of(actions);
      return this;
    }

    Rule because(BiFunction<RoleMachine, RoleEvent, String> reason) {
      return new Rule(b.from, b.on, b.when, to, actions, reason);
    }

    Rule because(String reason) {
      return because((m, e) -> reason);
    }

    Rule done() {
      return because((m, e) -> "");
    }
  }
}
