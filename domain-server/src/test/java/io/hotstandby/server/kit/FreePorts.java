package io.hotstandby.server.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Hands out loopback ports that are free for TCP and UDP alike, never the same one twice. */
final class FreePorts {
  private final Set<Integer> given = new HashSet<>();

  synchronized int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port;
      try (ServerSocket tcp = new ServerSocket()) {
        tcp.setReuseAddress(false);
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        port = tcp.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (given.contains(port)) {
        continue;
      }
      try (DatagramSocket udp =
          new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
        given.add(port);
        return port;
      } catch (IOException e) {
        // taken for UDP: try another
      }
    }
    throw new IllegalStateException("no free loopback port found in 100 attempts");
  }
}
