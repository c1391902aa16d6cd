package io.hotstandby.plantsim;

import java.time.Duration;
import java.util.Objects;

/**
 * The water plant the simulator pretends to control: Tank1 fed by an inlet, Pump1 moving water from
 * Tank1 to Tank2, Valve1 draining Tank2. Pure and deterministic: nothing changes except through the
 * setters and {@link #tick()}; not thread-safe (the caller serialises access).
 *
 * <p>One tick, in this order:
 *
 * <ol>
 *   <li>the heartbeat counts up by one;
 *   <li>an open inlet adds {@value #INLET_M_PER_TICK} m to Tank1;
 *   <li>a pump that is commanded to run while Tank1 is below {@value #DRY_RUN_LEVEL_M} m trips (dry
 *       run): {@code Pump1.Fault} stays set until {@link #resetPumpFault()};
 *   <li>a running, healthy pump moves speed % × {@value #PUMP_M_PER_TICK_AT_FULL_SPEED} m from
 *       Tank1 to Tank2, never more than Tank1 holds nor more than Tank2 can take;
 *   <li>an open valve drains {@value #VALVE_M_PER_TICK} m from Tank2;
 *   <li>the flow rate is what the pump moved in this tick, as m3/h for tanks of {@value
 *       #TANK_AREA_M2} m2 and the model's tick duration; the total adds the moved volume.
 * </ol>
 *
 * <p>Levels stay within 0..{@value #MAX_LEVEL_M} m: an inlet into a full tank overflows.
 */
public final class PlantModel {
  /** The height of both tanks, in m. */
  public static final double MAX_LEVEL_M = 5.0;

  /** What an open inlet adds to Tank1 each tick, in m. */
  public static final double INLET_M_PER_TICK = 0.02;

  /** What the pump moves each tick at 100 % speed, in m of tank level. */
  public static final double PUMP_M_PER_TICK_AT_FULL_SPEED = 0.03;

  /** What an open valve drains from Tank2 each tick, in m. */
  public static final double VALVE_M_PER_TICK = 0.025;

  /** Below this Tank1 level a running pump runs dry and trips, in m. */
  public static final double DRY_RUN_LEVEL_M = 0.1;

  /** The floor area of each tank, in m2: turns a level change into a volume. */
  public static final double TANK_AREA_M2 = 1.0;

  /** The default tick duration, used to turn a per-tick volume into m3/h. */
  public static final Duration DEFAULT_TICK = Duration.ofMillis(100);

  private final double ticksPerHour;

  private double tank1Level = 2.0;
  private boolean inletOpen = true;
  private double tank2Level = 1.0;
  private boolean pumpRun = true;
  private double pumpSpeed = 50.0;
  private boolean pumpFault;
  private boolean valveOpen = true;
  private double flowRate;
  private double flowTotal;
  private long heartbeat;

  /** A plant in its initial state, ticking every {@link #DEFAULT_TICK}. */
  public PlantModel() {
    this(DEFAULT_TICK);
  }

  /**
   * A plant in its initial state: Tank1 2.0 m with the inlet open, Tank2 1.0 m, the pump running at
   * 50 %, the valve open.
   *
   * @param tick how long one tick stands for; only the flow rate (m3/h) depends on it
   */
  public PlantModel(Duration tick) {
    Objects.requireNonNull(tick, "tick");
    if (tick.isZero() || tick.isNegative()) {
      throw new IllegalArgumentException("tick must be positive, not " + tick);
    }
    this.ticksPerHour = Duration.ofHours(1).toNanos() / (double) tick.toNanos();
  }

  /** Advances the plant by one tick. */
  public void tick() {
    heartbeat++;
    if (inletOpen) {
      tank1Level = Math.min(MAX_LEVEL_M, tank1Level + INLET_M_PER_TICK);
    }
    if (pumpRun && tank1Level < DRY_RUN_LEVEL_M) {
      pumpFault = true;
    }
    double moved = 0.0;
    if (pumpRun && !pumpFault && tank1Level > 0.0) {
      double wanted = pumpSpeed / 100.0 * PUMP_M_PER_TICK_AT_FULL_SPEED;
      moved = Math.max(0.0, Math.min(wanted, Math.min(tank1Level, MAX_LEVEL_M - tank2Level)));
      tank1Level -= moved;
      tank2Level += moved;
    }
    if (valveOpen) {
      tank2Level = Math.max(0.0, tank2Level - VALVE_M_PER_TICK);
    }
    double volume = moved * TANK_AREA_M2;
    flowRate = volume * ticksPerHour;
    flowTotal += volume;
  }

  /** The plant as it is now. */
  public PlantState state() {
    return new PlantState(
        tank1Level,
        inletOpen,
        tank2Level,
        pumpRun,
        pumpSpeed,
        pumpFault,
        valveOpen,
        flowRate,
        flowTotal,
        heartbeat);
  }

  /** Opens or closes the Tank1 inlet. */
  public void setInletOpen(boolean open) {
    inletOpen = open;
  }

  /** Starts or stops Pump1; stopping it does not clear a fault. */
  public void setPumpRun(boolean run) {
    pumpRun = run;
  }

  /**
   * Sets Pump1's speed.
   *
   * @param percent 0..100
   * @throws IllegalArgumentException outside 0..100 (or NaN)
   */
  public void setPumpSpeed(double percent) {
    if (!isValidSpeed(percent)) {
      throw new IllegalArgumentException("pump speed must be 0..100 %, not " + percent);
    }
    pumpSpeed = percent;
  }

  /** Whether {@link #setPumpSpeed} accepts {@code percent}. */
  public static boolean isValidSpeed(double percent) {
    return percent >= 0.0 && percent <= 100.0;
  }

  /**
   * Clears a dry-run fault. If the pump still runs with Tank1 below the dry-run level, the next
   * tick trips it again.
   */
  public void resetPumpFault() {
    pumpFault = false;
  }

  /** Opens or closes Valve1, the Tank2 drain. */
  public void setValveOpen(boolean open) {
    valveOpen = open;
  }
}
