package io.hotstandby.cluster.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileReader;
import io.hotstandby.events.Weight;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers' {@link ProjectSync} in one JVM on a bus that delivers every message to both, as the
 * Hazelcast topic does: alpha active, beta standing by, each with its own folder.
 */
class ProjectSyncTest {
  @TempDir Path root;

  final List<ProjectSync> members = new CopyOnWriteArrayList<>();
  final List<ProjectSync> started = new ArrayList<>();
  volatile UnaryOperator<byte[]> onTheWire = b -> b;

  Server alpha;
  Server beta;

  /** One server: its domain (replaceable), its events, its sync. */
  final class Server implements ProjectSync.Listener {
    final String name;
    final Path dir;
    final AtomicReference<Domain> domain = new AtomicReference<>();
    final AtomicBoolean active = new AtomicBoolean();
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Boolean> inSyncChanges = new CopyOnWriteArrayList<>();
    ProjectSync sync;

    Server(String name, boolean isActive) throws Exception {
      this.name = name;
      this.dir = root.resolve(name);
      this.active.set(isActive);
      Files.createDirectories(dir.resolve("data"));
      writeDomain(true, 4096);
    }

    void writeDomain(boolean enabled, int kbps) throws Exception {
      Path file = dir.resolve("plant.dom");
      Files.writeString(
          file,
          """
          <domain name="plant" version="1">
            <secret>0123456789abcdef</secret>
            <servers>
              <server name="alpha" host="127.0.0.1">
                <hazelcast port="5701"/><opcua port="4840"/><rec path="lan" port="7101"/>
              </server>
              <server name="beta" host="127.0.0.2">
                <hazelcast port="5701"/><opcua port="4840"/><rec path="lan" port="7101"/>
              </server>
            </servers>
            <hotStandby main="alpha" backup="beta"/>
            <projects sync="%s" bandwidthKBps="%d"><project file="plant.prj"/></projects>
          </domain>
          """
              .formatted(enabled, kbps));
      domain.set(DomainFileReader.read(file));
    }

    Path project() {
      return dir.resolve("plant.prj");
    }

    /** Starts (or restarts) the server's sync with the files on disk as loaded. */
    void start() {
      if (sync != null) {
        members.remove(sync);
        sync.close();
      }
      sync =
          new ProjectSync(
              domain::get,
              name,
              dir.resolve("data"),
              ProjectFiles.readForLoading(domain.get()).manifest(),
              active::get,
              () -> 1,
              this,
              System::nanoTime,
              Clock.systemUTC(),
              false);
      started.add(sync);
      members.add(sync);
      sync.attach(ProjectSyncTest.this::publish);
    }

    @Override
    public void event(Weight weight, String message) {
      events.add(weight + " " + message);
    }

    @Override
    public void inSyncChanged(boolean inSync) {
      inSyncChanges.add(inSync);
    }

    boolean logged(String start) {
      return events.stream().anyMatch(e -> e.startsWith(start));
    }
  }

  void publish(byte[] bytes) {
    byte[] b = onTheWire.apply(bytes);
    members.forEach(m -> m.receive(b));
  }

