package io.hotstandby.server.http;

import java.time.Instant;
import java.util.List;

/**
 * What this server's HTTP endpoint answers from: one immutable picture of the server, made on the
 * role thread each time the status is published and handed over through a volatile field, so no
 * HTTP request ever waits for the role thread or takes one of its locks.
 *
 * @param publishedNanos {@link System#nanoTime()} when the picture was made
 * @param server this server's name
 * @param domain the domain's name
 * @param state this server's state (a {@code ServerState} name)
 * @param term its term
 * @param serviceLevel the OPC UA ServiceLevel it publishes
 * @param health the runtime's failure weight, 0 when every driver is connected
 * @param runtimeReady whether it could run the application (loaded, projects in sync)
 * @param mirrorReady whether, as a standby, it holds the active's state within the domain's bound
 * @param writesSuspended whether an ACTIVE holds its writes after a pause
 * @param domainVersion the version of the domain file in force
 * @param mirrorLagMillis how long its mirror of the active's state has been behind (0 when not)
 * @param mirrorLagEntries how many entries the mirror is behind; -1 before its first snapshot
 * @param probe the service probe's state
 * @param members every server of the domain, in the file's order
 * @param peers every peer as its heartbeats announce it
 * @param statusJson the server's status document ({@code domainctl status --json} of this server)
 */
public record StatusSnapshot(
    long publishedNanos,
    String server,
    String domain,
    String state,
    long term,
    int serviceLevel,
    int health,
    boolean runtimeReady,
    boolean mirrorReady,
    boolean writesSuspended,
    long domainVersion,
    long mirrorLagMillis,
    long mirrorLagEntries,
    Probe probe,
    List<Member> members,
    List<Peer> peers,
    String statusJson) {

  public StatusSnapshot {
    members = List.copyOf(members);
    peers = List.copyOf(peers);
  }

  /**
   * The service probe of this server.
   *
   * @param enabled whether the domain's probe is on
   * @param failuresInRow probes of its current target that failed in a row, 0 with none
   * @param threshold failures in a row that make a verdict, 0 when off
   */
  public record Probe(boolean enabled, int failuresInRow, int threshold) {

    /** The domain has no probe. */
    public static final Probe OFF = new Probe(false, 0, 0);
  }

  /**
   * A server as the domain file declares it.
   *
   * @param name its name
   * @param role main, backup, witness or none
   * @param endpoint its OPC UA endpoint URL
   * @param maintenance whether the file sets it to maintenance
   */
  public record Member(String name, String role, String endpoint, boolean maintenance) {}

  /**
   * A peer as this server hears it.
   *
   * @param name its name
   * @param liveness UNKNOWN, ALIVE, SUSPECT or LOST
   * @param state the state its last heartbeat announced, UNKNOWN before any
   * @param term the term its last heartbeat announced
   * @param paths each REC path to it
   */
  public record Peer(String name, String liveness, String state, long term, List<Path> paths) {
    public Peer {
      paths = List.copyOf(paths);
    }
  }

  /**
   * One REC path to a peer.
   *
   * @param path the path's name
   * @param up whether a valid heartbeat arrived on it within the failover timeout
   * @param rttMillis smoothed round-trip time, NaN until measured
   * @param lastSeen when its last valid heartbeat arrived, null before any
   */
  public record Path(String path, boolean up, double rttMillis, Instant lastSeen) {}
}
