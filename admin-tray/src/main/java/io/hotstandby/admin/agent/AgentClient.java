package io.hotstandby.admin.agent;

import io.hotstandby.admin.Domainctl;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code domainctl} launcher's entry: hands a short command to the resident agent of this user
 * ({@link Agent}), which keeps the JVM warm and the sessions to the servers open, and prints its
 * answer; runs the command itself when there is no agent yet (and starts one for the next call),
 * when the command reads the console or runs until stopped, or when {@code DOMAINCTL_AGENT=off}.
 * Loads only JDK classes on the fast path.
 */
public final class AgentClient {
  private AgentClient() {}

  /** The commands an agent runs: short, no console input, text output. */
  static final Set<String> COMMANDS =
      Set.of("status", "activate", "tag", "maintenance", "events", "audit", "history");

  /** Options of the top command that take a value. */
  private static final Set<String> VALUED =
      Set.of(
          "--endpoint",
          "--domain",
          "--timeout",
          "--user",
          "--password-file",
          "--accept-certificate");

  /** Options whose value is a path: made absolute, as the agent runs elsewhere. */
  private static final Set<String> PATHS = Set.of("--domain", "--password-file");

  public static void main(String[] args) {
    List<String> request = agentRequest(args, System.getenv("DOMAINCTL_AGENT"));
    if (request != null) {
      try {
        Path socket = AgentSocket.path();
        Integer exit = ask(socket, request);
        if (exit != null) {
          System.exit(exit);
        }
        startAgent(socket);
      } catch (IOException e) {
        // No agent here (an unusable folder, say): the command runs in this process.
      }
    }
    Domainctl.main(args);
  }

  /**
   * The arguments to send to the agent (paths made absolute), or null when this command runs in
   * this process.
   */
  static List<String> agentRequest(String[] args, String setting) {
    if ("off".equalsIgnoreCase(setting)) {
      return null;
    }
    String command = null;
    boolean user = false;
    boolean passwordFile = false;
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (Set.of("-h", "--help", "-V", "--version", "--watch", "--follow").contains(name)) {
        return null;
      }
      user |= name.equals("--user");
      passwordFile |= name.equals("--password-file");
      // The top command's options may stand before or after the command (picocli inherits them).
      if (VALUED.contains(name) && !a.contains("=")) {
        if (i + 1 >= args.length) {
          return null;
        }
        out.add(a);
        String value = args[++i];
        out.add(PATHS.contains(name) ? Path.of(value).toAbsolutePath().toString() : value);
        continue;
      }
      if (PATHS.contains(name) && a.contains("=")) {
        String value = a.substring(a.indexOf('=') + 1);
        out.add(name + "=" + Path.of(value).toAbsolutePath());
        continue;
      }
      if (command == null && !a.startsWith("-")) {
        command = a;
      }
      out.add(a);
    }
    // A login without a password file would ask the console (or read the environment) here.
    if (command == null || !COMMANDS.contains(command) || (user && !passwordFile)) {
      return null;
    }
    return out;
  }

  /** The agent's exit code after printing its answer; null when no agent listens. */
  static Integer ask(Path socket, List<String> request) {
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return null;
    }
    try (channel) {
      AgentSocket.writeRequest(new DataOutputStream(Channels.newOutputStream(channel)), request);
      DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
      int exit = in.readInt();
      String out = AgentSocket.readText(in);
      String err = AgentSocket.readText(in);
      System.out.print(out);
      System.out.flush();
      System.err.print(err);
      System.err.flush();
      return exit;
    } catch (IOException e) {
      // Sent, so it may have run: never run it a second time here.
      System.err.println(
          "domainctl: the agent stopped during the command, whose outcome is unknown; check with"
              + " domainctl status (DOMAINCTL_AGENT=off runs commands without the agent)");
      return Domainctl.USAGE;
    }
  }

  /** Starts the agent in the background for the next command; never waits for it. */
  static void startAgent(Path socket) {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid"); // not ended with this terminal's session
    }
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC"));
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      command.add("-Dlogback.configurationFile=" + logback);
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Agent.class.getName(),
            socket.toString()));
    try {
      new ProcessBuilder(command)
          // Relative paths have been made absolute: any other would be resolved in "/" and fail.
          .directory(new File("/"))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(socket + ".log")))
          .start();
    } catch (IOException e) {
      // The next command runs in its own process again.
    }
  }
}
