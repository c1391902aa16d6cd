package io.hotstandby.domain;

/**
 * Whether the project files travel with the domain ({@code <projects sync="true"
 * bandwidthKBps="1024">}).
 *
 * @param enabled whether the servers copy the active's project files
 * @param bandwidthKBps the most a server sends per second while copying, in KiB
 */
public record ProjectSyncSpec(boolean enabled, int bandwidthKBps) {
  /** No synchronisation; 1024 KiB/s when enabled without a limit. */
  public static final ProjectSyncSpec DISABLED = new ProjectSyncSpec(false, 1024);
}
