package io.hotstandby.server.bench;

import io.hotstandby.server.bench.ContinuityClients.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the operator of {@link ContinuityBenchmark} did and what the server must therefore show: two
 * setpoints, the trip tag and its alarm. Every confirmed action must have taken effect, a refused
 * one must not have, one without an answer may have or not; the states that allows are compared
 * with what a server shows.
 */
final class OperatorModel {
  static final String SETPOINT_1 = "Setpoint1";
  static final String SETPOINT_2 = "Setpoint2";
  static final String TRIP = "Trip";
  static final String ALARM = "Tripped";

  /** What the operator sees of the plant. */
  record State(double sp1, double sp2, boolean trip, boolean alarmActive, boolean acked) {
    static final State INITIAL = new State(0.0, 0.0, false, false, true);

    State after(Action a) {
      return switch (a.kind) {
        case SET_1 -> new State((Double) a.value, sp2, trip, alarmActive, acked);
        case SET_2 -> new State(sp1, (Double) a.value, trip, alarmActive, acked);
        case TRIP -> {
          boolean on = (Boolean) a.value;
          yield on && !trip
              ? new State(sp1, sp2, true, true, false)
              : new State(sp1, sp2, on, on && alarmActive, acked);
        }
        case ACK -> new State(sp1, sp2, trip, alarmActive, true);
      };
    }
  }

  enum Kind {
    SET_1,
    SET_2,
    TRIP,
    ACK
  }

  /** One action: the value written (or the comment of an acknowledgement) and how it ended. */
  static final class Action {
    final long index;
    final Kind kind;
    final Object value;
    volatile Outcome outcome = Outcome.UNKNOWN;
    volatile String server = "";
    volatile String text = "";

    /** Completes once the outcome is final (an answer, a failure, or a late answer). */
    final java.util.concurrent.CompletableFuture<Void> settled =
        new java.util.concurrent.CompletableFuture<>();

    Action(long index, Kind kind, Object value) {
      this.index = index;
      this.kind = kind;
      this.value = value;
    }

    /** The tag written, or the alarm acknowledged. */
    String target() {
      return switch (kind) {
        case SET_1 -> SETPOINT_1;
        case SET_2 -> SETPOINT_2;
        case TRIP -> TRIP;
        case ACK -> ALARM;
      };
    }

    @Override
    public String toString() {
      return "#" + index + " " + kind + " " + value + " on " + server + ": " + outcome;
    }
  }

  /** The operator's steady cycle: setpoint, trip on, setpoint, acknowledge, setpoint, trip off. */
  static Action next(long i) {
    return switch ((int) (i % 6)) {
      case 0, 4 -> new Action(i, Kind.SET_1, i + 0.5);
      case 1 -> new Action(i, Kind.TRIP, true);
      case 2 -> new Action(i, Kind.SET_2, i + 0.25);
      case 3 -> new Action(i, Kind.ACK, "ack-" + i);
      default -> new Action(i, Kind.TRIP, false);
    };
  }

  private State base = State.INITIAL;
  private final List<Action> since = new ArrayList<>();
  final List<Action> all = new ArrayList<>();

  synchronized void add(Action a) {
    since.add(a);
    all.add(a);
  }

  /** The actions since the last check. */
  synchronized List<Action> sinceCheck() {
    return new ArrayList<>(since);
  }

  /** Every state the actions since the last check allow. */
  synchronized Set<State> allowed() {
    Set<State> states = new LinkedHashSet<>(List.of(base));
    for (Action a : since) {
      Set<State> next = new LinkedHashSet<>();
      for (State s : states) {
        switch (a.outcome) {
          case CONFIRMED -> next.add(s.after(a));
          case REFUSED -> next.add(s);
          case UNKNOWN -> {
            next.add(s);
            next.add(s.after(a));
          }
        }
      }
      states = next;
    }
    return states;
  }

  /**
   * What in {@code seen} no allowed state explains, one line each ("" when nothing), then starts
   * again from {@code seen}.
   */
  synchronized List<String> check(State seen, String where) {
    Set<State> ok = allowed();
    List<String> wrong = new ArrayList<>();
    if (!ok.contains(seen)) {
      if (ok.stream().noneMatch(s -> s.sp1() == seen.sp1())) {
        wrong.add("write " + where + ": Setpoint1=" + seen.sp1() + ", allowed " + values(ok, 1));
      }
      if (ok.stream().noneMatch(s -> s.sp2() == seen.sp2())) {
        wrong.add("write " + where + ": Setpoint2=" + seen.sp2() + ", allowed " + values(ok, 2));
      }
      if (ok.stream().noneMatch(s -> s.trip() == seen.trip())) {
        wrong.add("write " + where + ": Trip=" + seen.trip() + ", allowed " + values(ok, 3));
      }
      if (wrong.isEmpty()) {
        wrong.add("ack " + where + ": alarm " + seen + ", allowed " + ok);
      }
    }
    base = seen;
    since.clear();
    return wrong;
  }

  private static List<Object> values(Set<State> states, int field) {
    return states.stream()
        .map(s -> (Object) (field == 1 ? s.sp1() : field == 2 ? s.sp2() : s.trip()))
        .distinct()
        .toList();
  }
}
