package io.hotstandby.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A program {@link NetLabTest} starts in a host's namespace: echoes lines on a TCP port and
 * datagrams on the same UDP port, and probes other hosts on command. Prints {@code ready} once
 * listening; then reads command lines from stdin and answers each with {@code <id> ok} or {@code
 * <id> fail}: {@code <id> tcp|udp <address> <port> <timeout ms>} probes a round trip; {@code <id>
 * send <address> <port> <token>} sends one datagram; {@code <id> seen <token>} tells whether the
 * agent's UDP port received that token. Ends when stdin closes.
 */
public final class NetAgent {
  private NetAgent() {}

  /** Starts the agent; {@code args[0]} is the port to listen on. */
  public static void main(String[] args) throws IOException {
    try (Echo echo = Echo.start(new InetSocketAddress(Integer.parseInt(args[0])))) {
      PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
      out.println("ready");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.trim().split(" ");
        Thread t =
            new Thread(
                () -> {
                  boolean ok =
                      switch (f[1]) {
                        case "seen" -> echo.saw(f[2]);
                        case "send" ->
                            send(new InetSocketAddress(f[2], Integer.parseInt(f[3])), f[4]);
                        default ->
                            probe(
                                f[1],
                                new InetSocketAddress(f[2], Integer.parseInt(f[3])),
                                Duration.ofMillis(Long.parseLong(f[4])));
                      };
                  synchronized (out) {
                    out.println(f[0] + (ok ? " ok" : " fail"));
                  }
                });
        t.setDaemon(true);
        t.start();
      }
    }
  }

  /** Whether {@code target} echoes a TCP line or a UDP datagram ({@code protocol}) in time. */
  public static boolean probe(String protocol, InetSocketAddress target, Duration timeout) {
    String token = UUID.randomUUID().toString();
    int millis = (int) timeout.toMillis();
    try {
      if (protocol.equals("tcp")) {
        try (Socket s = new Socket()) {
          s.connect(target, millis);
          s.setSoTimeout(millis);
          s.getOutputStream().write((token + "\n").getBytes(StandardCharsets.UTF_8));
          String back =
              new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                  .readLine();
          return token.equals(back);
        }
      }
      try (DatagramSocket s = new DatagramSocket()) {
        s.setSoTimeout(millis);
        byte[] sent = token.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(sent, sent.length, target));
        DatagramPacket back = new DatagramPacket(new byte[sent.length + 1], sent.length + 1);
        s.receive(back);
        return Arrays.equals(sent, Arrays.copyOf(back.getData(), back.getLength()));
      }
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sends {@code token} to {@code target} in one datagram, expecting no answer; false if it cannot.
   */
  public static boolean send(InetSocketAddress target, String token) {
    try (DatagramSocket s = new DatagramSocket()) {
      byte[] sent = token.getBytes(StandardCharsets.UTF_8);
      s.send(new DatagramPacket(sent, sent.length, target));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A TCP line echo and a UDP datagram echo on one address and port. */
  public static final class Echo implements AutoCloseable {
    private final ServerSocket tcp;
    private final DatagramSocket udp;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    private Echo(ServerSocket tcp, DatagramSocket udp) {
      this.tcp = tcp;
      this.udp = udp;
    }

    /** Listens on {@code at} (port 0: a port the system picks, the same for TCP and UDP). */
    public static Echo start(InetSocketAddress at) throws IOException {
      ServerSocket tcp = new ServerSocket();
      tcp.setReuseAddress(true);
      tcp.bind(at);
      DatagramSocket udp =
          new DatagramSocket(new InetSocketAddress(at.getAddress(), tcp.getLocalPort()));
      Echo echo = new Echo(tcp, udp);
      daemon(echo::acceptTcp);
      daemon(echo::echoUdp);
      return echo;
    }

    /** Whether a datagram carrying exactly {@code token} arrived. */
    public boolean saw(String token) {
      return seen.contains(token);
    }

    /** The port of both echoes. */
    public int port() {
      return tcp.getLocalPort();
    }

    private void acceptTcp() {
      while (!tcp.isClosed()) {
        try {
          Socket s = tcp.accept();
          daemon(
              () -> {
                try (s) {
                  String line =
                      new BufferedReader(
                              new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                          .readLine();
                  s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                  // The prober gave up.
                }
              });
        } catch (IOException e) {
          // Closed.
        }
      }
    }

    private void echoUdp() {
      byte[] buf = new byte[1024];
      while (!udp.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          udp.receive(p);
          seen.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
          udp.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
        } catch (IOException e) {
          // Closed, or the prober is gone.
        }
      }
    }

    private static void daemon(Runnable r) {
      Thread t = new Thread(r, "net-agent-echo");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() {
      try {
        tcp.close();
      } catch (IOException e) {
        // Already closed.
      }
      udp.close();
    }
  }
}
