package io.hotstandby.cluster.sync;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The project files of a domain as one server has them: for each project of the domain, in the
 * domain file's order, its path relative to the domain file's folder (the same on every server,
 * {@code /}-separated, never with {@code ..}: the domain file keeps projects in its folder), the
 * SHA-256 of its bytes and its size. A file that is missing or cannot be read is an entry with no
 * hash and size -1.
 *
 * @param entries one per project of the domain
 */
public record ProjectManifest(List<Entry> entries) {
  /** No project files. */
  public static final ProjectManifest EMPTY = new ProjectManifest(List.of());

  /**
   * One project file.
   *
   * @param path relative to the domain file's folder, {@code /}-separated
   * @param sha256 lower-case hex SHA-256 of the bytes, "" when the file is missing or kept changing
   *     while it was read
   * @param size bytes, -1 when the file is missing
   */
  public record Entry(String path, String sha256, long size) {
    public Entry {
      Objects.requireNonNull(path);
      Objects.requireNonNull(sha256);
    }

    /** An entry for a file that is missing or cannot be read. */
    public static Entry missing(String path) {
      return new Entry(path, "", -1);
    }

    /** An entry for {@code content}. */
    public static Entry of(String path, byte[] content) {
      return new Entry(path, Sha256.hex(content), content.length);
    }

    /** Whether the file exists. */
    public boolean present() {
      return size >= 0;
    }

    /** Whether the file exists and its hash is known, so it can be copied and verified. */
    public boolean copyable() {
      return size >= 0 && !sha256.isEmpty();
    }
  }

  public ProjectManifest {
    entries = List.copyOf(entries);
  }

  /**
   * The manifest of {@code contents}, the bytes read of the domain's projects by absolute path; a
   * project {@code contents} lacks is missing.
   */
  public static ProjectManifest of(Domain domain, Map<Path, byte[]> contents) {
    List<Entry> list = new ArrayList<>();
    for (Path p : domain.projects()) {
      String rel = relativePath(domain, p);
      byte[] content = contents.get(p);
      list.add(content == null ? Entry.missing(rel) : Entry.of(rel, content));
    }
    return new ProjectManifest(list);
  }

  /**
   * The path of {@code project} relative to the folder of the domain file, with {@code /} between
   * names.
   */
  public static String relativePath(Domain domain, Path project) {
    Path dir = domain.file().toAbsolutePath().normalize().getParent();
    Path rel = dir.relativize(project.toAbsolutePath().normalize());
    List<String> names = new ArrayList<>();
    rel.forEach(n -> names.add(n.toString()));
    return String.join("/", names);
  }

  /** The entry for {@code path}, if the manifest has one. */
  public Optional<Entry> entry(String path) {
    return entries.stream().filter(e -> e.path().equals(path)).findFirst();
  }

  /**
   * The lower-case hex SHA-256 of the manifest: over each entry's path, size and hash, in order.
   * Two servers with this hash equal have the same project files.
   */
  public String hash() {
    StringBuilder b = new StringBuilder();
    for (Entry e : entries) {
      b.append(e.path()).append('\n').append(e.size()).append('\n').append(e.sha256()).append('\n');
    }
    return Sha256.hex(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The paths whose file differs between this manifest and {@code other} (content, size, or present
   * in one only), this manifest's order first.
   */
  public List<String> differences(ProjectManifest other) {
    Map<String, Entry> theirs = new LinkedHashMap<>();
    other.entries.forEach(e -> theirs.put(e.path(), e));
    List<String> out = new ArrayList<>();
    for (Entry e : entries) {
      Entry t = theirs.remove(e.path());
      if (!e.equals(t)) {
        out.add(e.path());
      }
    }
    out.addAll(theirs.keySet());
    return out;
  }
}
