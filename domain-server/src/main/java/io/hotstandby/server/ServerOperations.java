package io.hotstandby.server;

import io.hotstandby.domain.sync.DomainFileEdit;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.ServerState;
import io.hotstandby.server.events.EventLog;
import io.hotstandby.server.opcua.DomainAdmin;
import io.hotstandby.server.opcua.DomainAdminResult;
import io.hotstandby.server.opcua.SessionUser;
import io.hotstandby.server.role.RoleEvent;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Everything the admin namespace asks of this server: the domain file's administration ({@link
 * DomainChanges}) and the operators' routine actions on the server itself: StopDomain and
 * StartDomain (the server leaves the domain's roles without stopping the process, and comes back),
 * SetMaintenance (through a change of the domain file), and the event and audit logs. The caller
 * has checked the user's role; the outcome is in the event log here and in the audit log by the
 * caller. No answer completes exceptionally.
 */
final class ServerOperations implements DomainAdmin {
  private final ServerParts parts;
  private final RoleDriver role;
  private final Switchover switchover;
  private final DomainChanges changes;

  ServerOperations(
      ServerParts parts, RoleDriver role, Switchover switchover, DomainChanges changes) {
    this.parts = parts;
    this.role = role;
    this.switchover = switchover;
    this.changes = changes;
  }

  // ---- the domain file --------------------------------------------------------------------------

  @Override
  public CompletableFuture<DomainAdminResult> apply(byte[] content, SessionUser user) {
    return changes.apply(content, user);
  }

  @Override
  public String historyJson() {
    return changes.historyJson();
  }

  @Override
  public Optional<byte[]> show(String version) {
    return changes.show(version);
  }

  @Override
  public CompletableFuture<DomainAdminResult> rollback(String version, SessionUser user) {
    return changes.rollback(version, user);
  }

  @Override
  public String switchoverHistoryJson(int max) {
    return changes.switchoverHistoryJson(max);
  }

  // ---- StopDomain, StartDomain, SetMaintenance --------------------------------------------------

  @Override
  public CompletableFuture<DomainAdminResult> stopDomain(boolean force, SessionUser user) {
    if (parts.stopMark.stopped()) {
      return done(true, "the domain is already stopped on " + parts.self);
    }
    if (role.snapshot().state() != ServerState.ACTIVE) {
      // Not forced: should it have become ACTIVE meanwhile, the role machine refuses the stop.
      return stop(user, false, "");
    }
    // The hand-over is answered on the role thread; the stop waits for it there, so not on it.
    return switchover
        .handOver(user.name())
        .thenComposeAsync(
            why -> {
              if (why.isEmpty()) {
                return stop(user, false, "; " + switchover.activeServer() + " took over first");
              }
              if (!force) {
                return done(
                    false,
                    "refused: "
                        + parts.self
                        + " is ACTIVE and cannot hand over ("
                        + why
                        + "); stopping it would stop the application. Nothing changed. To stop"
                        + " it anyway: domainctl domain stop "
                        + parts.self
                        + " --force");
              }
              return stop(
                  user, true, "; forced: " + why + ", so no server runs the application now");
            })
        .exceptionally(e -> result(false, "stopping the domain failed: " + e));
  }

  /**
   * Records the stop, then asks the role machine; a refusal there (the server runs the application
   * and the stop is not forced) or a failure takes the record back, so nothing changed.
   */
  private CompletableFuture<DomainAdminResult> stop(SessionUser user, boolean force, String note) {
    boolean marked = !parts.stopMark.stopped();
    if (marked) {
      try {
        parts.stopMark.stop(user.name());
      } catch (IOException e) {
        return done(
            false,
            "cannot record the stop in "
                + parts.stopMark.file()
                + ": "
                + e.getMessage()
                + "; nothing changed"
                + note);
      }
    }
    return role.submit(new RoleEvent.DomainStopRequested(user.name(), force))
        .handle(
            (o, e) -> {
              if (e != null || !o.unmet().isEmpty()) {
                String why =
                    e != null ? "stopping the domain failed: " + e : String.join("; ", o.unmet());
                return result(false, unmark(marked, why));
              }
              String msg = "domain stopped on " + parts.self + " by " + user.name() + note;
              parts.events.record(force ? Weight.WARNING : Weight.NOTICE, "domain", msg);
              return result(true, msg);
            });
  }

  /**
   * Takes back a stop recorded for a request that did not happen; {@code why} and what came of it.
   */
  private String unmark(boolean marked, String why) {
    if (!marked) {
      return why;
    }
    try {
      parts.stopMark.start();
      return why;
    } catch (IOException x) {
      return why
          + "; and "
          + parts.stopMark.file()
          + " could not be removed ("
          + x.getMessage()
          + "): remove it before the next start";
    }
  }

  @Override
  public CompletableFuture<DomainAdminResult> startDomain(SessionUser user) {
    if (!parts.stopMark.stopped()) {
      return done(
          true, "the domain is running on " + parts.self + " (" + role.snapshot().state() + ")");
    }
    try {
      parts.stopMark.start();
    } catch (IOException e) {
      return done(
          false,
          "cannot remove " + parts.stopMark.file() + ": " + e.getMessage() + "; still stopped");
    }
    return role.submit(new RoleEvent.DomainStartRequested(user.name()))
        .thenApply(
            o -> {
              String msg =
                  "domain started on "
                      + parts.self
                      + " by "
                      + user.name()
                      + ": "
                      + role.snapshot().state();
              parts.events.record(Weight.NOTICE, "domain", msg);
              return result(true, msg);
            })
        .exceptionally(e -> result(false, "starting the domain failed: " + e));
  }

  @Override
  public CompletableFuture<DomainAdminResult> setMaintenance(
      String server, boolean on, SessionUser user) {
    String name = server == null || server.isBlank() ? parts.self : server.trim();
    byte[] content = parts.store.current().content();
    byte[] edited;
    try {
      edited = DomainFileEdit.setMaintenance(content, name, on);
    } catch (IllegalArgumentException e) {
      return done(false, "refused: " + e.getMessage());
    }
    if (Arrays.equals(content, edited)) {
      return done(true, name + " is " + (on ? "already" : "not") + " in maintenance; no change");
    }
    // Edited again when its turn comes: a change queued before it is kept, not undone.
    return changes.change(
        current -> DomainFileEdit.setMaintenance(current, name, on),
        user,
        "maintenance " + (on ? "on" : "off") + " " + name,
        false);
  }

  // ---- events and audit -------------------------------------------------------------------------

  @Override
  public String eventsJson(long sinceMillis, long afterSeq, int max, boolean unackedOnly) {
    return parts.events.json(sinceMillis, afterSeq, max, unackedOnly);
  }

  @Override
  public DomainAdminResult acknowledgeEvents(List<String> ids, SessionUser user) {
    if (ids.isEmpty()) {
      return result(false, "no event ids given (\"*\" acknowledges all)");
    }
    EventLog.Acknowledged a = parts.events.acknowledge(ids, user.name());
    String msg =
        a.acknowledged().size()
            + (a.acknowledged().size() == 1 ? " event" : " events")
            + " acknowledged on "
            + parts.self
            + (a.unknown().isEmpty()
                ? ""
                : "; not events of " + parts.self + ": " + String.join(", ", a.unknown()));
    return result(a.unknown().isEmpty(), msg);
  }

  @Override
  public String auditJson(long sinceMillis, int max) {
    return parts.audit.json(sinceMillis, max);
  }

  private DomainAdminResult result(boolean accepted, String message) {
    return new DomainAdminResult(accepted, message, parts.store.current().number());
  }

  private CompletableFuture<DomainAdminResult> done(boolean accepted, String message) {
    return CompletableFuture.completedFuture(result(accepted, message));
  }
}
