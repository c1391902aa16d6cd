package io.hotstandby.server.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.domain.ServiceProbeSpec;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe's decisions on an injected clock, with a scripted endpoint. */
class ServiceProbeTest {
  static final ServiceProbeSpec SPEC = new ServiceProbeSpec(1000, 3, 40);
  static final ServiceProbe.Target ALPHA =
      new ServiceProbe.Target("alpha", "opc.tcp://alpha:4840/hotstandby", false, 7);
  static final ServiceProbe.Target SELF =
      new ServiceProbe.Target("beta", "opc.tcp://beta:4840/hotstandby", true, 8);

  ServiceProbeSpec spec = SPEC;
  ServiceProbe.Target target = ALPHA;
  long now = 1_000_000_000L;
  static final Instant BOOT = Instant.parse("2026-03-01T08:00:00Z");
  final Deque<String> answers = new ArrayDeque<>();
  final List<String> probed = new ArrayList<>();
  final List<String> verdicts = new ArrayList<>();

  final ServiceProbe probe =
      new ServiceProbe(
          () -> spec,
          () -> target,
          (url, timeout) -> {
            probed.add(url + " " + timeout);
            return answers.isEmpty() ? "" : answers.poll();
          },
          new ServiceProbe.Listener() {
            @Override
            public void failed(ServiceProbe.Target t, int failures, String error) {
              verdicts.add("failed " + t.server() + " " + failures + " " + error);
            }

            @Override
            public void recovered(ServiceProbe.Target t, int failures) {
              verdicts.add("recovered " + t.server() + " " + failures);
            }
          },
          this::wall);

  /** The wall clock, moving with the monotonic one. */
  Instant wall() {
    return BOOT.plusNanos(now);
  }

  /** One probe per interval: ticks until the next probe ran, moving the clock. */
  void probeOnce(String answer) {
    answers.add(answer);
    int before = probed.size();
    for (int i = 0; i < 100 && probed.size() == before; i++) {
      long wait = probe.tick(now);
      now += wait * 1_000_000L;
    }
    assertThat(probed).hasSize(before + 1);
  }

  @Test
  void nothingToProbeLetsGoOfTheKeptSessionOnce() {
    List<String> calls = new ArrayList<>();
    ServiceProbe p =
        new ServiceProbe(
            () -> spec,
            () -> target,
            new ServiceProbe.Prober() {
              @Override
              public String check(String url, long timeoutMillis) {
                calls.add("check " + url);
                return "";
              }

              @Override
              public void idle() {
                calls.add("idle");
              }
            },
            new ServiceProbe.Listener() {
              @Override
              public void failed(ServiceProbe.Target t, int failures, String error) {}

              @Override
              public void recovered(ServiceProbe.Target t, int failures) {}
            },
            this::wall);
    p.tick(now);

    target = null; // the standby became INACTIVE, say, or the probe was switched off
    p.tick(now + 1);
    p.tick(now + 2);

    assertThat(calls).containsExactly("check " + ALPHA.url(), "idle");
  }

  @Test
  void offByDefaultNeverProbes() {
    spec = ServiceProbeSpec.OFF;
    for (int i = 0; i < 10; i++) {
      now += probe.tick(now) * 1_000_000L + 1;
    }
    assertThat(probed).isEmpty();
    assertThat(probe.current()).isNull();
  }

  @Test
  void probesOncePerIntervalWithTheIntervalAsTimeout() {
    assertThat(probe.tick(now)).isZero();
    assertThat(probed).containsExactly(ALPHA.url() + " 1000");
    assertThat(probe.tick(now + 400_000_000L)).isEqualTo(600);
    assertThat(probe.tick(now + 999_000_000L)).isEqualTo(1);
    assertThat(probed).hasSize(1);
    probe.tick(now + 1_000_000_000L);
    assertThat(probed).hasSize(2);
  }

  @Test
  void declaresThePeerFailedAfterFailuresInARowAndAgainAfterEachMore() {
    probeOnce(""); // it answered once
    probeOnce("no answer within 1000 ms");
    probeOnce("no answer within 1000 ms");
    assertThat(verdicts).isEmpty();
    probeOnce("connection refused");
    assertThat(verdicts).containsExactly("failed alpha 3 connection refused");
    probeOnce("x");
    probeOnce("x");
    assertThat(verdicts).hasSize(1);
    probeOnce("x");
    assertThat(verdicts).containsExactly("failed alpha 3 connection refused", "failed alpha 6 x");
    probeOnce("");
    assertThat(verdicts).last().isEqualTo("recovered alpha 6");
    assertThat(probe.failureWeight()).isZero();
  }

