package io.hotstandby.rec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Sends hand-made datagrams from a loopback socket, as a peer or as an attacker would. */
final class FakePeer implements AutoCloseable {
  private final String domain;
  private final HeartbeatCodec codec;
  private final DatagramSocket socket;
  private final ScheduledExecutorService sender =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fake-peer-sender");
            t.setDaemon(true);
            return t;
          });
  private ScheduledFuture<?> sending;

  FakePeer(String domain, byte[] secret) throws IOException {
    this.domain = domain;
    this.codec = new HeartbeatCodec(domain, secret);
    this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
  }

  /** A valid, signed heartbeat of a STANDBY {@code server}. */
  byte[] heartbeat(String server, long bootId, long seq, long term) {
    return codec.encode(
        LinkFixture.status(ServerState.STANDBY, term)
            .toHeartbeat(domain, server, bootId, seq, System.nanoTime(), 0, 0));
  }

  void send(byte[] data, InetSocketAddress to) throws IOException {
    socket.send(new DatagramPacket(data, data.length, to));
  }

  /**
   * Sends a heartbeat of {@code server} to {@code to} every {@link LinkFixture#HEARTBEAT_MS}, as a
   * live peer does, until {@link #stopSending}.
   */
  synchronized void keepSending(String server, InetSocketAddress to) {
    AtomicLong seq = new AtomicLong();
    sending =
        sender.scheduleAtFixedRate(
            () -> {
              try {
                send(heartbeat(server, 1, seq.incrementAndGet(), 1), to);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            0,
            LinkFixture.HEARTBEAT_MS,
            TimeUnit.MILLISECONDS);
  }

  /** Stops the heartbeats; when this returns, none is on its way any more. */
  synchronized void stopSending() throws Exception {
    sending.cancel(false);
    // A no-op queued behind the last heartbeat: once it ran, that heartbeat has left.
    sender.submit(() -> {}).get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    sender.shutdownNow();
    socket.close();
  }
}
