package io.hotstandby.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.rec.Heartbeat;
import io.hotstandby.rec.PeerView;
import io.hotstandby.rec.PeerView.Liveness;
import io.hotstandby.rec.ServerState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a secret rotation ends, on an injected clock (nanoseconds, failover timeout 1 s). */
class RotationCompletionTest {
  private static final long TIMEOUT_MS = 1000;
  private static final long VERSION = 7;
  private static final List<String> PEERS = List.of("beta", "gamma");
  private static final long START = TimeUnit.SECONDS.toNanos(1000);

  private final Map<String, PeerView> views = new HashMap<>();

  private static long at(long secondsAfterStart) {
    return START + TimeUnit.SECONDS.toNanos(secondsAfterStart);
  }

  private void heard(String peer, long version, long atNanos) {
    Heartbeat hb =
        new Heartbeat(
            "plant",
            peer,
            1,
            1,
            ServerState.STANDBY,
            1,
            0,
            0,
            true,
            version,
            0,
            "1.0",
            "",
            "",
            0,
            0,
            0);
    views.put(peer, new PeerView(peer, hb, Liveness.ALIVE, atNanos, Map.of(), 500));
  }

  private RotationCompletion.Verdict judgeAt(long nowNanos) {
    return judgeAt(nowNanos, 0);
  }

  private RotationCompletion.Verdict judgeAt(long nowNanos, long linkSinceNanos) {
    return RotationCompletion.judge(
        PEERS, views, VERSION, START, linkSinceNanos, nowNanos, TIMEOUT_MS);
  }

  @Test
  void completesWhenEveryServerRunsTheVersion() {
    heard("beta", VERSION, at(1));
    heard("gamma", VERSION + 1, at(1));

    assertThat(judgeAt(at(1))).isEqualTo(new RotationCompletion.Verdict(true, List.of()));
  }

  @Test
  void aReachableServerOnAnOlderVersionHoldsItOpenEvenAfterTheGracePeriod() {
    heard("beta", VERSION, at(1));
    heard("gamma", VERSION - 1, at(600));

    assertThat(judgeAt(at(601)).complete()).isFalse();
  }

  @Test
  void aServerDownBeforeTheRotationStartedDoesNotHoldItOpen() {
    heard("beta", VERSION, at(1));
    heard("gamma", VERSION - 1, at(-60)); // last heard a minute before the rotation

    assertThat(judgeAt(at(1)).complete()).isFalse(); // younger than 3 failover timeouts
    assertThat(judgeAt(at(3) + 1))
        .isEqualTo(new RotationCompletion.Verdict(true, List.of("gamma")));
  }

  @Test
  void aServerNeverHeardIsAbsentOnceTheLinkHadAWindowToHearIt() {
    heard("beta", VERSION, at(0));

    assertThat(judgeAt(at(2)).complete()).isFalse();
    assertThat(judgeAt(at(4))).isEqualTo(new RotationCompletion.Verdict(true, List.of("gamma")));
  }

  @Test
  void aServerThatWentSilentDuringTheRotationHoldsItUntilTheGracePeriodEnds() {
    heard("beta", VERSION, at(1));
    heard("gamma", VERSION - 1, at(10)); // heard during the rotation, then restarting

    assertThat(judgeAt(at(60)).complete()).isFalse();
    long graceEnd = START + TimeUnit.MILLISECONDS.toNanos(RotationCompletion.GRACE_MILLIS);
    assertThat(judgeAt(graceEnd - 1).complete()).isFalse();
    assertThat(judgeAt(graceEnd)).isEqualTo(new RotationCompletion.Verdict(true, List.of("gamma")));
  }

  @Test
  void aRestartingServerThatReturnsOnTheNewVersionCompletesItWithNobodyAbsent() {
    heard("beta", VERSION, at(1));
    heard("gamma", VERSION - 1, at(10));
    assertThat(judgeAt(at(30)).complete()).isFalse();

    heard("gamma", VERSION, at(40));

    assertThat(judgeAt(at(40))).isEqualTo(new RotationCompletion.Verdict(true, List.of()));
  }

  @Test
  void reachableMeansHeardWithinThreeFailoverTimeouts() {
    heard("beta", VERSION, at(0));
    heard("gamma", VERSION - 1, at(600)); // after the grace period: only reachability counts
    long edge = at(600) + TimeUnit.MILLISECONDS.toNanos(3 * TIMEOUT_MS);

    assertThat(judgeAt(edge).complete()).isFalse();
    assertThat(judgeAt(edge + 1)).isEqualTo(new RotationCompletion.Verdict(true, List.of("gamma")));
  }

  @Test
  void aRecLinkRebuiltDuringTheRotationGetsAWindowToHearEveryServer() {
    heard("beta", VERSION, at(1));
    views.remove("gamma"); // the link rebuilt at 60 s has not heard gamma yet

    assertThat(judgeAt(at(62), at(60)).complete()).isFalse();
    assertThat(judgeAt(at(64), at(60)))
        .isEqualTo(new RotationCompletion.Verdict(true, List.of("gamma")));
  }
}
