package io.hotstandby.server.bench;

import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.server.kit.ServerProcess;
import io.hotstandby.server.kit.TestDomain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Login figures, not a test: {@code bench.logins} logins of {@code domainctl}'s client to the
 * active server of a two-server domain with the default endpoints, on loopback. Each login is what
 * {@code domainctl --user viewer status} does before its first read: GetEndpoints, a SignAndEncrypt
 * channel with the strongest policy offered (Aes256_Sha256_RsaPss), CreateSession and
 * ActivateSession with the user name and password (one PBKDF2 check on the server). Measured: (a)
 * the login alone, (b) login, first read of the status and close. One login first, not counted,
 * makes the client certificate. Run with:
 *
 * <pre>mvn -B verify -Pbenchmark -pl domain-server -am -Dit.test=SecureLoginBenchmark</pre>
 */
class SecureLoginBenchmark {
  static final int LOGINS = Integer.getInteger("bench.logins", 50);

  @Test
  void secureLogin() throws Exception {
    try (TestDomain domain = TestDomain.builder().name("login").build().startAll()) {
      domain.awaitFormed(Map.of("alpha", "ACTIVE", "beta", "STANDBY"));
      ServerProcess alpha = domain.server("alpha");
      alpha.connectAs(TestDomain.VIEWER).close(); // makes the client certificate
      List<Long> login = new ArrayList<>();
      List<Long> loginReadClose = new ArrayList<>();
      for (int i = 0; i < LOGINS; i++) {
        long t0 = System.nanoTime();
        AdminClient client = alpha.connectAs(TestDomain.VIEWER);
        long t1 = System.nanoTime();
        try {
          client.statusJson();
        } finally {
          client.close();
        }
        long t2 = System.nanoTime();
        login.add((t1 - t0) / 1_000_000);
        loginReadClose.add((t2 - t0) / 1_000_000);
      }
      String report =
          String.format(Locale.ROOT, "secure login benchmark: %d logins as a viewer%n", LOGINS)
              + FailoverBenchmark.line("login (SignAndEncrypt, user name)", login)
              + FailoverBenchmark.line("login + read status + close", loginReadClose);
      System.out.print(report);
      Path out = domain.root().getParent().getParent().resolve("benchmarks");
      Files.createDirectories(out);
      Files.writeString(out.resolve("secure-login.txt"), report);
    }
  }
}
