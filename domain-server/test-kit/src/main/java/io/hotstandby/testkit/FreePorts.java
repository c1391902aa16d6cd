package io.hotstandby.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Hands out loopback ports that are free for TCP and UDP alike, never the same one twice in one
 * JVM: a port handed out but not yet bound (a server process still starting) is not offered again.
 */
public final class FreePorts {
  private static final Random RANDOM = new Random();
  private static final Set<Integer> GIVEN = new HashSet<>();

  private FreePorts() {}

  /** A loopback port nothing listens on now, for TCP and UDP. */
  public static synchronized int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      // Below the kernel's ephemeral range, so no outgoing connection takes it after release.
      int port = 20000 + RANDOM.nextInt(12000);
      if (GIVEN.contains(port) || !freeForTcp(port) || !freeForUdp(port)) {
        continue;
      }
      GIVEN.add(port);
      return port;
    }
    throw new IllegalStateException("no free loopback port found in 100 attempts");
  }

  /** {@link #next()} on the loopback address. */
  public static InetSocketAddress nextAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), next());
  }

  private static boolean freeForTcp(int port) {
    try (ServerSocket tcp = new ServerSocket()) {
      tcp.setReuseAddress(false);
      tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean freeForUdp(int port) {
    try (DatagramSocket udp =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
