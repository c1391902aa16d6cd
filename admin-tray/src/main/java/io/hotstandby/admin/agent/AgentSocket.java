package io.hotstandby.admin.agent;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Where the {@code domainctl} agent listens and how a request and its answer travel: a Unix-domain
 * stream socket in a folder only this user may enter, named after everything that decides how a
 * command runs (the Java and class path, the known-servers and client-certificate settings), so
 * callers that differ there never share an agent. Plain JDK classes only: the thin client loads
 * nothing else.
 *
 * <p>A request is the arguments (paths already absolute); an answer the exit code, then what the
 * command printed to standard output and to standard error.
 */
final class AgentSocket {
  private AgentSocket() {}

  /** The environment variables the agent's commands read, so part of the agent's identity. */
  static final List<String> ENVIRONMENT =
      List.of("HOTSTANDBY_KNOWN_SERVERS", "HOTSTANDBY_CLIENT_PKI", "HOME", "XDG_CONFIG_HOME");

  /**
   * The socket of the agent for this caller, in a folder made owner-only when new; a folder that is
   * a link, belongs to someone else or is open to others is refused (in a shared {@code /tmp},
   * another user could have made it first).
   */
  static Path path() throws IOException {
    return path(System.getenv("XDG_RUNTIME_DIR"), System.getenv("TMPDIR"));
  }

  /** As {@link #path()}, for these values of {@code XDG_RUNTIME_DIR} and {@code TMPDIR}. */
  static Path path(String runtime, String tmp) throws IOException {
    Path base =
        runtime != null && !runtime.isBlank()
            ? Path.of(runtime, "hotstandby")
            : Path.of(
                tmp != null && !tmp.isBlank() ? tmp : System.getProperty("java.io.tmpdir"),
                "hotstandby-" + user());
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
    try {
      Files.createDirectory(base, PosixFilePermissions.asFileAttribute(ownerOnly));
    } catch (FileAlreadyExistsException e) {
      // checked below, whoever made it
    }
    PosixFileAttributes a =
        Files.readAttributes(base, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isDirectory() || a.isSymbolicLink() || !a.owner().getName().equals(user())) {
      throw new IOException(base + " is not a folder of " + user() + "'s own");
    }
    if (!a.permissions().equals(ownerOnly)) {
      throw new IOException(base + " is open to other users; run chmod 700 " + base);
    }
    return base.resolve("domainctl-" + identity() + ".sock");
  }

  private static String user() {
    return System.getProperty("user.name");
  }

  private static String identity() {
    StringBuilder b = new StringBuilder();
    b.append(System.getProperty("java.home")).append('\n');
    b.append(System.getProperty("java.class.path")).append('\n');
    b.append(System.getProperty("hotstandby.knownServers", "")).append('\n');
    for (String name : ENVIRONMENT) {
      b.append(name).append('=').append(System.getenv(name)).append('\n');
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void writeRequest(DataOutputStream out, List<String> args) throws IOException {
    out.writeInt(args.size());
    for (String a : args) {
      writeText(out, a);
    }
    out.flush();
  }

  static List<String> readRequest(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 1000) {
      throw new IOException("not a domainctl request");
    }
    String[] all = new String[n];
    for (int i = 0; i < n; i++) {
      all[i] = readText(in);
    }
    return List.of(all);
  }

  static void writeAnswer(DataOutputStream out, int exit, String stdout, String stderr)
      throws IOException {
    out.writeInt(exit);
    writeText(out, stdout);
    writeText(out, stderr);
    out.flush();
  }

  static void writeText(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String readText(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 64 * 1024 * 1024) {
      throw new IOException("not a domainctl message");
    }
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }
}
