package io.hotstandby.cluster.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.cluster.sync.ProjectManifest.Entry;
import io.hotstandby.events.Weight;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectComparisonTest {
  static final ProjectManifest OURS =
      new ProjectManifest(List.of(Entry.of("plant.prj", new byte[] {1})));
  static final ProjectManifest OTHER =
      new ProjectManifest(List.of(Entry.of("plant.prj", new byte[] {2})));

  /** What the listener heard, in order: events, and "in sync: …" for each change. */
  final List<String> heard = new ArrayList<>();

  boolean active;
  boolean syncEnabled = true;

  final ProjectComparison comparison =
      new ProjectComparison(
          OURS,
          () -> active,
          () -> syncEnabled,
          new ProjectSync.Listener() {
            @Override
            public void event(Weight weight, String message) {
              heard.add(weight + " " + message);
            }

            @Override
            public void inSyncChanged(boolean inSync) {
              heard.add("in sync: " + inSync);
            }
          });

  /** Hands {@code comparison} an announcement and evaluates it when it was kept. */
  void hear(String sender, long term, ProjectManifest onDisk) {
    if (comparison.announced(new ProjectSyncMessage.Announce(sender, term, onDisk, onDisk))) {
      comparison.evaluate();
    }
  }

  @Test
  void theSameFilesAreReportedOnceForEachActive() {
    hear("alpha", 1, OURS);
    hear("alpha", 1, OURS);
    hear("gamma", 2, OURS);

    assertThat(heard)
        .containsExactly(
            "NOTICE project files loaded here are the same as the active alpha's",
            "NOTICE project files loaded here are the same as the active gamma's");
    assertThat(comparison.inSync()).isTrue();
  }

  @Test
  void aDifferenceIsReportedWhenItAppearsAndWhenItGoes() {
    hear("alpha", 1, OTHER);
    hear("alpha", 1, OTHER);
    hear("alpha", 1, OURS);

    assertThat(heard)
        .containsExactly(
            "WARNING project files loaded here differ from the active alpha's: plant.prj;"
                + " this server is not ready until it restarts with the active's files",
            "in sync: false",
            "NOTICE project files loaded here are the same as the active alpha's",
            "in sync: true");
  }

  @Test
  void anOlderActiveStillTalkingIsIgnored() {
    hear("gamma", 5, OURS);
    hear("alpha", 4, OTHER);

    assertThat(comparison.announcement().sender()).isEqualTo("gamma");
    assertThat(comparison.inSync()).isTrue();
    assertThat(comparison.differences()).isEmpty();
    assertThat(heard)
        .containsExactly("NOTICE project files loaded here are the same as the active gamma's");
  }

  @Test
  void theActiveComparesWithNoOneAndAForgottenActiveCountsNoMore() {
    hear("alpha", 1, OTHER);
    active = true;
    comparison.forget();
    comparison.evaluate();

    assertThat(comparison.announcement()).isNull();
    assertThat(comparison.inSync()).isTrue();
    assertThat(comparison.differences()).isEmpty();
    assertThat(heard).endsWith("in sync: false", "in sync: true");
  }
}