  @Test
  void aSuccessResetsTheCount() {
    probeOnce("");
    probeOnce("x");
    probeOnce("x");
    probeOnce("");
    probeOnce("x");
    probeOnce("x");
    assertThat(verdicts).isEmpty();
    assertThat(probe.failures()).isEqualTo(2);
  }

  @Test
  void aPeerThatNeverAnsweredIsNotDeclaredFailed() {
    for (int i = 0; i < 7; i++) {
      probeOnce("connection refused");
    }
    assertThat(verdicts).isEmpty();
    assertThat(probe.failures()).isEqualTo(7);
  }

  @Test
  void aNewTermOfThePeerStartsAfresh() {
    probeOnce("");
    probeOnce("x");
    probeOnce("x");
    target = new ServiceProbe.Target("alpha", ALPHA.url(), false, 9);
    probeOnce("x");
    probeOnce("x");
    probeOnce("x");
    assertThat(verdicts).isEmpty(); // never answered in term 9
  }

  @Test
  void theOwnEndpointAddsItsFailureWeightUntilItAnswers() {
    target = SELF;
    probeOnce("x");
    probeOnce("x");
    assertThat(probe.failureWeight()).isZero();
    probeOnce("Bad_Timeout");
    assertThat(probe.failureWeight()).isEqualTo(40);
    assertThat(verdicts).containsExactly("failed beta 3 Bad_Timeout");
    probeOnce("");
    assertThat(probe.failureWeight()).isZero();
    assertThat(verdicts).last().isEqualTo("recovered beta 3");
  }

  @Test
  void nothingToProbeClearsTheWeight() {
    target = SELF;
    probeOnce("x");
    probeOnce("x");
    probeOnce("x");
    assertThat(probe.failureWeight()).isEqualTo(40);
    target = null; // no longer ACTIVE
    assertThat(probe.tick(now)).isEqualTo(ServiceProbe.IDLE_MILLIS);
    assertThat(probe.failureWeight()).isZero();
  }

  @Test
  void turningItOffStopsProbing() {
    probeOnce("");
    spec = ServiceProbeSpec.OFF;
    now += 5_000_000_000L;
    probe.tick(now);
    assertThat(probed).hasSize(1);
  }

  @Test
  void theStatusShowsTheRunOfFailuresAndWhenTheTargetLastAnswered() {
    assertThat(probe.status()).isEqualTo(ServiceProbe.Status.OFF);
    probeOnce("");
    Instant answered = wall();
    probeOnce("no answer within 1000 ms");
    probeOnce("x");
    probeOnce("GetEndpoints: connection refused");
    assertThat(probe.status())
        .isEqualTo(
            new ServiceProbe.Status(
                true, ALPHA, 3, 3, answered, wall(), "GetEndpoints: connection refused"));
    probeOnce("");
    assertThat(probe.status().failuresInRow()).isZero();
    assertThat(probe.status().lastOkAt()).isEqualTo(wall());
    // What failed last stays visible after the target answers again.
    assertThat(probe.status().lastFailure()).isEqualTo("GetEndpoints: connection refused");
  }

  @Test
  void aNewTargetStartsAfreshInTheStatus() {
    probeOnce("");
    probeOnce("x");
    target = SELF;
    probeOnce("Bad_Timeout");
    assertThat(probe.status())
        .isEqualTo(new ServiceProbe.Status(true, SELF, 1, 3, null, wall(), "Bad_Timeout"));
    target = null;
    probe.tick(now);
    assertThat(probe.status())
        .isEqualTo(new ServiceProbe.Status(true, null, 0, 3, null, null, null));
  }

  @Test
  void offTheStatusSaysSoAndNamesNoTarget() {
    probeOnce("x");
    spec = ServiceProbeSpec.OFF;
    probe.tick(now);
    assertThat(probe.status()).isEqualTo(ServiceProbe.Status.OFF);
  }
}
