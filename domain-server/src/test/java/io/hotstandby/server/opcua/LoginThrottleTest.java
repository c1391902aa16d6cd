package io.hotstandby.server.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The login throttle on a clock the test moves. */
class LoginThrottleTest {
  static final String ATTACKER = "10.0.0.66";
  static final String CONSOLE = "10.0.0.5";

  final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
  final LoginThrottle throttle = new LoginThrottle(clock::get);
  final List<String> audit = new ArrayList<>();

  {
    throttle.auditTo((user, address, result) -> audit.add(user + "@" + address + " " + result));
  }

  /** One login as the validator makes it: refused at once while throttled, else checked. */
  boolean login(String user, String address, boolean rightPassword) {
    if (throttle.check(user, address) != null) {
      return false;
    }
    throttle.result(user, address, rightPassword);
    return rightPassword;
  }

  void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void eachFailureMakesTheNextTryWaitLonger() {
    assertThat(login("admin", ATTACKER, false)).isFalse();

    assertThat(throttle.check("admin", ATTACKER)).contains("too soon", "try again in 1 s");
    advance(Duration.ofSeconds(1));
    assertThat(throttle.check("admin", ATTACKER)).isNull();
    assertThat(login("admin", ATTACKER, false)).isFalse();
    advance(Duration.ofMillis(1999));
    assertThat(throttle.check("admin", ATTACKER)).isNotNull();
    advance(Duration.ofMillis(1));
    assertThat(throttle.check("admin", ATTACKER)).isNull();
  }

  @Test
  void fiveFailuresLockTheUserFromThatAddressForAGrowingPeriodEvenWithTheRightPassword() {
    failUntilLocked("admin", ATTACKER);

    assertThat(throttle.check("admin", ATTACKER))
        .isEqualTo("refused: locked for this user for 60 s after 5 failed logins");
    assertThat(login("admin", ATTACKER, true)).as("the right password while locked").isFalse();
    advance(Duration.ofSeconds(59));
    assertThat(login("admin", ATTACKER, true)).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(login("admin", ATTACKER, false)).isFalse();
    // The sixth failure locks for twice as long.
    assertThat(throttle.check("admin", ATTACKER)).contains("for 120 s after 6 failed logins");
    advance(Duration.ofSeconds(120));
    assertThat(login("admin", ATTACKER, true)).isTrue();
    // Success clears the count.
    assertThat(login("admin", ATTACKER, false)).isFalse();
    assertThat(throttle.check("admin", ATTACKER)).contains("try again in 1 s");
  }

  @Test
  void theLockoutStopsGrowingAtItsMaximum() {
    failUntilLocked("admin", ATTACKER);
    for (int i = 0; i < 30; i++) {
      advance(LoginThrottle.MAX_LOCKOUT);
      login("admin", ATTACKER, false);
    }

    assertThat(throttle.check("admin", ATTACKER)).contains("for 1800 s");
  }

  @Test
  void aFloodLocksOnlyItsAddressAndTheAdministratorLogsInFromHisConsole() {
    failUntilLocked("admin", ATTACKER);
    for (int i = 0; i < 1000; i++) {
      assertThat(login("admin", ATTACKER, false)).isFalse();
    }

    assertThat(login("admin", CONSOLE, true)).isTrue();
  }

  @Test
  void oneAddressTryingManyUserNamesIsLockedForEveryName() {
    for (int i = 0; i < LoginThrottle.MAX_ADDRESS_FAILURES; i++) {
      assertThat(login("user" + i, ATTACKER, false)).isFalse();
    }

    assertThat(throttle.check("someone-else", ATTACKER))
        .isEqualTo("refused: locked from this address for 60 s after 20 failed logins");
    assertThat(login("admin", ATTACKER, true)).isFalse();
    assertThat(login("admin", CONSOLE, true)).isTrue();
    advance(Duration.ofSeconds(60));
    assertThat(login("admin", ATTACKER, true)).isTrue();
  }

  @Test
  void everyRefusalIsAudited() {
    login("admin", ATTACKER, false);
    login("admin", ATTACKER, true);

    assertThat(audit)
        .containsExactly(
            "admin@10.0.0.66 refused: wrong user name or password",
            "admin@10.0.0.66 refused: too soon after a failed login; try again in 1 s");
  }

  @Test
  void aFloodOfManyAddressesKeepsABoundedNumberOfCounters() {
    for (int i = 0; i < LoginThrottle.MAX_ENTRIES * 2; i++) {
      login("admin", "10.1." + (i / 256) + "." + (i % 256), false);
    }

    assertThat(throttle.counters()).isLessThanOrEqualTo(LoginThrottle.MAX_ENTRIES);
    assertThat(login("admin", CONSOLE, true)).isTrue();
  }

  private void failUntilLocked(String user, String address) {
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      assertThat(login(user, address, false)).isFalse();
      advance(LoginThrottle.FIRST_DELAY.multipliedBy(1L << i));
    }
    // The waits above let the fifth failure's lock start at the last failure.
    clock.addAndGet(-LoginThrottle.FIRST_DELAY.multipliedBy(1L << 4).toNanos());
  }
}
