package io.hotstandby.rec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.rec.IntegrityResult.AddressResult;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Timing;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntegrityCheckTest {
  private static InetSocketAddress addressOf(ServerSocket s) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
  }

  @Test
  void aListeningAddressPasses() throws Exception {
    try (ServerSocket plc = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        IntegrityCheck check = new IntegrityCheck(List.of(addressOf(plc)))) {
      IntegrityResult r = check.checkNow();

      assertThat(r.anyReachable()).isTrue();
      AddressResult only = r.addresses().get(0);
      assertThat(only.reachable()).isTrue();
      assertThat(only.error()).isEmpty();
      assertThat(only.millis()).isBetween(0L, IntegrityCheck.DEFAULT_TIMEOUT_MS);
      assertThat(check.latest()).isEqualTo(r);
      assertThat(check.configured()).isTrue();
      assertThat(check.passes(1_000)).isTrue();
    }
  }

  @Test
  void aClosedPortFailsWithAReason() {
    try (IntegrityCheck check = new IntegrityCheck(List.of(FreePorts.nextAddress()), 200)) {
      IntegrityResult r = check.checkNow();

      assertThat(r.anyReachable()).isFalse();
      assertThat(r.addresses().get(0).reachable()).isFalse();
      assertThat(r.addresses().get(0).error()).isNotBlank();
      assertThat(check.passes(1_000)).isFalse();
    }
  }

  @Test
  void oneReachableAddressOfSeveralIsEnough() throws Exception {
    try (ServerSocket plc = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        IntegrityCheck check =
            new IntegrityCheck(
                List.of(FreePorts.nextAddress(), addressOf(plc), FreePorts.nextAddress()), 200)) {
      IntegrityResult r = check.checkNow();

      assertThat(r.addresses())
          .extracting(AddressResult::reachable)
          .containsExactly(false, true, false);
      assertThat(r.anyReachable()).isTrue();
    }
  }

  @Test
  void notConfiguredPasses() {
    try (IntegrityCheck check = new IntegrityCheck(List.of())) {
      assertThat(check.configured()).isFalse();
      assertThat(check.passes(1_000)).isTrue();
      check.start(50); // nothing to check: no thread
      assertThat(check.latest()).isNull();
    }
  }

  @Test
  void aStaleOrFailedResultIsCheckedAgain() throws Exception {
    ServerSocket plc = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    try (IntegrityCheck check = new IntegrityCheck(List.of(addressOf(plc)))) {
      assertThat(check.passes(60_000)).isTrue();
      plc.close();
      // Younger than the limit and positive: trusted without a new check.
      assertThat(check.passes(60_000)).isTrue();
      // Too old: checked again, and now the PLC is gone.
      assertThat(check.passes(0)).isFalse();
    }
  }

  @Test
  void theBackgroundModeKeepsTheLatestResultFresh() throws Exception {
    try (ServerSocket plc = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        IntegrityCheck check = new IntegrityCheck(List.of(addressOf(plc)))) {
      check.start(50);

      await().atMost(Timing.seconds(5)).until(() -> check.latest() != null);
      IntegrityResult first = check.latest();
      await()
          .atMost(Timing.seconds(5))
          .until(() -> check.latest().checkedAtNanos() != first.checkedAtNanos());
      assertThat(check.latest().anyReachable()).isTrue();
      assertThat(Thread.getAllStackTraces().keySet())
          .anyMatch(t -> t.getName().equals("integrity-check"));

      check.close();
      await()
          .atMost(Timing.seconds(5))
          .until(
              () ->
                  Thread.getAllStackTraces().keySet().stream()
                      .noneMatch(t -> t.getName().equals("integrity-check") && t.isAlive()));
    }
  }
}
