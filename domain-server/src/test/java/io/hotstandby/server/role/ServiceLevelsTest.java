package io.hotstandby.server.role;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.rec.ServerState;
import org.junit.jupiter.api.Test;

class ServiceLevelsTest {

  @Test
  void anActiveStaysInTheHealthyBandAndDropsWithItsFailureWeight() {
    assertThat(ServiceLevels.of(ServerState.ACTIVE, true, 0, false)).isEqualTo(255);
    assertThat(ServiceLevels.of(ServerState.ACTIVE, true, 50, false)).isEqualTo(205);
    assertThat(ServiceLevels.of(ServerState.ACTIVE, true, 1000, false)).isEqualTo(200);
    assertThat(ServiceLevels.of(ServerState.ACTIVE, true, 0, true)).isEqualTo(200);
  }

  @Test
  void aReadyStandbyIsDegradedAndAnythingElseHasNoData() {
    assertThat(ServiceLevels.of(ServerState.STANDBY, true, 0, false)).isEqualTo(199);
    assertThat(ServiceLevels.of(ServerState.STANDBY, true, 50, false)).isEqualTo(149);
    assertThat(ServiceLevels.of(ServerState.STANDBY, true, 1000, false)).isBetween(2, 199);
    assertThat(ServiceLevels.of(ServerState.STANDBY, false, 0, false)).isEqualTo(1);
    assertThat(ServiceLevels.of(ServerState.STARTING, true, 0, false)).isEqualTo(1);
    assertThat(ServiceLevels.of(ServerState.INACTIVE, true, 0, false)).isEqualTo(1);
    assertThat(ServiceLevels.of(ServerState.MAINTENANCE, true, 0, false)).isZero();
    assertThat(ServiceLevels.of(ServerState.STOPPED, true, 0, false)).isZero();
  }
}
