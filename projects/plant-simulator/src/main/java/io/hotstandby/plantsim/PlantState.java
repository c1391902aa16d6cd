package io.hotstandby.plantsim;

/**
 * What the plant looks like after a tick: every value the simulator exposes except the record of
 * the last write, which belongs to the OPC UA side.
 *
 * @param tank1Level Tank1 level in m, 0..{@link PlantModel#MAX_LEVEL_M}
 * @param inletOpen whether the Tank1 inlet is open
 * @param tank2Level Tank2 level in m, 0..{@link PlantModel#MAX_LEVEL_M}
 * @param pumpRun whether Pump1 is commanded to run
 * @param pumpSpeed Pump1 speed set point in %, 0..100
 * @param pumpFault whether Pump1 tripped on a dry run (it moves nothing until reset)
 * @param valveOpen whether Valve1 (the Tank2 drain) is open
 * @param flowRate the pump's flow in the last tick, m3/h
 * @param flowTotal everything the pump has moved, m3
 * @param heartbeat the number of ticks so far
 */
public record PlantState(
    double tank1Level,
    boolean inletOpen,
    double tank2Level,
    boolean pumpRun,
    double pumpSpeed,
    boolean pumpFault,
    boolean valveOpen,
    double flowRate,
    double flowTotal,
    long heartbeat) {}
