package io.hotstandby.cluster.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.cluster.sync.ProjectManifest.Entry;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileReader;
import io.hotstandby.domain.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectManifestTest {
  @TempDir Path dir;

  static final String SHA_A = Sha256.hex("a".getBytes(StandardCharsets.UTF_8));
  static final String SHA_B = Sha256.hex("b".getBytes(StandardCharsets.UTF_8));

  /** A domain in {@code dir/site} with projects {@code plant.prj} and {@code shared/alarms.prj}. */
  static Domain domain(Path dir) throws Exception {
    Path file = dir.resolve("site").resolve("plant.dom");
    Files.createDirectories(file.getParent());
    String xml =
        """
        <domain name="plant" version="1">
          <secret>0123456789abcdef</secret>
          <servers>
            <server name="alpha" host="127.0.0.1">
              <hazelcast port="5701"/><opcua port="4840"/><rec path="lan" port="7101"/>
            </server>
          </servers>
          <hotStandby enabled="false" main="alpha"/>
          <projects sync="true" bandwidthKBps="256">
            <project file="plant.prj"/>
            <project file="shared/alarms.prj"/>
          </projects>
        </domain>
        """;
    Files.writeString(file, xml);
    return DomainFileReader.read(file);
  }

  @Test
  void pathsAreRelativeToTheDomainFilesFolder() throws Exception {
    Domain d = domain(dir);

    assertThat(d.projects())
        .extracting(p -> ProjectManifest.relativePath(d, p))
        .containsExactly("plant.prj", "shared/alarms.prj");
  }

  @Test
  void theManifestOfWhatWasReadHasAHashAndSizePerFileAndMissingOnes() throws Exception {
    Domain d = domain(dir);
    byte[] plant = "<project name=\"plant\"/>".getBytes(StandardCharsets.UTF_8);

    ProjectManifest m = ProjectManifest.of(d, Map.of(d.projects().get(0), plant));

    assertThat(m.entries())
        .containsExactly(
            new Entry("plant.prj", Sha256.hex(plant), plant.length),
            Entry.missing("shared/alarms.prj"));
    assertThat(m.entries().get(1).present()).isFalse();
  }

  @Test
  void theHashChangesWithAnyEntryAndNotOtherwise() {
    ProjectManifest a = new ProjectManifest(List.of(new Entry("p.prj", SHA_A, 1)));

    assertThat(a.hash())
        .isEqualTo(new ProjectManifest(List.of(new Entry("p.prj", SHA_A, 1))).hash());
    assertThat(a.hash())
        .isNotEqualTo(new ProjectManifest(List.of(new Entry("p.prj", SHA_B, 1))).hash())
        .isNotEqualTo(new ProjectManifest(List.of(new Entry("q.prj", SHA_A, 1))).hash())
        .isNotEqualTo(new ProjectManifest(List.of(new Entry("p.prj", SHA_A, 2))).hash())
        .isNotEqualTo(ProjectManifest.EMPTY.hash())
        .matches("[0-9a-f]{64}");
  }

  @Test
  void differencesNameEveryPathThatDiffersOrIsOnOneSideOnly() {
    ProjectManifest mine =
        new ProjectManifest(
            List.of(
                new Entry("same.prj", SHA_A, 1),
                new Entry("changed.prj", SHA_A, 1),
                new Entry("mine.prj", SHA_A, 1)));
    ProjectManifest theirs =
        new ProjectManifest(
            List.of(
                new Entry("same.prj", SHA_A, 1),
                new Entry("changed.prj", SHA_B, 1),
                new Entry("theirs.prj", SHA_B, 1)));

    assertThat(mine.differences(theirs)).containsExactly("changed.prj", "mine.prj", "theirs.prj");
    assertThat(mine.differences(mine)).isEmpty();
  }

  @Test
  void theOnDiskManifestFollowsTheFilesAndReadingForLoadingMatchesIt() throws Exception {
    Domain d = domain(dir);
    Path plant = d.projects().get(0);
    Path alarms = d.projects().get(1);
    Files.writeString(plant, "one");
    ProjectFiles files = new ProjectFiles(() -> d);

    ProjectManifest first = files.onDisk();
    assertThat(first.entry("plant.prj").orElseThrow())
        .isEqualTo(new Entry("plant.prj", Sha256.hex("one".getBytes(StandardCharsets.UTF_8)), 3));
    assertThat(first.entry("shared/alarms.prj").orElseThrow().present()).isFalse();
    assertThat(ProjectFiles.readForLoading(d).manifest()).isEqualTo(first);

    Files.createDirectories(alarms.getParent());
    Files.writeString(alarms, "alarms");
    Files.writeString(plant, "two!");
    ProjectManifest second = files.onDisk();

    assertThat(second.entry("plant.prj").orElseThrow().sha256())
        .isEqualTo(Sha256.hex("two!".getBytes(StandardCharsets.UTF_8)));
    assertThat(second.entry("shared/alarms.prj").orElseThrow().size()).isEqualTo(6);
    assertThat(first.differences(second)).containsExactly("plant.prj", "shared/alarms.prj");
    assertThat(files.resolve("shared/alarms.prj")).contains(alarms);
    assertThat(files.resolve("../../etc/passwd")).isEmpty();
  }
}
