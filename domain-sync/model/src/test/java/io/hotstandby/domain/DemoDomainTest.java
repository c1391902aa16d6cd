package io.hotstandby.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.host.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo domain shipped in {@code projects/demo} must always parse. */
class DemoDomainTest {
  @TempDir Path dir;

  /** As run-demo.sh does: a copy of the folder, its secret made private; the copied domain file. */
  private Path demoCopy() throws Exception {
    Path demo = Path.of("../../projects/demo");
    for (String name : List.of("demo.dom", "demo.secret", "plant.prj")) {
      Files.copy(demo.resolve(name), dir.resolve(name));
    }
    Files.setPosixFilePermissions(dir.resolve("demo.secret"), PrivateFiles.OWNER_FILE);
    return dir.resolve("demo.dom");
  }

  @Test
  void demoDomainParses() throws Exception {
    Path file = demoCopy();

    Domain d = DomainFileReader.read(file);

    assertThat(d.name()).isEqualTo("demo");
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.secret()).hasSize(64);
    assertThat(d.servers()).extracting(ServerSpec::name).containsExactly("alpha", "beta");
    ServerSpec beta = d.server("beta").orElseThrow();
    assertThat(beta.hazelcastPort()).isEqualTo(5802);
    assertThat(beta.opcUaPort()).isEqualTo(4852);
    assertThat(beta.recPath("cable").orElseThrow())
        .isEqualTo(new RecEndpoint("cable", "127.0.0.1", 7202, "127.0.0.1", 7202));
    assertThat(d.hotStandby().main()).isEqualTo("alpha");
    assertThat(d.hotStandby().backup()).isEqualTo("beta");
    assertThat(d.hotStandby().integrity()).isEmpty();
    assertThat(d.projects())
        .containsExactly(file.toAbsolutePath().normalize().resolveSibling("plant.prj"));
  }

  @Test
  void demoUsersHaveThePasswordsTheDemoBannerPrints() throws Exception {
    Domain d = DomainFileReader.read(demoCopy());

    assertThat(d.security().anonymousRead()).isFalse();
    assertThat(d.users())
        .extracting(UserSpec::name, UserSpec::role)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("admin", UserRole.ADMINISTRATOR),
            org.assertj.core.groups.Tuple.tuple("operator", UserRole.OPERATOR),
            org.assertj.core.groups.Tuple.tuple("viewer", UserRole.VIEWER));
    for (UserSpec u : d.users()) {
      assertThat(PasswordHash.verify(u.passwordHash(), ("demo-" + u.name() + "-1").toCharArray()))
          .as(u.name())
          .isTrue();
    }
  }
}
