package io.hotstandby.rec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

/** Loopback addresses, free ports and timeouts for tests. */
final class TestNet {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private TestNet() {}

  /** A loopback UDP address nobody listens on (the port was free a moment ago). */
  static InetSocketAddress freeUdp() {
    try (DatagramSocket s = new DatagramSocket(0, LOOPBACK)) {
      return new InetSocketAddress(LOOPBACK, s.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A loopback TCP address nobody listens on (the port was free a moment ago). */
  static InetSocketAddress closedTcp() {
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      return new InetSocketAddress(LOOPBACK, s.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code seconds}, stretched by the build's test.timeout.scale for slow machines. */
  static Duration patience(double seconds) {
    double scale = Double.parseDouble(System.getProperty("test.timeout.scale", "1"));
    return Duration.ofMillis((long) (seconds * 1000 * Math.max(1, scale)));
  }
}
