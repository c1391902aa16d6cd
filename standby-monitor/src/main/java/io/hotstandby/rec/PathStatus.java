package io.hotstandby.rec;

import java.time.Instant;

/**
 * What one REC path to one peer looks like from here, at the moment of a {@link PeerView} snapshot.
 *
 * @param path the path's name, e.g. "lan" or "rec"
 * @param up whether a valid heartbeat of the peer arrived on it within the failover timeout
 * @param rttMillis smoothed round-trip time, NaN until measured
 * @param lastSeen wall-clock time of the last valid heartbeat on it, null if none yet
 * @param received valid heartbeats received on it
 */
public record PathStatus(
    String path, boolean up, double rttMillis, Instant lastSeen, long received) {}
