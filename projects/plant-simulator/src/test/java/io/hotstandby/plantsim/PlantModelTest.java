package io.hotstandby.plantsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class PlantModelTest {
  private static final Offset<Double> EPS = within(1e-9);

  @Test
  void startsInTheDocumentedState() {
    PlantState s = new PlantModel().state();
    assertThat(s.tank1Level()).isEqualTo(2.0);
    assertThat(s.tank2Level()).isEqualTo(1.0);
    assertThat(s.inletOpen()).isTrue();
    assertThat(s.pumpRun()).isTrue();
    assertThat(s.pumpSpeed()).isEqualTo(50.0);
    assertThat(s.pumpFault()).isFalse();
    assertThat(s.valveOpen()).isTrue();
    assertThat(s.flowRate()).isZero();
    assertThat(s.flowTotal()).isZero();
    assertThat(s.heartbeat()).isZero();
  }

  @Test
  void oneTickMovesInletPumpAndValve() {
    PlantModel m = new PlantModel(Duration.ofMillis(100));
    m.tick();
    PlantState s = m.state();
    // +0.02 inlet, -0.015 pump (50 % of 0.03)
    assertThat(s.tank1Level()).isCloseTo(2.005, EPS);
    // +0.015 pump, -0.025 valve
    assertThat(s.tank2Level()).isCloseTo(0.99, EPS);
    // 0.015 m3 in 0.1 s = 540 m3/h
    assertThat(s.flowRate()).isCloseTo(540.0, EPS);
    assertThat(s.flowTotal()).isCloseTo(0.015, EPS);
    assertThat(s.heartbeat()).isEqualTo(1);
  }

  @Test
  void eachPartActsAlone() {
    PlantModel m = new PlantModel();
    m.setPumpRun(false);
    m.setValveOpen(false);
    m.tick();
    assertThat(m.state().tank1Level()).isCloseTo(2.02, EPS);
    assertThat(m.state().tank2Level()).isCloseTo(1.0, EPS);
    assertThat(m.state().flowRate()).isZero();

    m.setInletOpen(false);
    m.setValveOpen(true);
    m.tick();
    assertThat(m.state().tank1Level()).isCloseTo(2.02, EPS);
    assertThat(m.state().tank2Level()).isCloseTo(0.975, EPS);

    m.setValveOpen(false);
    m.setPumpRun(true);
    m.setPumpSpeed(100.0);
    m.tick();
    assertThat(m.state().tank1Level()).isCloseTo(1.99, EPS);
    assertThat(m.state().tank2Level()).isCloseTo(1.005, EPS);
    assertThat(m.state().flowTotal()).isCloseTo(0.03, EPS);
  }

  @Test
  void nothingMovesWhenEverythingIsShutButTheHeartbeatCounts() {
    PlantModel m = new PlantModel();
    m.setInletOpen(false);
    m.setPumpRun(false);
    m.setValveOpen(false);
    for (int i = 0; i < 10; i++) {
      m.tick();
    }
    PlantState s = m.state();
    assertThat(s.tank1Level()).isEqualTo(2.0);
    assertThat(s.tank2Level()).isEqualTo(1.0);
    assertThat(s.flowRate()).isZero();
    assertThat(s.flowTotal()).isZero();
    assertThat(s.heartbeat()).isEqualTo(10);
  }

  @Test
  void flowRateDependsOnTheTickDurationAndSpeed() {
    PlantModel m = new PlantModel(Duration.ofSeconds(1));
    m.setPumpSpeed(20.0);
    m.tick();
    // 0.2 × 0.03 = 0.006 m3 in 1 s = 21.6 m3/h
    assertThat(m.state().flowRate()).isCloseTo(21.6, EPS);
    m.setPumpSpeed(0.0);
    m.tick();
    assertThat(m.state().flowRate()).isZero();
    assertThat(m.state().flowTotal()).isCloseTo(0.006, EPS);
  }

  @Test
  void pumpRunningDryTripsAndStopsMoving() {
    PlantModel m = new PlantModel();
    m.setInletOpen(false);
    m.setValveOpen(false);
    m.setPumpSpeed(100.0);
    int ticks = tickUntilFault(m, 200);
    // 2.0 m at 0.03 m/tick: below 0.1 m after 64 ticks, tripped on the next one
    assertThat(ticks).isEqualTo(65);
    PlantState tripped = m.state();
    assertThat(tripped.tank1Level()).isLessThan(PlantModel.DRY_RUN_LEVEL_M).isGreaterThan(0.0);
    assertThat(tripped.flowRate()).isZero();
    assertThat(tripped.pumpRun()).isTrue();

    for (int i = 0; i < 5; i++) {
      m.tick();
    }
    assertThat(m.state().pumpFault()).isTrue();
    assertThat(m.state().tank1Level()).isEqualTo(tripped.tank1Level());
    assertThat(m.state().tank2Level()).isEqualTo(tripped.tank2Level());
    assertThat(m.state().flowTotal()).isEqualTo(tripped.flowTotal());
  }

  @Test
  void resetClearsTheFaultButADryPumpTripsAgain() {
    PlantModel m = new PlantModel();
    m.setInletOpen(false);
    m.setPumpSpeed(100.0);
    tickUntilFault(m, 200);

    m.resetPumpFault();
    assertThat(m.state().pumpFault()).isFalse();
    m.tick();
    assertThat(m.state().pumpFault()).as("still dry and running").isTrue();

    m.setPumpRun(false);
    assertThat(m.state().pumpFault()).as("stopping does not reset").isTrue();
    m.resetPumpFault();
    m.tick();
    assertThat(m.state().pumpFault()).isFalse();

    // Refill Tank1 above the dry-run level, then run again: no fault, the pump moves water.
    m.setInletOpen(true);
    for (int i = 0; i < 100 && m.state().tank1Level() < 0.5; i++) {
      m.tick();
    }
    assertThat(m.state().tank1Level()).isGreaterThanOrEqualTo(0.5);
    m.setPumpRun(true);
    double total = m.state().flowTotal();
    m.tick();
    assertThat(m.state().pumpFault()).isFalse();
    assertThat(m.state().flowTotal()).isGreaterThan(total);
  }

  @Test
  void levelsStayWithinZeroAndFiveMetres() {
    // Tank1 fills up: inlet open, pump stopped.
    PlantModel fill = new PlantModel();
    fill.setPumpRun(false);
    for (int i = 0; i < 400; i++) {
      fill.tick();
      assertWithinBounds(fill.state());
    }
    assertThat(fill.state().tank1Level()).isEqualTo(PlantModel.MAX_LEVEL_M);
    // Tank2 drains to empty and stays there.
    assertThat(fill.state().tank2Level()).isZero();

    // Tank2 fills up from a full Tank1: valve shut, pump at full speed, inlet open.
    PlantModel transfer = new PlantModel();
    transfer.setValveOpen(false);
    transfer.setPumpSpeed(100.0);
    for (int i = 0; i < 1000; i++) {
      transfer.tick();
      assertWithinBounds(transfer.state());
    }
    PlantState full = transfer.state();
    assertThat(full.tank2Level()).isEqualTo(PlantModel.MAX_LEVEL_M);
    assertThat(full.pumpFault()).isFalse();
    // A full Tank2 takes nothing more: the pump moves nothing, Tank1 overflows at the top.
    transfer.tick();
    assertThat(transfer.state().flowRate()).isZero();
    assertThat(transfer.state().flowTotal()).isEqualTo(full.flowTotal());
    assertThat(transfer.state().tank1Level()).isEqualTo(PlantModel.MAX_LEVEL_M);
  }

  @Test
  void volumeIsConservedBetweenTheTanks() {
    PlantModel m = new PlantModel();
    m.setInletOpen(false);
    m.setValveOpen(false);
    m.setPumpSpeed(73.0);
    for (int i = 0; i < 20; i++) {
      m.tick();
    }
    PlantState s = m.state();
    assertThat(s.tank1Level() + s.tank2Level()).isCloseTo(3.0, EPS);
    assertThat(s.flowTotal()).isCloseTo(2.0 - s.tank1Level(), EPS);
  }

  @Test
  void speedOutsideZeroToHundredIsRefused() {
    PlantModel m = new PlantModel();
    assertThatThrownBy(() -> m.setPumpSpeed(100.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.setPumpSpeed(-1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.setPumpSpeed(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(m.state().pumpSpeed()).isEqualTo(50.0);
    assertThatThrownBy(() -> new PlantModel(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static int tickUntilFault(PlantModel m, int maxTicks) {
    for (int i = 1; i <= maxTicks; i++) {
      m.tick();
      if (m.state().pumpFault()) {
        return i;
      }
    }
    throw new AssertionError("no dry-run fault within " + maxTicks + " ticks: " + m.state());
  }

  private static void assertWithinBounds(PlantState s) {
    assertThat(s.tank1Level()).isBetween(0.0, PlantModel.MAX_LEVEL_M);
    assertThat(s.tank2Level()).isBetween(0.0, PlantModel.MAX_LEVEL_M);
  }
}
