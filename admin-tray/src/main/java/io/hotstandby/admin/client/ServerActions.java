package io.hotstandby.admin.client;

import java.util.List;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * The operators' actions on one server of the admin namespace: stopping and starting the domain on
 * it, maintenance, its event and audit logs. Obtained from {@link AdminClient#actions()}; each call
 * waits as the client's other calls do, a change of the domain file (maintenance) up to {@link
 * AdminClient#DOMAIN_CHANGE_TIMEOUT}.
 */
public final class ServerActions {
  private final AdminClient client;

  ServerActions(AdminClient client) {
    this.client = client;
  }

  /** What a refusal by Bad_UserAccessDenied of {@code method} says the user lacks. */
  static String neededRole(String method) {
    return switch (method) {
      case "Domain.History", "Server.History", "Server.Events" -> "it needs a login";
      default -> "it needs the Administrator role";
    };
  }

  /**
   * {@code Server.StopDomain}: the server leaves the domain's roles (an active hands over first).
   *
   * @param force stop an active even when no standby can take over (needs the Administrator role)
   */
  public ActivateResult stopDomain(boolean force) throws AdminClientException {
    return answer("Server.StopDomain", longWait(), new Variant(force));
  }

  /** {@code Server.StartDomain}: the server takes part in the domain's roles again. */
  public ActivateResult startDomain() throws AdminClientException {
    return answer("Server.StartDomain", client.callTimeoutMs());
  }

  /**
   * {@code Server.SetMaintenance}: sets or clears maintenance of {@code server} through a change of
   * the domain file, with a planned switchover first when it is the active.
   */
  public ActivateResult setMaintenance(String server, boolean on) throws AdminClientException {
    return answer("Server.SetMaintenance", longWait(), new Variant(server), new Variant(on));
  }

  /**
   * {@code Server.Events}: the server's newest events as a JSON array, oldest first; each has
   * {@code id}, {@code seq}, {@code time}, {@code epochMillis}, {@code weight}, {@code server},
   * {@code component}, {@code message}, and for WARNING and ERROR {@code acked} (with {@code
   * ackedBy} and {@code ackedAt} once acknowledged).
   */
  public String eventsJson(long sinceMillis, long afterSeq, int max, boolean unackedOnly)
      throws AdminClientException {
    return json(
        "Server.Events",
        new Variant(sinceMillis),
        new Variant(afterSeq),
        new Variant(max),
        new Variant(unackedOnly));
  }

  /** {@code Server.AcknowledgeEvents}: the ids of events of this server, or {@code "*"}. */
  public ActivateResult acknowledgeEvents(List<String> ids) throws AdminClientException {
    return answer(
        "Server.AcknowledgeEvents",
        client.callTimeoutMs(),
        new Variant(ids.toArray(new String[0])));
  }

  /** {@code Server.Audit}: the newest entries of the server's audit log, oldest first. */
  public String auditJson(long sinceMillis, int max) throws AdminClientException {
    return json("Server.Audit", new Variant(sinceMillis), new Variant(max));
  }

  /**
   * Watches the server's whole status ({@code Server.StatusJson}): {@code listener} gets the
   * current document, then every change sampled at the publishing interval. Close the handle to
   * stop; closing the client stops it too.
   */
  public AutoCloseable watchStatus(double publishingMs, Consumer<String> listener)
      throws AdminClientException {
    return client.subscribe(
        client.adminNode("Server.StatusJson"),
        publishingMs,
        v -> {
          if (v.value().value() instanceof String json) {
            listener.accept(json);
          }
        });
  }

  private long longWait() {
    return Math.max(client.callTimeoutMs(), AdminClient.DOMAIN_CHANGE_TIMEOUT.toMillis());
  }

  private ActivateResult answer(String method, long waitMs, Variant... in)
      throws AdminClientException {
    Variant[] out = client.callDomain(method, waitMs, in);
    if (out.length < 2
        || !(out[0].value() instanceof Boolean accepted)
        || !(out[1].value() instanceof String message)) {
      throw new AdminClientException(
          method + " on " + client.endpointUrl() + " answered without Accepted and Message");
    }
    return new ActivateResult(accepted, message);
  }

  private String json(String method, Variant... in) throws AdminClientException {
    Variant[] out = client.callDomain(method, client.callTimeoutMs(), in);
    if (out.length < 1 || !(out[0].value() instanceof String json)) {
      throw new AdminClientException(
          method + " on " + client.endpointUrl() + " answered without Json");
    }
    return json;
  }
}
