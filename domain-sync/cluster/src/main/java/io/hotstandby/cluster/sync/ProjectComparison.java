package io.hotstandby.cluster.sync;

import io.hotstandby.events.Weight;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Whether the project files this server's runtime loaded are the active's files on disk, as the
 * active last announced them (the newest term wins). Reports when the answer changes, and the
 * answer when an active is first compared with (after a start or a change of active). Changed on
 * the "project-sync" thread only; read anywhere.
 */
final class ProjectComparison {
  private final ProjectManifest loaded;
  private final BooleanSupplier active;
  private final BooleanSupplier syncEnabled;
  private final ProjectSync.Listener listener;

  private volatile ProjectSyncMessage.Announce announcement;
  private volatile boolean inSync = true;
  private volatile List<String> differences = List.of();

  // "project-sync" thread only.
  private String comparedWith = "";

  /**
   * @param loaded the manifest of the files this server's runtime loaded
   * @param active whether this server is the active now
   * @param syncEnabled whether the domain in force enables copying (only worded in the report)
   * @param listener told of what changes
   */
  ProjectComparison(
      ProjectManifest loaded,
      BooleanSupplier active,
      BooleanSupplier syncEnabled,
      ProjectSync.Listener listener) {
    this.loaded = loaded;
    this.active = active;
    this.syncEnabled = syncEnabled;
    this.listener = listener;
  }

  /** The last announcement from an active server, or null when none counts. */
  ProjectSyncMessage.Announce announcement() {
    return announcement;
  }

  /** Whether the files loaded here are the active's files on disk (true when none was heard). */
  boolean inSync() {
    return inSync;
  }

  /** The files loaded here that differ from the active's on disk. */
  List<String> differences() {
    return differences;
  }

  /**
   * Keeps {@code a} as the active's files, unless an older active, still talking, sent it.
   *
   * @return whether {@code a} was kept
   */
  boolean announced(ProjectSyncMessage.Announce a) {
    ProjectSyncMessage.Announce r = announcement;
    if (r != null && !r.sender().equals(a.sender()) && a.term() < r.term()) {
      return false;
    }
    announcement = a;
    return true;
  }

  /** This server is the source now: what an earlier active said no longer counts. */
  void forget() {
    announcement = null;
  }

  /**
   * Compares the files loaded here with the active's on disk; reports a change, and that they are
   * the same when an active is first compared with.
   */
  void evaluate() {
    ProjectSyncMessage.Announce r = announcement;
    boolean isActive = active.getAsBoolean();
    List<String> diff = r == null || isActive ? List.of() : loaded.differences(r.onDisk());
    boolean now = diff.isEmpty();
    boolean was = inSync;
    boolean newActive = r != null && !isActive && !r.sender().equals(comparedWith);
    if (r != null) {
      comparedWith = r.sender();
    }
    differences = diff;
    inSync = now;
    if (!now && (was || newActive)) {
      boolean enabled = syncEnabled.getAsBoolean();
      listener.event(
          Weight.WARNING,
          "project files loaded here differ from the active "
              + r.sender()
              + "'s: "
              + String.join(", ", diff)
              + (enabled
                  ? "; this server is not ready until it restarts with the active's files"
                  : "; project sync is off, so this is only reported"));
    } else if (now && r != null && !isActive && (!was || newActive)) {
      listener.event(
          Weight.NOTICE,
          "project files loaded here are the same as the active " + r.sender() + "'s");
    }
    if (now != was) {
      listener.inSyncChanged(now);
    }
  }
}
