package io.hotstandby.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends garbage datagrams (random bytes, random lengths up to 1200) to loopback UDP ports at a
 * steady rate, round-robin over the ports, from one thread, until closed: an attacker on the plant
 * network aiming at the servers' REC ports.
 */
public final class UdpFlood implements AutoCloseable {
  private final List<Integer> ports;
  private final long perSecond;
  private final DatagramSocket socket;
  private final Thread thread;
  private final AtomicLong sent = new AtomicLong();
  private volatile boolean stop;

  private UdpFlood(List<Integer> ports, long perSecond) throws IOException {
    this.ports = List.copyOf(ports);
    this.perSecond = perSecond;
    this.socket = new DatagramSocket();
    this.thread = new Thread(this::run, "udp-flood");
    thread.setDaemon(true);
  }

  /** Starts sending {@code perSecond} datagrams a second, all ports together. */
  public static UdpFlood start(List<Integer> ports, long perSecond) {
    try {
      UdpFlood f = new UdpFlood(ports, perSecond);
      f.thread.start();
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the flood's socket", e);
    }
  }

  /** Datagrams sent so far. */
  public long sent() {
    return sent.get();
  }

  private void run() {
    Random random = new Random(42);
    byte[][] garbage = new byte[64][];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = new byte[1 + random.nextInt(1200)];
      random.nextBytes(garbage[i]);
    }
    InetAddress loopback = InetAddress.getLoopbackAddress();
    long start = System.nanoTime();
    long n = 0;
    while (!stop) {
      long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L;
      if (n >= due) {
        LockSupport.parkNanos(200_000);
        continue;
      }
      byte[] g = garbage[(int) (n % garbage.length)];
      int port = ports.get((int) (n % ports.size()));
      try {
        socket.send(new DatagramPacket(g, g.length, loopback, port));
      } catch (IOException e) {
        // A full send buffer or an ICMP "port unreachable" from an earlier datagram: go on.
      }
      n++;
      sent.set(n);
    }
  }

  @Override
  public void close() {
    stop = true;
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    socket.close();
  }
}
