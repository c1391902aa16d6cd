package io.hotstandby.rec;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * A one-way UDP cable for tests: forwards what arrives on its own loopback port to a target, until
 * {@link #cut()}. Runs until closed.
 */
final class UdpRelay implements AutoCloseable {
  private final DatagramSocket in;
  private final DatagramSocket out;
  private final InetSocketAddress target;
  private final Thread thread;
  private volatile boolean connected = true;

  UdpRelay(InetSocketAddress target) throws IOException {
    this.target = target;
    this.in = new DatagramSocket(0, TestNet.LOOPBACK);
    this.out = new DatagramSocket(0, TestNet.LOOPBACK);
    this.thread = new Thread(this::forward, "udp-relay-" + in.getLocalPort());
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(TestNet.LOOPBACK, in.getLocalPort());
  }

  void cut() {
    connected = false;
  }

  void reconnect() {
    connected = true;
  }

  private void forward() {
    byte[] buf = new byte[2048];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    // Ends when the socket is closed.
    while (!in.isClosed()) {
      try {
        p.setData(buf);
        in.receive(p);
        if (connected) {
          out.send(new DatagramPacket(buf, p.getLength(), target));
        }
      } catch (IOException e) {
        if (in.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    in.close();
    out.close();
    thread.join(2000);
  }
}
