package io.hotstandby.admin.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotstandby.testkit.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The client alone: failures must be quick and read as one line. (With a server: domain-server.)
 */
class AdminClientTest {

  @Test
  void closedPortFailsFastWithOneLine() throws Exception {
    String url = "opc.tcp://127.0.0.1:" + FreePorts.next() + "/hotstandby";
    long start = System.nanoTime();

    assertThatThrownBy(() -> AdminClient.connect(url, Duration.ofSeconds(5)))
        .isInstanceOf(AdminClientException.class)
        .hasMessage("cannot connect to " + url + ": connection refused");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void silentPeerFailsWhenTheTimeoutRunsOut() throws Exception {
    // Accepts TCP connections (the kernel does) but never speaks OPC UA.
    try (var silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      String url = "opc.tcp://127.0.0.1:" + silent.getLocalPort() + "/hotstandby";
      long start = System.nanoTime();

      assertThatThrownBy(() -> AdminClient.connect(url, Duration.ofMillis(300)))
          .isInstanceOf(AdminClientException.class)
          .hasMessage("cannot connect to " + url + ": no answer within 300 ms");

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void unknownHostIsNamed() {
    String url = "opc.tcp://no-such-host.invalid:4851/hotstandby";

    assertThatThrownBy(() -> AdminClient.connect(url, Duration.ofSeconds(2)))
        .isInstanceOf(AdminClientException.class)
        .hasMessageStartingWith("cannot connect to " + url + ": unknown host")
        .hasMessageNotContaining("\n");
  }
}
