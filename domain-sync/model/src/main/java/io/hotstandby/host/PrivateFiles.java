package io.hotstandby.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Keeps the server's own files away from other local users: its folders (data, PKI) owner-only
 * ({@code 0700}), its private keys and key-store password owner read/write ({@code 0600}). On a
 * file system without POSIX permissions (Windows) nothing is changed: there the installation's ACLs
 * decide.
 */
public final class PrivateFiles {
  /** {@code rwx------}: a folder only its owner may list or enter. */
  public static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");

  /** {@code rw-------}: a file only its owner may read or write. */
  public static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");

  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private PrivateFiles() {}

  /**
   * Creates {@code dir} (and missing parents) owner-only, or tightens it to {@code 0700} when it
   * exists with access for group or others: an earlier version, a copy or an administrator's umask
   * may have left it open.
   *
   * @return null, or what was tightened (e.g. {@code /var/lib/x was open to other users (mode
   *     0755); tightened to 0700}) for the caller to log as a WARNING
   */
  public static String ownerOnlyDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      if (posix(dir)) {
        Files.setPosixFilePermissions(dir, OWNER_DIR);
      }
      return null;
    }
    return tighten(dir, OWNER_DIR);
  }

  /**
   * Tightens an existing file to {@code 0600}.
   *
   * @return null, or what was tightened, for the caller to log as a WARNING
   */
  public static String ownerOnlyFile(Path file) throws IOException {
    return Files.exists(file) ? tighten(file, OWNER_FILE) : null;
  }

  /**
   * Why {@code file} must not hold a secret, as ssh says of a private key: null when only its owner
   * may read or write it (or the file system has no POSIX permissions), else e.g. {@code
   * /etc/plant.secret is readable by others (mode 0644); run chmod 600 /etc/plant.secret}.
   */
  public static String exposure(Path file) throws IOException {
    if (!posix(file)) {
      return null;
    }
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
    String who;
    if (p.contains(PosixFilePermission.OTHERS_READ)) {
      who = "readable by others";
    } else if (p.contains(PosixFilePermission.OTHERS_WRITE)) {
      who = "writable by others";
    } else if (p.contains(PosixFilePermission.GROUP_READ)) {
      who = "readable by its group";
    } else if (p.contains(PosixFilePermission.GROUP_WRITE)) {
      who = "writable by its group";
    } else {
      return null;
    }
    return file + " is " + who + " (mode " + mode(p) + "); run chmod 600 " + file;
  }

  /** The permissions as an octal mode, e.g. {@code 0644}. */
  public static String mode(Set<PosixFilePermission> permissions) {
    int m = 0;
    for (PosixFilePermission p : permissions) {
      m |= 1 << (8 - p.ordinal());
    }
    return String.format("0%03o", m);
  }

  private static String tighten(Path path, Set<PosixFilePermission> wanted) throws IOException {
    if (!posix(path)) {
      return null;
    }
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(path);
    if (now.stream().noneMatch(GROUP_OR_OTHERS::contains)) {
      return null;
    }
    Files.setPosixFilePermissions(path, wanted);
    return path + " was open to other users (mode " + mode(now) + "); tightened to " + mode(wanted);
  }

  private static boolean posix(Path path) {
    return Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
  }
}
