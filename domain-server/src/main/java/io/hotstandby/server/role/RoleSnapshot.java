package io.hotstandby.server.role;

import io.hotstandby.rec.ServerState;

/**
 * The role machine's state at one instant, published as one immutable value.
 *
 * @param state the server's state
 * @param term the current term
 * @param activeSinceMillis wall-clock time this server became active, 0 when not active
 * @param takeoverRequest the active this standby asks to hand over, or ""
 * @param handoverTo the standby this former active released the role to, or ""
 * @param writesSuspended true while an active that was paused waits to hear its peers
 * @param leaseRequest true while this standby, having lost its partner, asks the domain's quorum
 *     witness for the lease on the active role
 */
public record RoleSnapshot(
    ServerState state,
    long term,
    long activeSinceMillis,
    String takeoverRequest,
    String handoverTo,
    boolean writesSuspended,
    boolean leaseRequest) {}
