package io.hotstandby.server;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainRole;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.PeerView;
import io.hotstandby.rec.ServerState;
import io.hotstandby.server.opcua.ActivateResult;
import io.hotstandby.server.role.RoleEvent;
import io.hotstandby.server.role.RoleSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The planned switchover, one protocol for an operator's Activate and for a domain change that
 * takes the active role from the active server. Asking this server: an {@code ActivateRequested}
 * event on the role thread, refused at once with every unmet precondition or answered when this
 * server is ACTIVE or the switchover was aborted. Asking another server: a message on the cluster
 * topic {@value #ADMIN_TOPIC}, answered when its heartbeats say it is ACTIVE and the old active is
 * no longer. Both wait through {@link RoleDriver#watch}: one future, completed on the role thread.
 */
final class Switchover {
  /** Carries requests between servers that the REC link does not: "activate SERVER USER". */
  static final String ADMIN_TOPIC = "hotstandby.admin";

  private final ServerParts parts;
  private final RoleDriver role;

  Switchover(ServerParts parts, RoleDriver role) {
    this.parts = parts;
    this.role = role;
  }

  /** Makes this server the active one; the future never completes exceptionally. */
  CompletableFuture<ActivateResult> activate(String user) {
    long timeout = parts.swapTimeoutMillis() + 1000;
    return role.submit(new RoleEvent.ActivateRequested(user))
        .thenCompose(
            o ->
                !o.unmet().isEmpty()
                    ? CompletableFuture.completedFuture(
                        new ActivateResult(false, "refused: " + String.join("; ", o.unmet())))
                    : role.watch(
                        this::activatedHere,
                        timeout,
                        new ActivateResult(false, "switchover did not complete in time")))
        .exceptionally(e -> new ActivateResult(false, "failed: " + cause(e).getMessage()));
  }

  private ActivateResult activatedHere(RoleSnapshot s) {
    if (s.state() == ServerState.ACTIVE) {
      return new ActivateResult(true, parts.self + " is now ACTIVE (term " + s.term() + ")");
    }
    if (s.takeoverRequest().isEmpty()) {
      return new ActivateResult(
          false, "switchover aborted: the active did not hand over; nothing changed");
    }
    return null;
  }

  /**
   * Asks {@code server} over the cluster to activate; answered once it is ACTIVE and {@code active}
   * (the active when asked) no longer is.
   */
  CompletableFuture<ActivateResult> activateRemotely(String server, String user, String active) {
    ClusterMember c = parts.cluster;
    if (c == null) {
      return CompletableFuture.completedFuture(
          new ActivateResult(false, "the cluster member of " + parts.self + " is not up yet"));
    }
    c.publish(ADMIN_TOPIC, ("activate\n" + server + "\n" + user).getBytes(StandardCharsets.UTF_8));
    return role.watch(
        s -> {
          PeerView p = parts.rec.peers().get(server);
          boolean isActive =
              p != null && p.last() != null && p.last().state() == ServerState.ACTIVE;
          boolean oldGone =
              active.equals(parts.self)
                  ? s.state() != ServerState.ACTIVE
                  : !activeServer(s).equals(active);
          return isActive && oldGone ? new ActivateResult(true, server + " is ACTIVE") : null;
        },
        parts.swapTimeoutMillis() + 3000,
        new ActivateResult(false, server + " did not become ACTIVE in time"));
  }

  /** A request from another server on {@value #ADMIN_TOPIC}. */
  void adminMessage(byte[] bytes) {
    String[] msg = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
    if (msg.length == 3 && msg[0].equals("activate") && msg[1].equals(parts.self)) {
      activate(msg[2])
          .thenAccept(
              r -> {
                if (!r.accepted()) {
                  parts.events.record(
                      Weight.WARNING, "domain", "activation for a domain change: " + r.message());
                }
              });
    }
  }

  /**
   * A change that takes the active role from the active server (maintenance, removed, neither main
   * nor backup) first hands it to the standby that keeps a role in the new version.
   *
   * @return "" when the change may go ahead, else why not
   */
  CompletableFuture<String> before(Domain next, String user) {
    String active = activeServer(role.snapshot());
    if (active.isEmpty() || keepsActiveRole(next, active)) {
      return CompletableFuture.completedFuture("");
    }
    String successor = partnerOf(active);
    String why = "";
    if (successor.isEmpty() || !standingByReady(successor)) {
      why = successor.isEmpty() ? "no partner" : successor + " is not a ready STANDBY";
    } else if (!keepsActiveRole(next, successor)) {
      why = successor + " would have no role either";
    }
    if (!why.isEmpty()) {
      return CompletableFuture.completedFuture(
          "domain version "
              + next.version()
              + " takes the active role from "
              + active
              + " and no standby can take over ("
              + why
              + ")");
    }
    parts.events.record(
        Weight.NOTICE,
        "domain",
        "domain version "
            + next.version()
            + " takes the active role from "
            + active
            + ": switching over to "
            + successor
            + " first");
    CompletableFuture<ActivateResult> r =
        successor.equals(parts.self) ? activate(user) : activateRemotely(successor, user, active);
    return r.thenApply(
        a -> a.accepted() ? "" : "the switchover to " + successor + " failed: " + a.message());
  }

  /**
   * Hands the active role of this server to its partner, a ready STANDBY (an operator's StopDomain
   * on the active).
   *
   * @return "" once the partner is ACTIVE, else why not (nothing changed then)
   */
  CompletableFuture<String> handOver(String user) {
    String successor = partnerOf(parts.self);
    if (successor.isEmpty()) {
      return CompletableFuture.completedFuture("it has no partner in the domain");
    }
    if (!standingByReady(successor)) {
      return CompletableFuture.completedFuture(successor + " is not a ready STANDBY");
    }
    return activateRemotely(successor, user, parts.self)
        .thenApply(
            a -> a.accepted() ? "" : "the switchover to " + successor + " failed: " + a.message());
  }

  /** The other of main and backup, or "" when {@code server} is neither. */
  private String partnerOf(String server) {
    Domain now = parts.domain;
    return now.roleOf(server) == DomainRole.MAIN
        ? now.hotStandby().backup()
        : now.roleOf(server) == DomainRole.BACKUP ? now.hotStandby().main() : "";
  }

  private static boolean keepsActiveRole(Domain next, String server) {
    return next.server(server).map(s -> !s.maintenance()).orElse(false)
        && (next.roleOf(server) == DomainRole.MAIN
            || (next.roleOf(server) == DomainRole.BACKUP && next.hotStandby().enabled()));
  }

  /** The server that is ACTIVE now as far as this one knows, or "". */
  String activeServer() {
    return activeServer(role.snapshot());
  }

  private String activeServer(RoleSnapshot s) {
    return s.state() == ServerState.ACTIVE ? parts.self : MirrorWiring.activePeerOf(parts.rec);
  }

  private boolean standingByReady(String server) {
    if (server.equals(parts.self)) {
      return role.snapshot().state() == ServerState.STANDBY && parts.ready();
    }
    PeerView p = parts.rec.peers().get(server);
    return p != null
        && p.liveness() == PeerView.Liveness.ALIVE
        && p.last() != null
        && p.last().state() == ServerState.STANDBY
        && p.last().runtimeReady();
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
