package io.hotstandby.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of a device or a server, so a test can break the path in the two
 * ways a network does: {@link #cut} closes every connection and refuses new ones (a broken cable to
 * one machine, noticed at once); {@link #freeze} swallows every byte in both directions but keeps
 * the connections open (a hung device or a dead path: no FIN, no RST, so only the client's own
 * keep-alive can notice).
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final String name;
  private final InetAddress source;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean cut;
  private volatile boolean frozen;

  private TcpRelay(int listenPort, int targetPort, String name, InetAddress source)
      throws IOException {
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 50);
    this.targetPort = targetPort;
    this.name = name;
    this.source = source;
  }

  /** A relay on a port the system picks, forwarding to loopback {@code targetPort}. */
  public static TcpRelay to(int targetPort) {
    return on(0, targetPort, "to-" + targetPort);
  }

  /** A relay on loopback port {@code listenPort}, forwarding to loopback {@code targetPort}. */
  public static TcpRelay on(int listenPort, int targetPort, String name) {
    return start(listenPort, targetPort, name, null);
  }

  /**
   * A relay on a port the system picks whose connections to loopback {@code targetPort} come from
   * {@code source} (e.g. 127.0.0.2, also loopback on Linux): the target sees another client host.
   */
  public static TcpRelay from(InetAddress source, int targetPort) {
    return start(0, targetPort, "from-" + source.getHostAddress() + "-to-" + targetPort, source);
  }

  private static TcpRelay start(int listenPort, int targetPort, String name, InetAddress source) {
    try {
      TcpRelay relay = new TcpRelay(listenPort, targetPort, name, source);
      Thread t = new Thread(relay::accept, "tcp-relay-" + name);
      t.setDaemon(true);
      t.start();
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the TCP relay " + name, e);
    }
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket in = listener.accept();
        if (cut) {
          in.close();
          continue;
        }
        Socket out;
        try {
          out =
              source == null
                  ? new Socket(InetAddress.getLoopbackAddress(), targetPort)
                  : new Socket(InetAddress.getLoopbackAddress(), targetPort, source, 0);
        } catch (IOException refused) {
          // Nothing listens behind the relay (e.g. a killed server): the client's connection ends
          // at once, as a direct one would be refused. Left open, it would hang with nobody behind
          // it until the socket is garbage-collected, and a peer waiting on it would wait as long.
          closeQuietly(in);
          continue;
        }
        open.add(in);
        open.add(out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // The listener closed.
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                  if (!frozen) {
                    out.write(buf, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // One side closed.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-relay-pump-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** Drops every connection and refuses new ones. */
  public void cut() {
    cut = true;
    open.forEach(TcpRelay::closeQuietly);
    open.clear();
  }

  /** Accepts connections again after a {@link #cut}. */
  public void restore() {
    cut = false;
  }

  /** Swallows every byte from now on, keeping the connections open. */
  public void freeze() {
    frozen = true;
  }

  /** Passes bytes again after a {@link #freeze}. */
  public void thaw() {
    frozen = false;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // Already closed.
    }
  }

  @Override
  public void close() {
    cut();
    closeQuietly(listener);
  }
}