  static byte[] project(int bytes, long seed) {
    StringBuilder b = new StringBuilder("<project name=\"plant\">\n  <tags>\n");
    Random r = new Random(seed);
    for (int i = 0; b.length() < bytes - 40; i++) {
      b.append("    <tag name=\"T").append(i).append("\" type=\"Int32\" initial=\"");
      b.append(r.nextInt(1000)).append("\"/>\n");
    }
    b.append("  </tags>\n</project>\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void twoServersWithTheSameProject() throws Exception {
    alpha = new Server("alpha", true);
    beta = new Server("beta", false);
    byte[] p = project(200_000, 1);
    Files.write(alpha.project(), p);
    Files.write(beta.project(), p);
    alpha.start();
    beta.start(); // asks the active to announce
    await().atMost(Duration.ofSeconds(10)).until(() -> beta.sync.status().active().equals("alpha"));
  }

  @AfterEach
  void closeAll() {
    started.forEach(ProjectSync::close);
  }

  List<Path> history(Server s) throws IOException {
    Path h = s.dir.resolve("data").resolve("project-history");
    if (!Files.isDirectory(h)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(h)) {
      return files.toList();
    }
  }

  @Test
  void serversWithTheSameFilesAreInSync() {
    ProjectSync.Status b = beta.sync.status();

    assertThat(b.inSync()).isTrue();
    assertThat(b.differences()).isEmpty();
    assertThat(b.activeOnDisk()).isEqualTo(b.loaded());
    assertThat(beta.sync.projectsMatchActive()).isTrue();
    assertThat(alpha.sync.status().active()).isEqualTo("alpha");
    assertThat(beta.events)
        .containsExactly("NOTICE project files loaded here are the same as the active alpha's");
    assertThat(alpha.events).isEmpty();
  }

  @Test
  void aFileChangedOnTheActiveIsCopiedVerifiedAndKeptInHistoryAndTheStandbyIsNotReady()
      throws Exception {
    byte[] old = Files.readAllBytes(beta.project());
    byte[] changed = project(300_000, 2);
    Files.write(alpha.project(), changed);

    alpha.sync.peerJoined("beta"); // announces now

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> java.util.Arrays.equals(Files.readAllBytes(beta.project()), changed));
    await().atMost(Duration.ofSeconds(5)).until(() -> beta.logged("NOTICE project file plant.prj"));
    assertThat(beta.events)
        .anyMatch(
            e ->
                e.matches(
                    "NOTICE project file plant.prj updated from alpha \\(\\d+ bytes in \\d+ ms\\);"
                        + " the runtime loads it when this server restarts"))
        .anyMatch(
            e ->
                e.startsWith(
                    "WARNING project files loaded here differ from the active alpha's: plant.prj;"
                        + " this server is not ready"));
    assertThat(history(beta)).hasSize(1);
    assertThat(Files.readAllBytes(history(beta).get(0))).isEqualTo(old);
    assertThat(beta.inSyncChanges).containsExactly(false);
    assertThat(beta.sync.projectsMatchActive()).isFalse();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              ProjectSync.Status s = beta.sync.status();
              assertThat(s.inSync()).isFalse();
              assertThat(s.differences()).containsExactly("plant.prj");
              assertThat(s.changedOnDisk()).containsExactly("plant.prj");
              assertThat(s.onDisk()).isEqualTo(s.activeOnDisk());
              assertThat(s.filesCopied()).isEqualTo(1);
            });
    assertThat(alpha.sync.status().inSync()).isTrue();
    assertThat(alpha.sync.projectsMatchActive()).isTrue();

    // With synchronisation off the difference is only reported.
    beta.writeDomain(false, 4096);
    beta.sync.domainChanged();
    assertThat(beta.sync.projectsMatchActive()).isTrue();
    assertThat(beta.sync.status().differences()).containsExactly("plant.prj");
    beta.writeDomain(true, 4096);
    beta.sync.domainChanged();
    assertThat(beta.sync.projectsMatchActive()).isFalse();

    // A restart loads the copied file: in sync again.
    beta.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> beta.sync.status().active().equals("alpha"));
    assertThat(beta.sync.status().inSync()).isTrue();
    assertThat(beta.sync.projectsMatchActive()).isTrue();
  }

  @Test
  void aCopyWhoseHashDoesNotMatchIsDiscarded() throws Exception {
    byte[] old = Files.readAllBytes(beta.project());
    Files.write(alpha.project(), project(100_000, 3));
    onTheWire =
        b -> {
          try {
            if (ProjectSyncMessage.decode(b) instanceof ProjectSyncMessage.Chunk c) {
              byte[] data = c.data().clone();
              data[data.length / 2] ^= 1;
              return ProjectSyncMessage.encode(
                  new ProjectSyncMessage.Chunk(
                      c.sender(), c.to(), c.path(), c.sha256(), c.size(), c.offset(), data));
            }
          } catch (IOException e) {
            throw new AssertionError(e);
          }
          return b;
        };

    alpha.sync.peerJoined("beta");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> beta.logged("WARNING copy of project file plant.prj from alpha discarded"));
    assertThat(Files.readAllBytes(beta.project())).isEqualTo(old);
    assertThat(history(beta)).isEmpty();
    assertThat(beta.sync.status().filesCopied()).isZero();
  }

  @Test
  void garbageOnTheTopicIsDroppedWithOneWarning() {
    publish("not a message".getBytes(StandardCharsets.UTF_8));
    publish("not a message".getBytes(StandardCharsets.UTF_8));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> beta.logged("WARNING unreadable message on the project sync topic dropped"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> alpha.logged("WARNING unreadable message on the project sync topic dropped"));
    alpha.sync.peerJoined("beta"); // handled after the garbage: the garbage is all done by then
    await().atMost(Duration.ofSeconds(5)).until(() -> beta.sync.status().inSync());
    assertThat(beta.events).filteredOn(e -> e.startsWith("WARNING unreadable message")).hasSize(1);
  }

  @Test
  void withoutSyncNothingIsCopied() throws Exception {
    alpha.writeDomain(false, 4096);
    beta.writeDomain(false, 4096);
    beta.sync.domainChanged();
    byte[] old = Files.readAllBytes(beta.project());
    Files.write(alpha.project(), project(1000, 4));

    alpha.sync.peerJoined("beta");

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> beta.sync.status().differences().equals(List.of("plant.prj")));
    assertThat(beta.sync.projectsMatchActive()).isTrue();
    assertThat(Files.readAllBytes(beta.project())).isEqualTo(old);
    assertThat(beta.events)
        .anyMatch(e -> e.endsWith("project sync is off, so this is only reported"));
  }
}
