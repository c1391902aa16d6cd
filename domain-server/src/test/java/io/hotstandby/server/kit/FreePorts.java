package io.hotstandby.server.kit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Hands out loopback ports that are free for TCP and UDP alike, never the same one twice. */
final class FreePorts {
  private static final java.util.Random RANDOM = new java.util.Random();
  private final Set<Integer> given = new HashSet<>();

  synchronized int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      // Below the kernel's ephemeral range, so no outgoing connection takes it after release.
      int port = 20000 + RANDOM.nextInt(12000);
      if (given.contains(port)) {
        continue;
      }
      try (ServerSocket tcp = new ServerSocket()) {
        tcp.setReuseAddress(false);
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      } catch (IOException e) {
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
