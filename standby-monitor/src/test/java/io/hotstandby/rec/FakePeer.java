package io.hotstandby.rec;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Sends hand-made datagrams from a loopback socket, as a peer or as an attacker would. */
final class FakePeer implements AutoCloseable {
  private final String domain;
  private final HeartbeatCodec codec;
  private final DatagramSocket socket;

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

  @Override
  public void close() {
    socket.close();
  }
}
