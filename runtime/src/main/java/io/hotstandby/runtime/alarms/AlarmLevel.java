package io.hotstandby.runtime.alarms;

/** The limit an analog alarm's value is beyond, from the low side to the high side. */
public enum AlarmLevel {
  LOLO(-1, 2),
  LO(-1, 1),
  HI(1, 1),
  HIHI(1, 2);

  private final int side;
  private final int rank;

  AlarmLevel(int side, int rank) {
    this.side = side;
    this.rank = rank;
  }

  /** -1 for the low limits, +1 for the high ones. */
  public int side() {
    return side;
  }

  /** 1 for Lo and Hi, 2 for LoLo and HiHi. */
  public int rank() {
    return rank;
  }

  /** Whether going from {@code from} (null: no alarm) to this level makes the alarm worse. */
  public boolean worseThan(AlarmLevel from) {
    return from == null || from.side != side || rank > from.rank;
  }
}
