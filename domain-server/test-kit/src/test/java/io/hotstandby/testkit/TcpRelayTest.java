package io.hotstandby.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class TcpRelayTest {
  private static final int FIVE_SECONDS = 5_000;

  @Test
  void aConnectionWhileNothingListensBehindTheRelayEndsAtOnceAndALaterOneGetsThrough()
      throws IOException {
    int target = FreePorts.next(); // nothing listens there yet, as behind a killed server
    try (TcpRelay relay = TcpRelay.on(FreePorts.next(), target, "to-a-dead-server")) {
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
        client.setSoTimeout(FIVE_SECONDS);
        // Ended, as a direct connection would be refused; not left hanging open.
        assertThat(client.getInputStream().read()).isEqualTo(-1);
      }

      try (ServerSocket server = new ServerSocket()) {
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
        server.setSoTimeout(FIVE_SECONDS);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port());
            Socket accepted = server.accept()) {
          accepted.setSoTimeout(FIVE_SECONDS);
          client.getOutputStream().write(42);
          client.getOutputStream().flush();
          assertThat(accepted.getInputStream().read()).isEqualTo(42);
        }
      }
    }
  }
}
