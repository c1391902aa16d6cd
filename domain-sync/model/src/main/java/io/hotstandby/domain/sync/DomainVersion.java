package io.hotstandby.domain.sync;

import java.util.ArrayList;
import java.util.List;

/**
 * One version of the domain file as it travels between servers and is kept in history.
 *
 * @param number the version number written in the file; a later version has a higher number
 * @param sha256 lower-case hex SHA-256 of {@code content}
 * @param server the server where the change was made
 * @param user who made it ("local" for an edit of the file, the session user for an apply)
 * @param timeMillis when it was made, epoch milliseconds on the server that made it
 * @param source how it was made: "start", "apply", "edit", "rollback of N"
 * @param lineage the hashes of the versions it descends from, parent first (at most {@value
 *     #MAX_LINEAGE}); how a server tells a newer version from a diverged one
 * @param content the file's bytes
 */
public record DomainVersion(
    long number,
    String sha256,
    String server,
    String user,
    long timeMillis,
    String source,
    List<String> lineage,
    byte[] content) {

  /** How many ancestors a version remembers. */
  public static final int MAX_LINEAGE = 256;

  public DomainVersion {
    lineage = List.copyOf(lineage);
  }

  /** The first 12 hex digits of the hash, as operators see it. */
  public String shortSha() {
    return sha256.substring(0, Math.min(12, sha256.length()));
  }

  /** Whether {@code sha} is this version or one of its ancestors. */
  public boolean descendsFrom(String sha) {
    return sha256.equals(sha) || lineage.contains(sha);
  }

  /** The lineage a child of this version carries: this version, then its own lineage. */
  public List<String> childLineage() {
    List<String> l = new ArrayList<>();
    l.add(sha256);
    for (String s : lineage) {
      if (l.size() >= MAX_LINEAGE) {
        break;
      }
      l.add(s);
    }
    return l;
  }

  /** "version 7 (1a2b3c4d5e6f) by alpha". */
  public String label() {
    return "version " + number + " (" + shortSha() + ") by " + server;
  }
}
