package io.hotstandby.admin.agent;

import io.hotstandby.admin.Domainctl;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident {@code domainctl} agent of one user: runs the commands {@link AgentClient} hands it,
 * one at a time, in a warm JVM, with the sessions to the servers kept open between commands ({@link
 * ClientCache}: reused only for the same endpoint, user and password, and checked before each use).
 * It listens on an owner-only Unix-domain socket ({@link AgentSocket}), writes its pid beside it,
 * and exits after {@code DOMAINCTL_AGENT_IDLE_SECONDS} (default 600) without a command, closing
 * every session.
 */
public final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private Agent() {}

  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    long idleMillis = TimeUnit.SECONDS.toMillis(idleSeconds(System.getenv()));
    // One agent per socket: the one holding the lock; another started at the same moment leaves.
    FileChannel lock =
        FileChannel.open(
            Path.of(socket + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    if (lock.tryLock() == null) {
      return;
    }
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    Path pid = Path.of(socket + ".pid");
    Files.writeString(pid, ProcessHandle.current().pid() + "\n");
    ClientCache clients = new ClientCache();
    Domainctl.useClients(clients);
    long[] lastUse = {System.nanoTime()};
    ScheduledExecutorService idle =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "domainctl-agent-idle");
              t.setDaemon(true);
              return t;
            });
    idle.scheduleWithFixedDelay(
        () -> {
          synchronized (lastUse) {
            if (System.nanoTime() - lastUse[0] > TimeUnit.MILLISECONDS.toNanos(idleMillis)) {
              closeQuietly(server);
            }
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
    log.info("domainctl agent {} listening on {}", ProcessHandle.current().pid(), socket);
    try {
      while (server.isOpen()) {
        SocketChannel channel;
        try {
          channel = server.accept();
        } catch (IOException e) {
          break; // closed when idle
        }
        synchronized (lastUse) {
          serve(channel);
          lastUse[0] = System.nanoTime();
        }
      }
    } finally {
      clients.close();
      Files.deleteIfExists(socket);
      Files.deleteIfExists(pid);
      log.info("domainctl agent stopped after {} s without a command", idleMillis / 1000);
      System.exit(0);
    }
  }

  private static void serve(SocketChannel channel) {
    try (channel) {
      List<String> args =
          AgentSocket.readRequest(new DataInputStream(Channels.newInputStream(channel)));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit =
          Domainctl.run(
              args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
      AgentSocket.writeAnswer(
          new DataOutputStream(Channels.newOutputStream(channel)),
          exit,
          out.toString(),
          err.toString());
    } catch (IOException | RuntimeException e) {
      log.warn("a domainctl request failed: {}", e.toString());
    }
  }

  static long idleSeconds(java.util.Map<String, String> env) {
    try {
      return Math.max(1, Long.parseLong(env.getOrDefault("DOMAINCTL_AGENT_IDLE_SECONDS", "600")));
    } catch (NumberFormatException e) {
      return 600;
    }
  }

  private static void closeQuietly(ServerSocketChannel server) {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
