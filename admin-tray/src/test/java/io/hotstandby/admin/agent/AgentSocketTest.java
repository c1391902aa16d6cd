package io.hotstandby.admin.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the agent listens: a folder of the user's own, never a link or a folder open to others. */
class AgentSocketTest {
  @TempDir Path dir;

  @Test
  void theFolderIsMadeOwnerOnly() throws Exception {
    Path socket = AgentSocket.path(dir.toString(), null);
    assertThat(socket.getParent()).isEqualTo(dir.resolve("hotstandby"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
        .isEqualTo("rwx------");
    assertThat(socket.getFileName().toString()).matches("domainctl-[0-9a-f]{16}\\.sock");
    assertThat(AgentSocket.path(dir.toString(), null))
        .as("the same caller, the same socket")
        .isEqualTo(socket);
  }

  @Test
  void aLinkOrAnOpenFolderIsRefused() throws Exception {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Path runtime = Files.createDirectory(dir.resolve("run"));
    Files.createSymbolicLink(runtime.resolve("hotstandby"), elsewhere);
    assertThatThrownBy(() -> AgentSocket.path(runtime.toString(), null))
        .hasMessageContaining("is not a folder of");

    Path open = Files.createDirectory(dir.resolve("open"));
    Files.createDirectory(open.resolve("hotstandby"));
    Files.setPosixFilePermissions(
        open.resolve("hotstandby"), PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatThrownBy(() -> AgentSocket.path(open.toString(), null))
        .hasMessageContaining("open to other users; run chmod 700");
  }

  @Test
  void withoutARuntimeFolderTheTemporaryFolderHoldsOneOfTheUsersOwn() throws Exception {
    Path socket = AgentSocket.path(null, dir.toString());
    assertThat(socket.getParent().getFileName().toString())
        .isEqualTo("hotstandby-" + System.getProperty("user.name"));
  }
}
