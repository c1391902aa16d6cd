package io.hotstandby.admin.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which commands the launcher hands to the resident agent, and how. */
class AgentClientTest {
  static List<String> request(String... args) {
    return AgentClient.agentRequest(args, null);
  }

  @Test
  void shortCommandsGoToTheAgentWithAbsolutePaths() {
    String cwd = Path.of("").toAbsolutePath().toString();
    assertThat(request("--domain", "plant.dom", "status", "--json"))
        .containsExactly("--domain", cwd + "/plant.dom", "status", "--json");
    assertThat(
            request("--user", "olga", "--password-file", "pw", "--domain=d/plant.dom", "tag", "T1"))
        .containsExactly(
            "--user",
            "olga",
            "--password-file",
            cwd + "/pw",
            "--domain=" + cwd + "/d/plant.dom",
            "tag",
            "T1");
    assertThat(request("--endpoint", "opc.tcp://h:4851/hotstandby", "events", "ack", "--all"))
        .isNotNull();
    assertThat(request("activate", "beta", "--domain", "plant.dom", "--password-file=pw"))
        .as("the top command's options after the command")
        .containsExactly(
            "activate", "beta", "--domain", cwd + "/plant.dom", "--password-file=" + cwd + "/pw");
  }

  @Test
  void whatReadsTheConsoleRunsUntilStoppedOrIsTurnedOffRunsInItsOwnProcess() {
    assertThat(request("--domain", "d.dom", "--user", "olga", "status"))
        .as("a password would be asked for")
        .isNull();
    assertThat(request("--domain", "d.dom", "status", "--watch")).isNull();
    assertThat(request("--domain", "d.dom", "events", "--follow")).isNull();
    assertThat(request("--domain", "d.dom", "status", "--help")).isNull();
    assertThat(request("--domain", "d.dom", "domain", "show")).as("raw bytes").isNull();
    assertThat(request("--domain", "d.dom", "user", "add", "vic")).isNull();
    assertThat(request("hash-password")).isNull();
    assertThat(request("--domain")).isNull();
    assertThat(AgentClient.agentRequest(new String[] {"--domain", "d.dom", "status"}, "off"))
        .isNull();
  }

  @Test
  void theIdleTimeIsReadFromTheEnvironment() {
    assertThat(Agent.idleSeconds(java.util.Map.of())).isEqualTo(600);
    assertThat(Agent.idleSeconds(java.util.Map.of("DOMAINCTL_AGENT_IDLE_SECONDS", "30")))
        .isEqualTo(30);
    assertThat(Agent.idleSeconds(java.util.Map.of("DOMAINCTL_AGENT_IDLE_SECONDS", "soon")))
        .isEqualTo(600);
  }
}
