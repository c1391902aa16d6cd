package io.hotstandby.server.kit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A one-way UDP relay on loopback that the kit puts in front of a server's REC port, so a test can
 * cut and restore one REC path the way a pulled cable would: datagrams are dropped while cut.
 */
public final class UdpRelay implements AutoCloseable {
  private final DatagramSocket socket;
  private final InetSocketAddress target;
  private final Thread thread;
  private volatile boolean cut;

  UdpRelay(int listenPort, int targetPort, String name) throws SocketException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    this.socket = new DatagramSocket(new InetSocketAddress(lo, listenPort));
    this.target = new InetSocketAddress(lo, targetPort);
    this.thread = new Thread(this::run, "relay-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    byte[] buf = new byte[2048];
    while (!socket.isClosed()) {
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(in);
        if (cut) {
          continue;
        }
        socket.send(new DatagramPacket(in.getData(), in.getLength(), target));
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
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
    socket.close();
  }
}
