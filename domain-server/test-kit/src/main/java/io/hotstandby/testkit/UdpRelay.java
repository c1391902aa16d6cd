package io.hotstandby.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A one-way UDP cable on loopback: forwards what arrives on its own port to a target, so a test can
 * cut and restore the path the way a pulled cable would (datagrams are dropped while cut). It sends
 * from a socket of its own, so nothing the target sends back to the source re-enters the relay.
 */
public final class UdpRelay implements AutoCloseable {
  private final DatagramSocket in;
  private final DatagramSocket out;
  private final InetSocketAddress target;
  private final Thread thread;
  private volatile boolean cut;
  private volatile Consumer<byte[]> tap;

  private UdpRelay(int listenPort, InetSocketAddress target, String name) throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    this.target = target;
    this.in = new DatagramSocket(new InetSocketAddress(lo, listenPort));
    try {
      this.out = new DatagramSocket(0, lo);
    } catch (IOException e) {
      in.close();
      throw e;
    }
    this.thread = new Thread(this::forward, "udp-relay-" + name);
    thread.setDaemon(true);
  }

  /** A relay on a port the system picks, forwarding to {@code target}. */
  public static UdpRelay to(InetSocketAddress target) {
    return start(0, target, "to-" + target.getPort());
  }

  /** A relay on loopback port {@code listenPort}, forwarding to loopback {@code targetPort}. */
  public static UdpRelay on(int listenPort, int targetPort, String name) {
    return start(
        listenPort, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), name);
  }

  private static UdpRelay start(int listenPort, InetSocketAddress target, String name) {
    try {
      UdpRelay relay = new UdpRelay(listenPort, target, name);
      relay.thread.start();
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the UDP relay " + name, e);
    }
  }

  /** The address senders use to reach the target through this relay. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), in.getLocalPort());
  }

  private void forward() {
    byte[] buf = new byte[2048];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    while (!in.isClosed()) {
      try {
        p.setData(buf);
        in.receive(p);
        Consumer<byte[]> t = tap;
        if (t != null) {
          t.accept(Arrays.copyOf(buf, p.getLength()));
        }
        if (!cut) {
          out.send(new DatagramPacket(buf, p.getLength(), target));
        }
      } catch (IOException e) {
        if (in.isClosed()) {
          return;
        }
      }
    }
  }

  /**
   * Hands a copy of every datagram that arrives from now on (cut or not) to {@code copy}, on the
   * relay's thread, as a wiretap would; null stops it.
   */
  public void tap(Consumer<byte[]> copy) {
    tap = copy;
  }

  /** Drops every datagram from now on. */
  public void cut() {
    cut = true;
  }

  /** Forwards again. */
  public void restore() {
    cut = false;
  }

  @Override
  public void close() {
    in.close();
    out.close();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
