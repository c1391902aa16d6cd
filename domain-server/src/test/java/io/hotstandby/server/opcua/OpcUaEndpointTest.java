package io.hotstandby.server.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hotstandby.admin.Domainctl;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.admin.client.DomainChange;
import io.hotstandby.admin.client.KnownServers;
import io.hotstandby.domain.PasswordHash;
import io.hotstandby.domain.UserRole;
import io.hotstandby.domain.UserSpec;
import io.hotstandby.opcua.ApplicationPki;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.Threads;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real endpoint on loopback, seen through AdminClient and a plain Milo client. */
class OpcUaEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<String> URIS =
      List.of("urn:hotstandby:demo:alpha", "urn:hotstandby:demo:beta");

  // What Activate does in the current test; a test swaps it before calling.
  // The test's answer to Activate, given on the endpoint's activation thread.
  private static final AtomicReference<Supplier<ActivateResult>> onActivate =
      new AtomicReference<>();

  // The domain store behind Domain.Apply/History/Show/Rollback; changes wait at most 1 s for it.
  private static final InMemoryDomainAdmin domainAdmin = new InMemoryDomainAdmin();
  private static final Duration DOMAIN_CHANGE_TIMEOUT = Duration.ofSeconds(1);

  @TempDir static Path tmp;
  private static int port;
  private static OpcUaEndpoint endpoint;
  private static AdminClient admin;
  private static AdminClient administrator;
  private static final String ADMIN_HASH = PasswordHash.create("admin-password".toCharArray());
  private static final String OPERATOR_HASH =
      PasswordHash.create("operator-password".toCharArray());
  private static OpcUaClient milo;
  private static final List<String> audited = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("hotstandby.knownServers", tmp.resolve("known-servers").toString());
    port = FreePorts.next();
    endpoint = new OpcUaEndpoint(config(port, tmp.resolve("pki"), Duration.ofSeconds(1)));
    endpoint.setServiceLevel(150);
    endpoint.publish(status("STANDBY", 7, "{\"state\":\"STANDBY\"}"));
    endpoint.registerDomainAdmin(domainAdmin, DOMAIN_CHANGE_TIMEOUT);
    endpoint.registerAudit(
        (u, a, t, v, r) -> audited.add(u.name() + " " + a + " " + t + " " + v + " " + r));
    endpoint.registerUsers(
        () ->
            List.of(
                new UserSpec("admin", UserRole.ADMINISTRATOR, ADMIN_HASH),
                new UserSpec("operator", UserRole.OPERATOR, OPERATOR_HASH)));
    // The plain Milo client below reads anonymously.
    endpoint.allowAnonymousRead(true);
    endpoint.start();
    // As an operator would after comparing the fingerprint with the server's.
    X509Certificate certificate =
        ApplicationPki.storedCertificate(tmp.resolve("pki")).orElseThrow();
    KnownServers.accept(
        endpoint.endpointUrl(),
        CertificateUtil.getSanUri(certificate).orElseThrow(),
        KnownServers.fingerprint(certificate.getEncoded()));
    admin =
        AdminClient.connect(
            endpoint.endpointUrl(),
            WAIT,
            new AdminClient.Credentials("operator", "operator-password".toCharArray()));
    administrator =
        AdminClient.connect(
            endpoint.endpointUrl(),
            WAIT,
            new AdminClient.Credentials("admin", "admin-password".toCharArray()));
    milo = OpcUaClient.create(endpoint.endpointUrl());
    milo.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    if (milo != null) {
      milo.disconnect();
    }
    if (administrator != null) {
      administrator.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  @Test
  void announcesHotRedundancyWithAllServersOfTheDomain() throws Exception {
    assertThat(admin.redundancySupport()).isEqualTo("HotAndMirrored");
    assertThat(admin.serverUriArray()).containsExactlyElementsOf(URIS);
  }

  @Test
  void serverRedundancyIsANonTransparentRedundancyNode() throws Exception {
    ReferenceDescription redundancy =
        milo.getAddressSpace().browse(NodeIds.Server).stream()
            .filter(r -> r.getBrowseName().name().equals("ServerRedundancy"))
            .findFirst()
            .orElseThrow();
    assertThat(redundancy.getTypeDefinition().getIdentifier())
        .isEqualTo(NodeIds.NonTransparentRedundancyType.getIdentifier());

    List<String> children =
        milo.getAddressSpace().browse(NodeIds.Server_ServerRedundancy).stream()
            .map(r -> r.getBrowseName().name())
            .toList();
    assertThat(children)
        .contains("RedundancySupport", "ServerUriArray")
        .doesNotContain("RedundantServerArray")
        .doesNotHaveDuplicates();
  }

  @Test
  void subscribersSeeEveryServiceLevelChange() throws Exception {
    assertThat(admin.serviceLevel()).isEqualTo(150);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    try (AutoCloseable ignored = admin.subscribeServiceLevel(50, seen::add)) {
      await().atMost(WAIT).until(() -> seen.contains(150));
      endpoint.setServiceLevel(255);
      await().atMost(WAIT).until(() -> last(seen) == 255);
      endpoint.setServiceLevel(0);
      await().atMost(WAIT).until(() -> last(seen) == 0);
      endpoint.setServiceLevel(150);
      await().atMost(WAIT).until(() -> last(seen) == 150);
    }
    assertThat(seen).containsSubsequence(150, 255, 0, 150);
    assertThatThrownBy(() -> endpoint.setServiceLevel(256))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void adminVariablesAreReadable() throws Exception {
    assertThat(admin.statusJson()).isEqualTo("{\"state\":\"STANDBY\"}");
    assertThat(readAdmin("Domain.Name")).isEqualTo("demo");
    assertThat(readAdmin("Domain.Version")).isEqualTo(12L);
    assertThat(readAdmin("Domain.Main")).isEqualTo("alpha");
    assertThat(readAdmin("Server.Name")).isEqualTo("alpha");
    assertThat(readAdmin("Server.Term")).isEqualTo(7L);
    assertThat(readAdmin("Server.Health")).isEqualTo(3);
    assertThat(readAdmin("Server.RuntimeReady")).isEqualTo(true);
    assertThat(readAdmin("Server.Pid")).isEqualTo(4242L);
    assertThat(readAdmin("Server.Links")).isEqualTo("[]");
    assertThat(readAdmin("Server.Witness"))
        .isEqualTo("{\"name\":\"wit\",\"reachable\":true,\"leaseHolder\":\"alpha\"}");
    assertThat(((Number) readAdmin("Server.ServiceLevel")).intValue()).isEqualTo(150);
  }

  @Test
  void subscribersSeePublishedStatus() throws Exception {
    List<Object> states = new CopyOnWriteArrayList<>();
    var subscription = new OpcUaSubscription(milo, 50.0);
    subscription.create();
    try {
      var item = OpcUaMonitoredItem.newDataItem(adminNode("Server.State"));
      item.setSamplingInterval(50.0);
      item.setDataValueListener((i, v) -> states.add(v.value().value()));
      subscription.addMonitoredItem(item);
      subscription.synchronizeMonitoredItems();
      await().atMost(WAIT).until(() -> states.contains("STANDBY"));

      endpoint.publish(status("ACTIVE", 8, "{\"state\":\"ACTIVE\"}"));
      await().atMost(WAIT).until(() -> states.contains("ACTIVE"));
      assertThat(admin.statusJson()).isEqualTo("{\"state\":\"ACTIVE\"}");
      assertThat(readAdmin("Server.Term")).isEqualTo(8L);
    } finally {
      subscription.delete();
      endpoint.publish(status("STANDBY", 7, "{\"state\":\"STANDBY\"}"));
    }
  }

  @Test
  void activateReturnsTheHandlersAnswer() throws Exception {
    onActivate.set(() -> new ActivateResult(true, "alpha becomes active"));
    assertThat(admin.activate().accepted()).isTrue();
    assertThat(admin.activate().message()).isEqualTo("alpha becomes active");

    onActivate.set(() -> new ActivateResult(false, "versions differ"));
    var rejected = admin.activate();
    assertThat(rejected.accepted()).isFalse();
    assertThat(rejected.message()).isEqualTo("versions differ");

    onActivate.set(
        () -> {
          throw new IllegalStateException("role machine is gone");
        });
    assertThat(admin.activate().message()).contains("role machine is gone");
  }

  @Test
  void activateThatDoesNotAnswerInTimeIsReportedNotAccepted() throws Exception {
    var release = new CountDownLatch(1);
    onActivate.set(
        () -> {
          try {
            release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new ActivateResult(true, "late");
        });
    try {
      var result = admin.activate();
      assertThat(result.accepted()).isFalse();
      assertThat(result.message()).contains("no answer within 1000 ms");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aSlowActivateHoldsNoServiceThreadOfTheServer() throws Exception {
    var entered = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    onActivate.set(
        () -> {
          entered.countDown();
          try {
            release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new ActivateResult(true, "late");
        });
    CompletableFuture<Object> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return admin.activate();
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    try {
      assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      // Only the activation's own thread waits for the answer; Milo's threads are free. Checked
      // well within the 1 s activate timeout, after which a held Milo thread would be free too.
      await()
          .atMost(Duration.ofMillis(800))
          .pollInterval(Duration.ofMillis(10))
          .untilAsserted(
              () ->
                  assertThat(
                          Threads.waitingIn("io.hotstandby.server.opcua.", OpcUaEndpointTest.class))
                      .containsOnly("opcua-activate"));
    } finally {
      release.countDown();
    }
    assertThat(answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
  }

  @Test
  void domainApplyCarriesTheContentUnchangedAndTheUser() throws Exception {
    // Every byte value, and more than one OPC UA chunk.
    byte[] content = new byte[300_000];
    new Random(42).nextBytes(content);

    DomainChange change = administrator.applyDomain(content);

    assertThat(change.accepted()).isTrue();
    assertThat(change.message()).isEqualTo("version " + change.version() + " is in force");
    InMemoryDomainAdmin.Version stored = domainAdmin.version(change.version()).orElseThrow();
    assertThat(stored.content()).isEqualTo(content);
    assertThat(stored.user()).isEqualTo("admin");
    assertThat(domainAdmin.threads).last().asString().startsWith("opcua-domain-change");
  }

  @Test
  void domainApplyThatIsRefusedComesBackNotAccepted() throws Exception {
    long inForce = administrator.applyDomain(bytes("<domain version=\"a\"/>")).version();

    DomainChange refused = administrator.applyDomain(bytes("bad file"));

    assertThat(refused).isEqualTo(new DomainChange(false, "line 1: not a domain file", inForce));
    assertThat(domainAdmin.users).last().isEqualTo("admin");
  }

  @Test
  void domainShowReturnsTheBytesOfAVersion() throws Exception {
    byte[] content = bytes("<domain name=\"démo\">\r\n</domain>\n");
    long version = administrator.applyDomain(content).version();

    assertThat(administrator.showDomain(""))
        .hasValueSatisfying(c -> assertThat(c).isEqualTo(content));
    assertThat(administrator.showDomain(String.valueOf(version)))
        .hasValueSatisfying(c -> assertThat(c).isEqualTo(content));
    assertThat(
            administrator.showDomain(
                domainAdmin.version(version).orElseThrow().sha256().substring(0, 8)))
        .hasValueSatisfying(c -> assertThat(c).isEqualTo(content));
    assertThat(administrator.showDomain("999999")).isEmpty();
    assertThat(domainAdmin.shown).contains("", String.valueOf(version), "999999");
  }

  @Test
  void domainHistoryIsTheAdminsJson() throws Exception {
    administrator.applyDomain(bytes("<domain/>"));

    String json = admin.domainHistoryJson();

    assertThat(json).isEqualTo(domainAdmin.historyJson()).startsWith("[{\"number\":");
  }

  @Test
  void serverHistoryIsTheSwitchoverJsonForAViewerAndIsAudited() throws Exception {
    try (AdminClient reader = AdminClient.connect(endpoint.endpointUrl(), WAIT)) {
      assertThat(reader.switchoverHistoryJson(7)).isEqualTo("[7]");
      // 0 and anything above what a server keeps ask for all it keeps.
      assertThat(reader.switchoverHistoryJson(0)).isEqualTo("[500]");
      assertThat(reader.switchoverHistoryJson(100_000)).isEqualTo("[500]");
    }

    assertThat(audited).contains("anonymous server.history Server.History 7 read");
  }

  @Test
  void domainRollbackMakesAnEarlierVersionTheNext() throws Exception {
    byte[] first = bytes("<domain version=\"first\"/>");
    long v1 = administrator.applyDomain(first).version();
    administrator.applyDomain(bytes("<domain version=\"second\"/>"));

    DomainChange rollback = administrator.rollbackDomain(String.valueOf(v1));

    assertThat(rollback.accepted()).isTrue();
    assertThat(rollback.message()).isEqualTo("version " + rollback.version() + " is in force");
    assertThat(administrator.showDomain(""))
        .hasValueSatisfying(c -> assertThat(c).isEqualTo(first));
    InMemoryDomainAdmin.Version stored = domainAdmin.version(rollback.version()).orElseThrow();
    assertThat(stored.user()).isEqualTo("admin");
    assertThat(stored.source()).isEqualTo("rollback to " + v1);

    DomainChange unknown = administrator.rollbackDomain("nope");
    assertThat(unknown.accepted()).isFalse();
    assertThat(unknown.message()).isEqualTo("no version nope");
    assertThat(unknown.version()).isEqualTo(rollback.version());
  }

  @Test
  void domainChangeThatDoesNotAnswerInTimeIsReportedNotAccepted() throws Exception {
    var release = new CountDownLatch(1);
    domainAdmin.hold = release;
    DomainChange late;
    try {
      late = administrator.applyDomain(bytes("<domain version=\"late\"/>"));
    } finally {
      domainAdmin.hold = null;
      release.countDown();
    }
    assertThat(late.accepted()).isFalse();
    assertThat(late.message()).isEqualTo("no answer within 1000 ms; the change may still complete");
    // It does complete, after the answer.
    await()
        .atMost(WAIT)
        .until(() -> domainAdmin.showNow("").map(String::new).orElse(""), s -> s.contains("late"));
  }

  @Test
  void domainAdminThatFailsIsReportedNotAccepted() throws Exception {
    domainAdmin.failure = new IllegalStateException("store is read-only");
    try {
      DomainChange change = administrator.applyDomain(bytes("<domain/>"));
      assertThat(change.accepted()).isFalse();
      assertThat(change.message()).contains("store is read-only");
      assertThatThrownBy(admin::domainHistoryJson)
          .isInstanceOf(AdminClientException.class)
          .hasMessageStartingWith("Domain.History on " + endpoint.endpointUrl() + " failed: ")
          .hasMessageContaining("Bad_InternalError");
    } finally {
      domainAdmin.failure = null;
    }
  }

  @Test
  void domainctlAppliesAndShowsTheFileByteForByte() throws Exception {
    // Not UTF-8, with CR LF and a NUL: what show prints must be exactly what apply sent.
    byte[] content = {'<', 'd', '/', '>', '\r', '\n', (byte) 0xff, 0, (byte) 0xe9, '\n'};
    Path file = Files.write(tmp.resolve("raw.dom"), content);
    String url = endpoint.endpointUrl();
    Path password = Files.writeString(tmp.resolve("admin.password"), "admin-password\n");
    String[] login = {"--user", "admin", "--password-file", password.toString()};

    var applyErr = new StringWriter();
    var applyOut = new ByteArrayOutputStream();
    int applied =
        Domainctl.run(
            concat(login, "--endpoint", url, "domain", "apply", file.toString()),
            applyOut,
            new PrintWriter(applyErr, true));
    assertThat(applied).as(applyErr.toString()).isZero();
    assertThat(applyOut.toString(StandardCharsets.UTF_8)).matches("version \\d+ is in force\\R");

    var showOut = new ByteArrayOutputStream();
    int shown =
        Domainctl.run(
            concat(login, "--endpoint", url, "domain", "show"),
            showOut,
            new PrintWriter(new StringWriter(), true));
    assertThat(shown).isZero();
    assertThat(showOut.toByteArray()).isEqualTo(content);

    var refusedErr = new StringWriter();
    int refused =
        Domainctl.run(
            concat(login, "--endpoint", url, "domain", "rollback", "nope"),
            new ByteArrayOutputStream(),
            new PrintWriter(refusedErr, true));
    assertThat(refused).isEqualTo(1);
    assertThat(refusedErr.toString()).isEqualToIgnoringNewLines("no version nope");
  }

  @Test
  void withoutDomainAdminTheDomainMethodsSayItIsNotAvailable() throws Exception {
    var bare = new OpcUaEndpoint(config(FreePorts.next(), tmp.resolve("pki-bare"), null));
    try {
      bare.publish(status("STANDBY", 7, "{}"));
      bare.allowAnonymousRead(true);
      bare.start();
      assertThatThrownBy(() -> bare.registerDomainAdmin(domainAdmin))
          .isInstanceOf(IllegalStateException.class);
      try (var client = AdminClient.connect(bare.endpointUrl(), WAIT)) {
        String notAvailable = "domain administration is not available on this server";
        assertThat(client.applyDomain(bytes("<domain/>")))
            .isEqualTo(new DomainChange(false, notAvailable, 12));
        assertThat(client.rollbackDomain("1")).isEqualTo(new DomainChange(false, notAvailable, 12));
        assertThatThrownBy(client::domainHistoryJson)
            .isInstanceOf(AdminClientException.class)
            .hasMessage("Domain.History on " + bare.endpointUrl() + " failed: " + notAvailable);
        assertThatThrownBy(() -> client.showDomain(""))
            .isInstanceOf(AdminClientException.class)
            .hasMessage("Domain.Show on " + bare.endpointUrl() + " failed: " + notAvailable);
      }
    } finally {
      bare.close();
    }
  }

  @Test
  void domainAdminIsRegisteredOnceBeforeStart() {
    var other = new OpcUaEndpoint(config(port, tmp.resolve("pki-other"), null));
    try {
      other.registerDomainAdmin(domainAdmin);
      assertThatThrownBy(() -> other.registerDomainAdmin(domainAdmin))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already registered");
    } finally {
      other.close();
    }
    assertThatThrownBy(() -> endpoint.registerDomainAdmin(domainAdmin))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anotherEndpointOnTheSamePortFailsNamingIt() throws Exception {
    var second = new OpcUaEndpoint(config(port, tmp.resolve("pki2"), null));
    try {
      assertThatThrownBy(second::start)
          .isInstanceOf(OpcUaEndpointException.class)
          .hasMessageContaining("127.0.0.1:" + port)
          .hasMessageContaining("in use")
          .hasMessageNotContaining("\n");
    } finally {
      second.close();
      second.close();
    }
    assertThat(admin.serviceLevel()).isEqualTo(endpoint.serviceLevel());
  }

  @Test
  void certificateIsMadeOnFirstStartAndKept() throws Exception {
    Path pfx = tmp.resolve("pki").resolve("application.pfx");
    assertThat(pfx).exists();
    byte[] before = Files.readAllBytes(pfx);
    try (var again =
        ApplicationPki.open(
            tmp.resolve("pki"), "urn:hotstandby:demo:alpha", "alpha", java.util.Set.of())) {
      assertThat(Files.readAllBytes(pfx)).isEqualTo(before);
      assertThat(again.certificate().getSubjectX500Principal().getName()).contains("alpha");
    }
  }

  @Test
  void closeTwiceIsHarmlessAndFreesThePort() throws Exception {
    // An endpoint of its own: the shared one stays up for the other tests, whatever their order.
    var closing = new OpcUaEndpoint(config(FreePorts.next(), tmp.resolve("pki-closing"), null));
    closing.publish(status("STANDBY", 7, "{}"));
    closing.allowAnonymousRead(true);
    closing.start();
    try (var client = AdminClient.connect(closing.endpointUrl(), WAIT)) {
      assertThat(client.serviceLevel()).isNotNegative();
    }
    assertThatCode(
            () -> {
              closing.close();
              closing.close();
            })
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> AdminClient.connect(closing.endpointUrl(), Duration.ofSeconds(2)))
        .isInstanceOf(AdminClientException.class)
        .hasMessageContaining("connection refused");
    assertThatThrownBy(closing::start).isInstanceOf(IllegalStateException.class);
  }

  private static Object readAdmin(String id) throws Exception {
    return milo.readValue(0.0, TimestampsToReturn.Neither, adminNode(id)).value().value();
  }

  private static NodeId adminNode(String id) {
    return new NodeId(milo.getNamespaceTable().getIndex(AdminNamespace.URI), id);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static int last(List<Integer> values) {
    return values.isEmpty() ? -1 : values.get(values.size() - 1);
  }

  private static OpcUaEndpointConfig config(int port, Path pki, Duration activateTimeout) {
    return new OpcUaEndpointConfig(
        "127.0.0.1",
        port,
        "demo",
        "alpha",
        "hotstandby",
        "0.1.0-test",
        pki,
        URIS,
        user -> CompletableFuture.completedFuture(onActivate.get().get()),
        activateTimeout);
  }

  private static AdminStatus status(String state, long term, String json) {
    return new AdminStatus(
        "demo",
        12,
        "ab12",
        "alpha",
        "beta",
        "alpha",
        state,
        term,
        150,
        3,
        true,
        "0.1.0-test",
        12,
        4242,
        "[]",
        "[{\"name\":\"beta\"}]",
        "{\"mode\":\"publishing\"}",
        "{\"name\":\"wit\",\"reachable\":true,\"leaseHolder\":\"alpha\"}",
        json);
  }

  /** A domain store in memory: numbered versions, each with its content and who made it. */
  static final class InMemoryDomainAdmin implements DomainAdmin {
    record Version(long number, byte[] content, String sha256, String user, String source) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    // Oldest first; the last one is in force.
    private final List<Version> versions = new ArrayList<>();
    final List<String> users = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final List<String> shown = new CopyOnWriteArrayList<>();
    // When set, a change waits for it before doing anything (a slow switchover).
    volatile CountDownLatch hold;
    // When set, every call throws it.
    volatile RuntimeException failure;

    @Override
    public CompletableFuture<DomainAdminResult> apply(byte[] content, SessionUser user) {
      return CompletableFuture.completedFuture(applyNow(content, user.name()));
    }

    private DomainAdminResult applyNow(byte[] content, String user) {
      enter(user);
      if (new String(content, StandardCharsets.UTF_8).startsWith("bad")) {
        return new DomainAdminResult(false, "line 1: not a domain file", inForce());
      }
      return add(content, user, "apply");
    }

    @Override
    public synchronized String historyJson() {
      fail();
      ArrayNode array = JSON.createArrayNode();
      for (int i = versions.size() - 1; i >= 0; i--) {
        Version v = versions.get(i);
        array
            .addObject()
            .put("number", v.number())
            .put("sha256", v.sha256())
            .put("server", "alpha")
            .put("user", v.user())
            .put("time", Instant.ofEpochSecond(1_700_000_000L + v.number()).toString())
            .put("source", v.source())
            .put("status", i == versions.size() - 1 ? "in force" : "superseded");
      }
      return array.toString();
    }

    @Override
    public String switchoverHistoryJson(int max) {
      return "[" + max + "]";
    }

    @Override
    public Optional<byte[]> show(String version) {
      fail();
      shown.add(version);
      return showNow(version);
    }

    @Override
    public CompletableFuture<DomainAdminResult> rollback(String version, SessionUser user) {
      return CompletableFuture.completedFuture(rollbackNow(version, user.name()));
    }

    private DomainAdminResult rollbackNow(String version, String user) {
      enter(user);
      Optional<byte[]> content = showNow(version);
      if (content.isEmpty()) {
        return new DomainAdminResult(false, "no version " + version, inForce());
      }
      return add(content.get(), user, "rollback to " + version);
    }

    synchronized Optional<byte[]> showNow(String version) {
      return versions.stream()
          .filter(
              v ->
                  version.isEmpty()
                      ? v == versions.get(versions.size() - 1)
                      : String.valueOf(v.number()).equals(version)
                          || (version.length() >= 6 && v.sha256().startsWith(version)))
          .reduce((a, b) -> b)
          .map(v -> v.content().clone());
    }

    synchronized Optional<Version> version(long number) {
      return versions.stream().filter(v -> v.number() == number).findFirst();
    }

    private void enter(String user) {
      fail();
      users.add(user);
      threads.add(Thread.currentThread().getName());
      CountDownLatch latch = hold;
      if (latch != null) {
        try {
          latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void fail() {
      RuntimeException e = failure;
      if (e != null) {
        throw e;
      }
    }

    private synchronized DomainAdminResult add(byte[] content, String user, String source) {
      long number = inForce() + 1;
      versions.add(new Version(number, content.clone(), sha256(content), user, source));
      return new DomainAdminResult(true, "version " + number + " is in force", number);
    }

    private synchronized long inForce() {
      return versions.isEmpty() ? 0 : versions.get(versions.size() - 1).number();
    }

    private static String sha256(byte[] content) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static String[] concat(String[] first, String... rest) {
    String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }

  @Test
  void changingTheDomainFileNeedsAnAdministratorAndAWrongPasswordIsRefused() throws Exception {
    int calls = domainAdmin.users.size();

    DomainChange anonymous;
    try (AdminClient reader = AdminClient.connect(endpoint.endpointUrl(), WAIT)) {
      anonymous = reader.applyDomain(bytes("<domain/>"));
    }
    DomainChange operatorRollback;
    try (AdminClient operator =
        AdminClient.connect(
            endpoint.endpointUrl(),
            WAIT,
            new AdminClient.Credentials("operator", "operator-password".toCharArray()))) {
      operatorRollback = operator.rollbackDomain("1");
    }

    assertThat(anonymous.accepted()).isFalse();
    assertThat(anonymous.message())
        .contains("needs the Administrator role", "anonymous session may only read");
    assertThat(operatorRollback.accepted()).isFalse();
    assertThat(operatorRollback.message()).contains("operator has the Operator role");
    assertThat(domainAdmin.users).hasSize(calls);
    assertThatThrownBy(() -> admin.showDomain(""))
        .hasMessageContaining("needs the Administrator role");
    assertThatThrownBy(
            () ->
                AdminClient.connect(
                    endpoint.endpointUrl(),
                    WAIT,
                    new AdminClient.Credentials("admin", "wrong".toCharArray())))
        .hasMessageContaining("wrong user name or password");
    assertThatThrownBy(
            () ->
                AdminClient.connect(
                    endpoint.endpointUrl(),
                    WAIT,
                    new AdminClient.Credentials("nobody", "admin-password".toCharArray())))
        .hasMessageContaining("wrong user name or password");
  }
}
