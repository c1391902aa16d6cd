package io.hotstandby.cluster.sync;

import io.hotstandby.domain.Domain;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The project files of the domain in force, on this server's disk: their manifest, computed at any
 * time (a file's hash is kept while its size, modification time and identity stay the same, so
 * asking often costs a {@code stat} per file), and the content read once for the runtime to load.
 * Thread-safe.
 */
public final class ProjectFiles {
  private final Supplier<Domain> domain;
  private final Map<Path, Hashed> cache = new HashMap<>();

  /** What a file looked like when it was hashed. */
  record Stamp(long size, long modifiedNanos, Object fileKey) {}

  private record Hashed(Stamp stamp, String sha256) {}

  /** The bytes of the domain's projects as read for loading, and their manifest. */
  public record Loaded(Map<Path, byte[]> contents, ProjectManifest manifest) {}

  /**
   * @param domain the domain in force, asked each time
   */
  public ProjectFiles(Supplier<Domain> domain) {
    this.domain = domain;
  }

  /**
   * Reads every project of {@code domain} once, for the runtime to parse exactly these bytes; a
   * file that cannot be read is left out (the runtime then reports why) and is missing in the
   * manifest.
   */
  public static Loaded readForLoading(Domain domain) {
    Map<Path, byte[]> contents = new LinkedHashMap<>();
    for (Path p : domain.projects()) {
      try {
        contents.put(p, Files.readAllBytes(p));
      } catch (IOException e) {
        // missing: the runtime's load names the file and the problem
      }
    }
    return new Loaded(contents, ProjectManifest.of(domain, contents));
  }

  /** The manifest of the project files on disk now. */
  public synchronized ProjectManifest onDisk() {
    Domain d = domain.get();
    List<ProjectManifest.Entry> entries = new ArrayList<>();
    Map<Path, Hashed> keep = new HashMap<>();
    for (Path p : d.projects()) {
      String rel = ProjectManifest.relativePath(d, p);
      ProjectManifest.Entry e = entry(p, rel);
      entries.add(e);
      if (cache.containsKey(p)) {
        keep.put(p, cache.get(p));
      }
    }
    cache.keySet().retainAll(keep.keySet());
    return new ProjectManifest(entries);
  }

  /**
   * The manifest entry of the project file {@code file}, named {@code rel}. A file that keeps
   * changing while it is read is present with no hash (nothing can be copied or compared until it
   * settles).
   */
  synchronized ProjectManifest.Entry entry(Path file, String rel) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Stamp before = stamp(file);
      if (before == null) {
        cache.remove(file);
        return ProjectManifest.Entry.missing(rel);
      }
      Hashed h = cache.get(file);
      if (h != null && h.stamp().equals(before)) {
        return new ProjectManifest.Entry(rel, h.sha256(), before.size());
      }
      String sha;
      try {
        sha = hash(file);
      } catch (IOException e) {
        cache.remove(file);
        return ProjectManifest.Entry.missing(rel);
      }
      if (before.equals(stamp(file))) {
        cache.put(file, new Hashed(before, sha));
        return new ProjectManifest.Entry(rel, sha, before.size());
      }
    }
    cache.remove(file);
    Stamp now = stamp(file);
    return now == null
        ? ProjectManifest.Entry.missing(rel)
        : new ProjectManifest.Entry(rel, "", now.size());
  }

  /** The project of the domain in force at {@code rel}, relative to the domain file's folder. */
  public Optional<Path> resolve(String rel) {
    Domain d = domain.get();
    for (Path p : d.projects()) {
      if (ProjectManifest.relativePath(d, p).equals(rel)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Forgets what is known of {@code file}, e.g. after writing it. */
  public synchronized void invalidate(Path file) {
    cache.remove(file);
  }

  /** Size, modification time and identity of {@code file}, or null when it does not exist. */
  static Stamp stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(
          a.size(),
          a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
          a.fileKey());
    } catch (IOException e) {
      return null; // missing or unreadable
    }
  }

  /** The lower-case hex SHA-256 of {@code file}'s bytes, streamed. */
  static String hash(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
