package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.DomainChange;
import io.hotstandby.server.kit.LoneServer;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may do what on real servers, through real clients: a domain of two servers with the default
 * endpoints (encrypted, user-name login only) and a memory-tag project with one alarm, shared by
 * the class. Each test finds the roles anew, so the tests pass in any order and alone.
 */
class AccessControlIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SETPOINT = "Operator.Setpoint";
  private static final String ALARM = "Operator.SetpointHigh";
  private static final String PROJECT =
      """
      <project name="acl">
        <drivers><driver name="sim" type="simulation"/></drivers>
        <tags>
          <folder name="Operator">
            <tag name="Setpoint" type="Double" initial="2.5" writable="true"/>
          </folder>
        </tags>
        <alarms>
          <analog name="Operator.SetpointHigh" tag="Operator.Setpoint" hi="4.5" severity="400"
                  message="setpoint high"/>
        </alarms>
      </project>
      """;

  static TestDomain domain;
  ServerProcess active;
  ServerProcess standby;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("acl-project-");
    Path project = Files.writeString(dir.resolve("acl.prj"), PROJECT);
    domain = TestDomain.builder().name("acl").project(project).build().startAll();
  }

  @AfterAll
  static void stop() {
    if (domain != null) {
      domain.close();
    }
  }

  @BeforeEach
  void findRoles() {
    domain.awaitCluster(2);
    TestDomain.Roles roles = domain.awaitRoles();
    active = roles.active();
    standby = roles.standby();
  }

  @Test
  void theDefaultEndpointsAreEncryptedWithLoginOnlyAndASessionWithoutSecurityIsRefused()
      throws Exception {
    // Discovery needs no credentials.
    List<EndpointDescription> endpoints = DiscoveryClient.getEndpoints(active.endpoint()).get();

    assertThat(endpoints)
        .extracting(EndpointDescription::getSecurityPolicyUri)
        .containsExactlyInAnyOrder(
            SecurityPolicy.Basic256Sha256.getUri(),
            SecurityPolicy.Aes128_Sha256_RsaOaep.getUri(),
            SecurityPolicy.Aes256_Sha256_RsaPss.getUri());
    assertThat(endpoints)
        .allSatisfy(
            e -> {
              assertThat(e.getSecurityMode()).isEqualTo(MessageSecurityMode.SignAndEncrypt);
              assertThat(Stream.of(e.getUserIdentityTokens()).map(UserTokenPolicy::getTokenType))
                  .containsExactly(UserTokenType.UserName);
            });
    assertThatThrownBy(() -> AdminClient.connect(active.endpoint(), Timing.seconds(5)))
        .hasMessage(active.endpoint() + " needs a login: give --user (and --password-file)");

    // A client that insists on a session without security is turned away.
    EndpointDescription secure = endpoints.get(0);
    EndpointDescription none =
        new EndpointDescription(
            secure.getEndpointUrl(),
            secure.getServer(),
            secure.getServerCertificate(),
            MessageSecurityMode.None,
            SecurityPolicy.None.getUri(),
            new UserTokenPolicy[] {
              new UserTokenPolicy("anonymous", UserTokenType.Anonymous, null, null, null)
            },
            secure.getTransportProfileUri(),
            secure.getSecurityLevel());
    OpcUaClient plain =
        OpcUaClient.create(
            OpcUaClientConfig.builder()
                .setEndpoint(none)
                .setApplicationUri("urn:acl:plain")
                .setIdentityProvider(new AnonymousProvider())
                .setRequestTimeout(uint(5000))
                .build());
    try {
      assertThatThrownBy(() -> plain.connectAsync().get()).hasMessageContaining("Bad_");
    } finally {
      plain.disconnectAsync();
    }
  }

  @Test
  void aViewerIsRefusedEveryChangeAndEachRefusalIsAuditedWithUserAndClient() throws Exception {
    Object before = setpoint();
    long version = active.status().path("domainVersion").asLong();
    try (AdminClient viewer = active.connectAs(TestDomain.VIEWER);
        AdminClient viewerOnStandby = standby.connectAs(TestDomain.VIEWER)) {
      assertThat(viewer.statusJson()).contains("\"state\"");

      ActivateResult activate = viewerOnStandby.activate();
      String write = viewer.writeTag(SETPOINT, 4.0);
      DomainChange apply = viewer.applyDomain(nextDomainFile(version, "viewer"));
      DomainChange rollback = viewer.rollbackDomain("1");

      assertThat(activate.accepted()).isFalse();
      assertThat(activate.message())
          .isEqualTo("refused: Activate needs the Operator role; viewer has the Viewer role");
      assertThat(write).startsWith("Bad_UserAccessDenied").contains("needs the Operator role");
      assertThatThrownBy(() -> viewer.acknowledge(ALARM, "seen"))
          .hasMessageContaining("needs the Operator role");
      assertThat(apply.accepted()).isFalse();
      assertThat(apply.message()).contains("needs the Administrator role");
      assertThat(rollback.accepted()).isFalse();
      assertThatThrownBy(() -> viewer.showDomain(""))
          .hasMessageContaining("needs the Administrator role");
    }
    assertThat(setpoint()).isEqualTo(before);
    assertThat(standby.state()).isEqualTo("STANDBY");
    assertThat(active.status().path("domainVersion").asLong()).isEqualTo(version);

    assertThat(refusals(active, "viewer"))
        .containsExactlyInAnyOrder(
            "write " + SETPOINT,
            "acknowledge " + ALARM,
            "domain.change domain file",
            "domain.change domain file",
            "domain.show domain file");
    assertThat(refusals(standby, "viewer")).containsExactly("activate Server.Activate");
  }

  @Test
  void anOperatorWritesAcknowledgesAndActivatesButCannotChangeTheDomain() throws Exception {
    long version = active.status().path("domainVersion").asLong();
    try (AdminClient operator = active.connectAs(TestDomain.OPERATOR)) {
      assertThat(operator.writeTag(SETPOINT, 4.8)).isEqualTo("Good");
      await("the alarm is raised")
          .atMost(Timing.seconds(10))
          .until(() -> Boolean.TRUE.equals(read("Alarms." + ALARM + ".Active")));
      ActivateResult ack = operator.acknowledge(ALARM, "seen, lowering it");
      assertThat(ack.accepted()).as(ack.message()).isTrue();
      assertThat(operator.writeTag(SETPOINT, 2.5)).isEqualTo("Good");

      DomainChange apply = operator.applyDomain(nextDomainFile(version, "operator"));
      assertThat(apply.accepted()).isFalse();
      assertThat(apply.message())
          .contains("needs the Administrator role; operator has the Operator role");
    }
    assertThat(audit(active))
        .anySatisfy(line -> assertLine(line, "operator", "write", SETPOINT, "written"))
        .anySatisfy(line -> assertLine(line, "operator", "acknowledge", ALARM, null));
    assertThat(refusals(active, "operator")).containsExactly("domain.change domain file");

    try (AdminClient operator = standby.connectAs(TestDomain.OPERATOR)) {
      ActivateResult activate = operator.activate();
      assertThat(activate.accepted()).as(activate.message()).isTrue();
    }
    domain.awaitState(standby.name(), "ACTIVE");
    assertThat(audit(standby))
        .anySatisfy(line -> assertLine(line, "operator", "activate", "Server.Activate", null));
  }

  @Test
  void anAdministratorMayDoEverything() throws Exception {
    long version = active.status().path("domainVersion").asLong();
    try (AdminClient admin = active.connectAs(TestDomain.ADMIN)) {
      assertThat(admin.writeTag(SETPOINT, 3.0)).isEqualTo("Good");
      assertThat(admin.showDomain("")).isPresent();
      DomainChange apply = admin.applyDomain(nextDomainFile(version, "admin"));
      assertThat(apply.accepted()).as(apply.message()).isTrue();
    }
    try (AdminClient admin = standby.connectAs(TestDomain.ADMIN)) {
      ActivateResult activate = admin.activate();
      assertThat(activate.accepted()).as(activate.message()).isTrue();
    }
    domain.awaitState(standby.name(), "ACTIVE");
    assertThat(audit(active))
        .anySatisfy(line -> assertLine(line, "admin", "domain.change", null, null))
        .anySatisfy(line -> assertLine(line, "admin", "domain.show", "domain file", "shown"));
  }

  @Test
  void withAnonymousReadingAnAnonymousSessionReadsButChangesNothing() throws Exception {
    Path dir = Files.createTempDirectory(domain.root(), "anonymous-");
    Files.writeString(dir.resolve("plant.prj"), PROJECT);
    try (LoneServer server = LoneServer.start(dir, "<security anonymousRead=\"true\"/>");
        AdminClient anonymous =
            await()
                .atMost(Timing.seconds(60))
                .ignoreExceptions()
                .until(
                    () -> AdminClient.connect(server.endpoint(), Timing.seconds(5)),
                    c -> c != null)) {
      await("the lone server is active")
          .atMost(Timing.seconds(30))
          .until(() -> anonymous.statusJson().contains("\"ACTIVE\""));
      assertThat(anonymous.readTag(SETPOINT).good()).isTrue();

      assertThat(anonymous.writeTag(SETPOINT, 4.0)).startsWith("Bad_UserAccessDenied");
      ActivateResult activate = anonymous.activate();
      assertThat(activate.accepted()).isFalse();
      assertThat(activate.message())
          .contains("needs the Operator role; an anonymous session may only read");
      assertThat(anonymous.readTag(SETPOINT).value()).isEqualTo(2.5);

      assertThat(lines(server.dataDir().resolve("audit.jsonl")))
          .anySatisfy(line -> assertLine(line, "anonymous", "write", SETPOINT, "refused: "))
          .anySatisfy(line -> assertLine(line, "anonymous", "activate", null, "refused: "));
    }
  }

  // region helpers

  private Object setpoint() throws Exception {
    return read(SETPOINT);
  }

  private Object read(String path) throws Exception {
    return active.client().readTag(path).value();
  }

  private byte[] nextDomainFile(long version, String by) {
    return domain
        .domainXml(version + 1)
        .replace("</domain>", "<!-- changed by " + by + " -->\n</domain>")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** "ACTION TARGET" of each refused action of {@code user} in the server's audit log. */
  private static List<String> refusals(ServerProcess s, String user) throws IOException {
    List<String> found = new ArrayList<>();
    for (JsonNode line : audit(s)) {
      if (line.path("user").asText().equals(user)
          && line.path("result").asText().startsWith("refused: ")) {
        assertThat(line.path("client").asText()).isEqualTo("127.0.0.1");
        found.add(line.path("action").asText() + " " + line.path("target").asText());
      }
    }
    return found;
  }

  private static List<JsonNode> audit(ServerProcess s) throws IOException {
    return lines(s.dataDir().resolve("audit.jsonl"));
  }

  private static List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    if (Files.exists(file)) {
      for (String l : Files.readAllLines(file)) {
        if (!l.isBlank()) {
          lines.add(JSON.readTree(l));
        }
      }
    }
    return lines;
  }

  /** The line is {@code user}'s {@code action} from 127.0.0.1; null target/result: any. */
  private static void assertLine(
      JsonNode line, String user, String action, String target, String resultPrefix) {
    assertThat(line.path("user").asText()).isEqualTo(user);
    assertThat(line.path("client").asText()).isEqualTo("127.0.0.1");
    assertThat(line.path("action").asText()).isEqualTo(action);
    if (target != null) {
      assertThat(line.path("target").asText()).isEqualTo(target);
    }
    if (resultPrefix != null) {
      assertThat(line.path("result").asText()).startsWith(resultPrefix);
    }
  }

  // endregion
}
