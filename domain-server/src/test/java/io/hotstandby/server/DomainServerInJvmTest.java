package io.hotstandby.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.domain.ProductVersion;
import io.hotstandby.domain.sync.DomainStore;
import io.hotstandby.rec.ServerState;
import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.server.role.RoleSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two domain servers of one domain inside the test JVM, on loopback, with every real part (REC
 * link, Hazelcast member, OPC UA endpoint, runtime) and the test kit's domain files: the main takes
 * the role, the backup stands by, the backup takes over when the active is closed, and closing
 * leaves no thread behind that would keep a JVM alive.
 */
class DomainServerInJvmTest {

  @Test
  void theStandbyTakesOverWhenTheActiveIsClosedAndNothingIsLeftRunning() throws Exception {
    Set<Long> before = nonDaemonThreads().keySet();
    Map<String, DomainServer> servers = new LinkedHashMap<>();
    try (TestDomain domain = TestDomain.builder().name("injvm").build()) {
      for (String name : new String[] {"alpha", "beta"}) {
        servers.put(name, start(domain, name));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(state(servers.get("alpha"))).isEqualTo(ServerState.ACTIVE);
                assertThat(state(servers.get("beta"))).isEqualTo(ServerState.STANDBY);
              });

      servers.get("alpha").close();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(state(servers.get("beta"))).isEqualTo(ServerState.ACTIVE));
      assertThat(servers.get("alpha").termination()).isCompleted();
    } finally {
      servers.values().forEach(DomainServer::close);
    }
    // Polled on this thread, so the poller is not counted among the threads left over.
    await()
        .pollInSameThread()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Map<Long, String> now = nonDaemonThreads();
              now.keySet().removeAll(before);
              assertThat(now.values()).as("non-daemon threads left running").isEmpty();
            });
  }

  private static DomainServer start(TestDomain domain, String name) throws Exception {
    Path data = domain.root().resolve(name).resolve("data");
    DomainStore store =
        new DomainStore(
            domain.domainFile(name),
            data.resolve("domain-history"),
            name,
            System::currentTimeMillis);
    DomainServer server =
        new DomainServer(store, store.open(), name, data, ProductVersion.current());
    try {
      server.start();
    } catch (StartupException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static ServerState state(DomainServer server) {
    RoleSnapshot s = server.snapshot();
    return s == null ? null : s.state();
  }

  private static Map<Long, String> nonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toMap(Thread::getId, Thread::getName));
  }
}
