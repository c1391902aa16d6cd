package io.hotstandby.server.opcua;

import io.hotstandby.server.opcua.AccessPolicy.Action;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;

/**
 * The operators' methods on the admin namespace's {@code Server} object (input arguments → output
 * arguments):
 *
 * <ul>
 *   <li>{@code StopDomain(Force: Boolean) → (Accepted, Message)}: this server leaves its role and
 *       takes none until started again; an active hands over to its ready standby first, and
 *       without one is refused unless Force. Operator; with Force, Administrator.
 *   <li>{@code StartDomain() → (Accepted, Message)}: joins the domain again. Operator.
 *   <li>{@code SetMaintenance(Server: String, On: Boolean) → (Accepted, Message)}: sets or clears
 *       maintenance of a server ("" for this one) through a change of the domain file, with the
 *       planned switchover first when it is the active. Operator.
 *   <li>{@code Events(SinceMillis: Int64, AfterSeq: Int64, Max: Int32, UnackedOnly: Boolean) →
 *       (Json: String)}: this server's newest events, oldest first. Viewer.
 *   <li>{@code AcknowledgeEvents(Ids: String[]) → (Accepted, Message)}: acknowledges WARNING and
 *       ERROR events of this server by id, {@code "*"} for all. Operator.
 *   <li>{@code Audit(SinceMillis: Int64, Max: Int32) → (Json: String)}: the newest entries of this
 *       server's audit log. Administrator.
 * </ul>
 *
 * <p>Changes answer a refusal as Accepted=false with the reason, queries with Bad_UserAccessDenied;
 * every call is in the audit log with its outcome.
 */
final class ServerMethods {
  private static final Argument FORCE =
      arg("Force", NodeIds.Boolean, "Stop even when no standby can take the active role over.");
  private static final Argument SERVER =
      arg("Server", NodeIds.String, "The server to set or clear; \"\" for this one.");
  private static final Argument ON = arg("On", NodeIds.Boolean, "True: maintenance; false: clear.");
  private static final Argument SINCE =
      arg("SinceMillis", NodeIds.Int64, "Only entries at or after this time (ms since 1970).");
  private static final Argument AFTER_SEQ =
      arg("AfterSeq", NodeIds.Int64, "Only events with a higher sequence number; 0 for all.");
  private static final Argument MAX =
      arg("Max", NodeIds.Int32, "How many of the newest entries at most; 0 for all kept.");
  private static final Argument UNACKED =
      arg("UnackedOnly", NodeIds.Boolean, "Only WARNING and ERROR events not yet acknowledged.");
  private static final Argument IDS =
      new Argument(
          "Ids",
          NodeIds.String,
          ValueRanks.OneDimension,
          null,
          LocalizedText.english("Event ids as listed (server:seq); \"*\" for all."));
  private static final Argument JSON = arg("Json", NodeIds.String, "A JSON array, oldest first.");

  private final AdminNamespace namespace;
  private final DomainAdminCalls admin;
  private final AccessPolicy access;

  ServerMethods(AdminNamespace namespace, DomainAdminCalls admin, AccessPolicy access) {
    this.namespace = namespace;
    this.admin = admin;
    this.access = access;
  }

