package io.hotstandby.rec;

import io.hotstandby.events.RateLimitedLog;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One REC path's UDP socket and the thread that receives on it. */
final class PathSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PathSocket.class);

  /** Handles one received datagram; {@code buf} is reused after the call returns. */
  interface Receiver {
    void onDatagram(PathSocket socket, byte[] buf, int len, SocketAddress source);
  }

  final String path;
  final AtomicLong dropped = new AtomicLong();
  private final DatagramSocket socket;
  private final RateLimitedLog errorLog = new RateLimitedLog(log, 1000);
  private volatile boolean closed;
  private Thread thread;

  private PathSocket(String path, DatagramSocket socket) {
    this.path = path;
    this.socket = socket;
  }

  /** Binds the path's socket; the exception names the path and the address. */
  static PathSocket bind(String path, InetSocketAddress address) throws IOException {
    DatagramSocket socket = new DatagramSocket(null);
    try {
      socket.setReuseAddress(false); // a second server on the same port must fail, not share
      socket.bind(address);
    } catch (IOException e) {
      socket.close();
      throw new IOException(
          "REC path '" + path + "': cannot bind " + hostPort(address) + ": " + e.getMessage(), e);
    }
    return new PathSocket(path, socket);
  }

  /** "127.0.0.1:7101", "[::1]:7101": the address actually used, whatever name it came from. */
  static String hostPort(InetSocketAddress a) {
    String host = a.isUnresolved() ? a.getHostString() : a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  void startReceiving(String threadName, Receiver receiver) {
    thread = new Thread(() -> receiveLoop(receiver), threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void receiveLoop(Receiver receiver) {
    // One byte more than the largest heartbeat, so an oversized datagram shows as too long
    // instead of being silently truncated to a plausible length.
    byte[] buf = new byte[HeartbeatCodec.MAX_DATAGRAM + 1];
    DatagramPacket packet = new DatagramPacket(buf, buf.length);
    while (!closed) {
      try {
        packet.setData(buf);
        socket.receive(packet);
      } catch (IOException e) {
        if (closed) {
          return;
        }
        errorLog.warn(() -> "REC path '" + path + "': receive failed: " + e);
        LockSupport.parkNanos(10_000_000); // do not spin if the error persists
        continue;
      }
      try {
        receiver.onDatagram(this, buf, packet.getLength(), packet.getSocketAddress());
      } catch (RuntimeException e) {
        // A bug in handling one datagram must not silence the path for good.
        log.error("REC path '{}': handling a datagram failed", path, e);
      }
    }
  }

  void send(byte[] data, InetSocketAddress target) throws IOException {
    socket.send(new DatagramPacket(data, data.length, target));
  }

  @Override
  public void close() {
    closed = true;
    socket.close();
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
