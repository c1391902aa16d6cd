package io.hotstandby.rec;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds, starts and finally closes the links of one test. */
final class LinkFixture implements AutoCloseable {
  static final String DOMAIN = "plant";
  static final byte[] SECRET = "domain secret for tests".getBytes(UTF_8);
  static final long HEARTBEAT_MS = 100;
  static final long TIMEOUT_MS = 500;

  private final List<AutoCloseable> open = new ArrayList<>();

  /** A builder with the test domain, secret and timing. */
  static RecLink.Builder builder(
      String server,
      Map<String, InetSocketAddress> local,
      Map<String, Map<String, InetSocketAddress>> peers,
      RecListener listener) {
    return RecLink.builder()
        .domain(DOMAIN)
        .server(server)
        .secret(SECRET)
        .heartbeatMs(HEARTBEAT_MS)
        .failoverTimeoutMs(TIMEOUT_MS)
        .localEndpoints(local)
        .peers(peers)
        .listener(listener);
  }

  /** Path "lan" then path "rec", in that order. */
  static Map<String, InetSocketAddress> paths(InetSocketAddress lan, InetSocketAddress rec) {
    Map<String, InetSocketAddress> m = new LinkedHashMap<>();
    m.put("lan", lan);
    m.put("rec", rec);
    return m;
  }

  static LocalStatus status(ServerState state, long term) {
    return new LocalStatus(state, term, 0, 0, true, 12, 340, "2.1.0", "", "");
  }

  RecLink start(RecLink.Builder builder) throws IOException {
    RecLink link = builder.build();
    open.add(link);
    link.start();
    return link;
  }

  <T extends AutoCloseable> T track(T resource) {
    open.add(resource);
    return resource;
  }

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }
}