  void addTo(UaObjectNode server) {
    Argument[] answer = {AdminNamespace.ACCEPTED, AdminNamespace.MESSAGE};
    namespace.addMethod(
        server,
        "Server.StopDomain",
        "StopDomain",
        "Take this server out of the domain's roles until StartDomain; the process keeps running.",
        new Argument[] {FORCE},
        answer,
        (session, in) -> {
          boolean force = Boolean.TRUE.equals(in[0].value());
          return change(
              session,
              force ? Action.STOP_DOMAIN_FORCED : Action.STOP_DOMAIN,
              "Server.StopDomain",
              force,
              user -> admin.stopDomain(force, user));
        });
    namespace.addMethod(
        server,
        "Server.StartDomain",
        "StartDomain",
        "Let this server take part in the domain's roles again.",
        new Argument[0],
        answer,
        (session, in) ->
            change(session, Action.START_DOMAIN, "Server.StartDomain", null, admin::startDomain));
    namespace.addMethod(
        server,
        "Server.SetMaintenance",
        "SetMaintenance",
        "Set or clear maintenance of a server through a change of the domain file.",
        new Argument[] {SERVER, ON},
        answer,
        (session, in) -> {
          String name = in[0].value() instanceof String s ? s.trim() : "";
          boolean on = Boolean.TRUE.equals(in[1].value());
          return change(
              session,
              Action.SET_MAINTENANCE,
              "Server.SetMaintenance",
              (name.isEmpty() ? "this server" : name) + (on ? " on" : " off"),
              user -> admin.setMaintenance(name, on, user));
        });
    namespace.addMethod(
        server,
        "Server.Events",
        "Events",
        "The newest events of this server, oldest first.",
        new Argument[] {SINCE, AFTER_SEQ, MAX, UNACKED},
        new Argument[] {JSON},
        (session, in) -> {
          permit(session, Action.EVENTS, "Server.Events");
          return admin
              .eventsJson(
                  longOf(in[0]), longOf(in[1]), intOf(in[2]), Boolean.TRUE.equals(in[3].value()))
              .thenApply(j -> new Variant[] {new Variant(j)});
        });
    namespace.addMethod(
        server,
        "Server.AcknowledgeEvents",
        "AcknowledgeEvents",
        "Acknowledge WARNING and ERROR events of this server.",
        new Argument[] {IDS},
        answer,
        (session, in) -> {
          List<String> ids =
              in[0].value() instanceof String[] a
                  ? Arrays.stream(a).filter(id -> id != null && !id.isBlank()).toList()
                  : List.of();
          return change(
              session,
              Action.ACKNOWLEDGE_EVENTS,
              "Server.AcknowledgeEvents",
              String.join(" ", ids),
              user -> admin.acknowledgeEvents(ids, user));
        });
    namespace.addMethod(
        server,
        "Server.Audit",
        "Audit",
        "The newest entries of this server's audit log, oldest first.",
        new Argument[] {SINCE, MAX},
        new Argument[] {JSON},
        (session, in) -> {
          SessionUser user = permit(session, Action.AUDIT, "Server.Audit");
          return admin
              .auditJson(longOf(in[0]), intOf(in[1]))
              .thenApply(
                  j -> {
                    access.audit(user, Action.AUDIT, "Server.Audit", null, "read");
                    return new Variant[] {new Variant(j)};
                  });
        });
  }

  /** An allowed change for the session's user, audited with its outcome; else Accepted=false. */
  private CompletableFuture<Variant[]> change(
      Optional<Session> session,
      Action action,
      String target,
      Object value,
      Function<SessionUser, CompletableFuture<DomainAdminResult>> call) {
    AccessPolicy.Decision d = access.decide(session, action, target, value);
    if (!d.allowed()) {
      return CompletableFuture.completedFuture(answer(false, d.refusal()));
    }
    return call.apply(d.user())
        .whenComplete(
            (r, e) ->
                access.audit(
                    d.user(),
                    action,
                    target,
                    value,
                    e != null
                        ? "failed: " + BoundedQueue.unwrap(e).getMessage()
                        : (r.accepted() ? "" : "not accepted: ") + r.message()))
        .thenApply(r -> answer(r.accepted(), r.message()));
  }

  private SessionUser permit(Optional<Session> session, Action action, String target)
      throws UaException {
    AccessPolicy.Decision d = access.decide(session, action, target, null);
    if (!d.allowed()) {
      throw new UaException(StatusCodes.Bad_UserAccessDenied, d.refusal());
    }
    return d.user();
  }

  private static Variant[] answer(boolean accepted, String message) {
    return new Variant[] {new Variant(accepted), new Variant(message)};
  }

  private static long longOf(Variant v) {
    return v.value() instanceof Long l ? l : 0;
  }

  private static int intOf(Variant v) {
    return v.value() instanceof Integer i ? i : 0;
  }

  private static Argument arg(String name, NodeId type, String description) {
    return new Argument(name, type, ValueRanks.Scalar, null, LocalizedText.english(description));
  }
}
