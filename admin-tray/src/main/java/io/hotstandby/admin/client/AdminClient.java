package io.hotstandby.admin.client;

import static io.hotstandby.admin.client.ClientCalls.await;
import static io.hotstandby.admin.client.ClientCalls.deadlineIn;
import static io.hotstandby.admin.client.ClientCalls.describe;
import static io.hotstandby.admin.client.ClientCalls.disconnectQuietly;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.hotstandby.opcua.OpcUaErrorText;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.RedundancySupport;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.CallRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

/**
 * An OPC UA client of one domain server for operators' tools ({@code domainctl}, the tray): reads
 * the standard redundancy information and the admin namespace {@value #ADMIN_NAMESPACE_URI}, calls
 * {@code Server/Activate}, administers the domain file ({@code Domain.Apply}, {@code
 * Domain.History}, {@code Domain.Show}, {@code Domain.Rollback}) and watches {@code ServiceLevel}.
 *
 * <p>With credentials it connects to an encrypted endpoint (SignAndEncrypt, the strongest policy
 * the server offers) with this workstation's application certificate ({@link ClientPki}) and logs
 * in; without, to the endpoint without security, anonymously, which a server offers only when its
 * domain allows anonymous reading. Every call waits at most the timeout given to {@link #connect}
 * (method calls at least {@link #MIN_CALL_TIMEOUT}, changes of the domain file at least {@link
 * #DOMAIN_CHANGE_TIMEOUT}) and reports a failure as an {@link AdminClientException} with a one-line
 * message.
 */
public final class AdminClient implements AutoCloseable {
  /** The admin namespace the domain server publishes. */
  public static final String ADMIN_NAMESPACE_URI = "urn:hotstandby:admin";

  /** The namespace of the application's tags and alarms. */
  public static final String APPLICATION_NAMESPACE_URI = "urn:hotstandby:application";

  /** A switchover takes seconds; the server bounds its answer at ~5 s. */
  public static final Duration MIN_CALL_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A change of the domain file may include a planned switchover; the server bounds its answer at
   * ~30 s.
   */
  public static final Duration DOMAIN_CHANGE_TIMEOUT = Duration.ofSeconds(45);

  // String NodeIds of the admin namespace, as the domain server defines them.
  private static final String STATUS_JSON = "Server.StatusJson";
  private static final String SERVER_OBJECT = "Server";
  private static final String ACTIVATE_METHOD = "Server.Activate";
  private static final String DOMAIN_APPLY = "Domain.Apply";
  private static final String DOMAIN_HISTORY = "Domain.History";
  private static final String DOMAIN_SHOW = "Domain.Show";
  private static final String DOMAIN_ROLLBACK = "Domain.Rollback";
  private static final String SERVER_HISTORY = "Server.History";

  private final OpcUaClient client;
  private final String endpointUrl;
  private final long timeoutMs;

  // A view of a session kept open by its owner (the domainctl agent): closing it does nothing.
  private final boolean kept;

  // Whether this process used the OPC UA stack's shared threads (see releaseSharedResources).
  private static volatile boolean stackUsed;

  private AdminClient(OpcUaClient client, String endpointUrl, long timeoutMs, boolean kept) {
    this.client = client;
    this.endpointUrl = endpointUrl;
    this.timeoutMs = timeoutMs;
    this.kept = kept;
  }

  /** This session, for a user whose {@link #close} must leave it open for the next one. */
  public AdminClient keptOpen() {
    return new AdminClient(client, endpointUrl, timeoutMs, true);
  }

  /**
   * Stops the OPC UA stack's shared threads at once, for a tool about to exit: a thread waiting in
   * the network poller holds the JVM's exit up by ~300 ms. No client may be used afterwards.
   */
  public static void releaseSharedResources() {
    if (stackUsed) {
      Stack.sharedEventLoop()
          .shutdownGracefully(0, 0, TimeUnit.MILLISECONDS)
          .awaitUninterruptibly(200, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Connects to the server at {@code endpointUrl} (e.g. {@code opc.tcp://host:4851/hotstandby}) and
   * opens a session.
   *
   * @param timeout the longest the whole connection, and later each read, may take
   * @throws AdminClientException naming the URL and the cause, e.g. "connection refused"
   */
  public static AdminClient connect(String endpointUrl, Duration timeout)
      throws AdminClientException {
    return connect(endpointUrl, timeout, null);
  }

  /**
   * A user of the domain and the password. The password travels over an encrypted channel set up
   * with the server's certificate, which must be the one this workstation saw the first time it
   * logged in to the server, or be confirmed now ({@link KnownServers}).
   */
  public record Credentials(String user, char[] password) {}

  /**
   * Connects as {@code credentials}' user (anonymously when null); see {@link #connect(String,
   * Duration)}. A wrong user name or password fails with "wrong user name or password".
   */
  public static AdminClient connect(String endpointUrl, Duration timeout, Credentials credentials)
      throws AdminClientException {
    Objects.requireNonNull(endpointUrl, "endpointUrl");
    long timeoutMs = Math.max(1, timeout.toMillis());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    stackUsed = true;
    OpcUaClient client = null;
    try {
      List<EndpointDescription> endpoints =
          await(
              DiscoveryClient.getEndpoints(endpointUrl, t -> t.setConnectTimeout(uint(timeoutMs))),
              deadline);
      EndpointDescription endpoint =
          ClientEndpoints.choose(endpoints, credentials != null, endpointUrl);
      ClientPki pki = null;
      if (credentials != null) {
        pki = ClientPki.load();
        KnownServers.check(
            endpointUrl,
            endpoint.getServer().getApplicationUri(),
            endpoint.getServerCertificate().bytesOrEmpty());
      }
      // The server announces its own idea of its host name, which may not resolve from here.
      endpoint =
          EndpointUtil.updateUrl(
              endpoint, EndpointUtil.getHost(endpointUrl), EndpointUtil.getPort(endpointUrl));
      var builder = OpcUaClientConfig.builder();
      if (pki != null) {
        builder
            .setKeyPair(pki.keyPair())
            .setCertificate(pki.certificate())
            .setCertificateChain(new java.security.cert.X509Certificate[] {pki.certificate()})
            .setCertificateValidator(
                ClientEndpoints.sameAs(endpoint.getServerCertificate().bytesOrEmpty()));
      }
      OpcUaClientConfig config =
          builder
              .setEndpoint(endpoint)
              .setApplicationName(LocalizedText.english("hotstandby admin client"))
              .setApplicationUri(ClientPki.APPLICATION_URI)
              .setRequestTimeout(uint(Math.max(timeoutMs, MIN_CALL_TIMEOUT.toMillis())))
              .setIdentityProvider(
                  credentials == null
                      ? new AnonymousProvider()
                      : new UsernameProvider(
                          credentials.user(), new String(credentials.password())))
              .build();
      client = OpcUaClient.create(config, t -> t.setConnectTimeout(uint(timeoutMs)));
      await(client.connectAsync(), deadline);
      return new AdminClient(client, endpointUrl, timeoutMs, false);
    } catch (AdminClientException e) {
      disconnectQuietly(client);
      throw e;
    } catch (Exception e) {
      // A client whose first connect failed keeps retrying in the background unless told off.
      disconnectQuietly(client);
      throw new AdminClientException(
          "cannot connect to " + endpointUrl + ": " + describe(e, timeoutMs), e);
    }
  }

  /**
   * Checks the certificate the server presented on connecting against the servers this workstation
   * trusts ({@link KnownServers}), confirming an unknown one with {@code confirm}; for a client
   * that did not log in (a login is checked by {@link #connect} already).
   *
   * @throws AdminClientException one line with the fingerprint when it is not trusted
   */
  public void checkServerCertificate(KnownServers.Confirmation confirm)
      throws AdminClientException {
    EndpointDescription endpoint = client.getConfig().getEndpoint();
    KnownServers.check(
        endpointUrl,
        endpoint.getServer().getApplicationUri(),
        endpoint.getServerCertificate().bytesOrEmpty(),
        confirm);
  }

  /** The URL this client was given. */
  public String endpointUrl() {
    return endpointUrl;
  }

  /** The server's whole status as one JSON document ({@code Server.StatusJson}). */
  public String statusJson() throws AdminClientException {
    return (String) read(adminNode(STATUS_JSON), "StatusJson");
  }

  /** The standard {@code Server/ServiceLevel}, 0..255. */
  public int serviceLevel() throws AdminClientException {
    return ((Number) read(NodeIds.Server_ServiceLevel, "ServiceLevel")).intValue();
  }

  /** The standard {@code RedundancySupport}, e.g. "Hot" or "None". */
  public String redundancySupport() throws AdminClientException {
    Object value = read(NodeIds.Server_ServerRedundancy_RedundancySupport, "RedundancySupport");
    int code = ((Number) value).intValue();
    RedundancySupport support = RedundancySupport.from(code);
    return support != null ? support.name() : String.valueOf(code);
  }

  /** The standard {@code ServerUriArray}: the application URIs of all servers of the domain. */
  public List<String> serverUriArray() throws AdminClientException {
    Object value = read(NodeIds.Server_ServerRedundancy_ServerUriArray, "ServerUriArray");
    return value == null ? List.of() : Arrays.asList((String[]) value);
  }

  /** Asks the server to become active; waits up to {@link #MIN_CALL_TIMEOUT} or the timeout. */
  public ActivateResult activate() throws AdminClientException {
    return answer(
        "Activate",
        adminNode(SERVER_OBJECT),
        adminNode(ACTIVATE_METHOD),
        "Activate needs the Operator role; log in with --user",
        "Accepted and Message");
  }

  /**
   * Acknowledges an alarm of the application ({@code Alarms.Acknowledge}) with a comment for the
   * audit log; needs the Operator role.
   *
   * @return whether the server took it, and its one-line answer ({@code acknowledged}, or why not)
   */
  public ActivateResult acknowledge(String alarm, String comment) throws AdminClientException {
    return answer(
        "acknowledging " + alarm,
        nodeIn(APPLICATION_NAMESPACE_URI, "Alarms"),
        nodeIn(APPLICATION_NAMESPACE_URI, "Alarms.Acknowledge"),
        "it needs the Operator role; log in with --user",
        "Ok and Status",
        new Variant(alarm),
        new Variant(comment == null ? "" : comment));
  }

  /** Calls a method that answers (Boolean, String); waits as {@link #activate}. */
  private ActivateResult answer(
      String what, NodeId object, NodeId method, String denied, String outputs, Variant... in)
      throws AdminClientException {
    var request = new CallMethodRequest(object, method, in);
    long waitMs = callTimeoutMs();
    CallMethodResult result;
    try {
      result = await(client.callAsync(List.of(request)), deadlineIn(waitMs)).getResults()[0];
    } catch (Exception e) {
      throw failure("cannot call " + method.getIdentifier() + " on", e, waitMs);
    }
    StatusCode status = result.getStatusCode();
    if (status.isBad()) {
      throw new AdminClientException(
          what
              + " on "
              + endpointUrl
              + " failed: "
              + (status.getValue() == StatusCodes.Bad_UserAccessDenied
                  ? denied
                  : OpcUaErrorText.status(status)));
    }
    Variant[] out = result.getOutputArguments();
    if (out == null
        || out.length < 2
        || !(out[0].value() instanceof Boolean accepted)
        || !(out[1].value() instanceof String message)) {
      throw new AdminClientException(
          method.getIdentifier() + " on " + endpointUrl + " answered without " + outputs);
    }
    return new ActivateResult(accepted, message);
  }

  /**
   * Sends {@code content} as the next version of the domain file ({@code Domain.Apply}); the server
   * validates it and, if good, makes it the version in force on every server. Waits up to {@link
   * #DOMAIN_CHANGE_TIMEOUT} or the timeout, whichever is longer.
   */
  public DomainChange applyDomain(byte[] content) throws AdminClientException {
    Objects.requireNonNull(content, "content");
    return domainChange(DOMAIN_APPLY, new Variant(ByteString.of(content.clone())));
  }

  /**
   * Makes the content of an earlier version the next version of the domain file ({@code
   * Domain.Rollback}). Waits as {@link #applyDomain}.
   *
   * @param version a version number, or a hash prefix of at least 6 hex digits
   */
  public DomainChange rollbackDomain(String version) throws AdminClientException {
    Objects.requireNonNull(version, "version");
    return domainChange(DOMAIN_ROLLBACK, new Variant(version));
  }

  /**
   * The history of the domain file ({@code Domain.History}), newest first, as a JSON array of
   * objects with {@code number}, {@code sha256}, {@code server}, {@code user}, {@code time}, {@code
   * source} and {@code status}.
   */
  public String domainHistoryJson() throws AdminClientException {
    return json(DOMAIN_HISTORY, callDomain(DOMAIN_HISTORY, callTimeoutMs()));
  }

  /**
   * The newest {@code max} entries (0: all kept) of the switchover history ({@code
   * Server.History}), oldest first, as a JSON array of objects as the server's {@code
   * Server.History} describes.
   */
  public String switchoverHistoryJson(int max) throws AdminClientException {
    return json(SERVER_HISTORY, callDomain(SERVER_HISTORY, callTimeoutMs(), new Variant(max)));
  }

  private String json(String method, Variant[] out) throws AdminClientException {
    if (out.length < 1 || !(out[0].value() instanceof String json)) {
      throw new AdminClientException(method + " on " + endpointUrl + " answered without Json");
    }
    return json;
  }

  /**
   * The content of one version of the domain file ({@code Domain.Show}), byte for byte; empty when
   * the server has no such version.
   *
   * @param version {@code ""} for the version in force, a number, or a hash prefix of at least 6
   *     hex digits
   */
  public Optional<byte[]> showDomain(String version) throws AdminClientException {
    Variant[] out =
        callDomain(DOMAIN_SHOW, callTimeoutMs(), new Variant(version == null ? "" : version));
    if (out.length < 2 || !(out[0].value() instanceof Boolean found)) {
      throw new AdminClientException(
          DOMAIN_SHOW + " on " + endpointUrl + " answered without Found and Content");
    }
    if (!found) {
      return Optional.empty();
    }
    return Optional.of(
        out[1].value() instanceof ByteString content ? content.bytesOrEmpty() : new byte[0]);
  }

  private DomainChange domainChange(String method, Variant input) throws AdminClientException {
    long waitMs = Math.max(timeoutMs, DOMAIN_CHANGE_TIMEOUT.toMillis());
    Variant[] out = callDomain(method, waitMs, input);
    if (out.length < 3
        || !(out[0].value() instanceof Boolean accepted)
        || !(out[1].value() instanceof String message)
        || !(out[2].value() instanceof Long version)) {
      throw new AdminClientException(
          method + " on " + endpointUrl + " answered without Accepted, Message and Version");
    }
    return new DomainChange(accepted, message, version);
  }

  /**
   * The operators' actions on this server ({@code Server.StopDomain}, {@code Server.Events}, ...).
   */
  public ServerActions actions() {
    return new ServerActions(this);
  }

  /** Calls a method of the admin namespace, e.g. {@code Domain.Apply}; returns its outputs. */
  Variant[] callDomain(String method, long waitMs, Variant... inputs) throws AdminClientException {
    String object = method.substring(0, method.indexOf('.'));
    var request = new CallMethodRequest(adminNode(object), adminNode(method), inputs);
    CallMethodResult result;
    try {
      // The request's own timeout, not the session's default: a change may take longer. A little
      // above the wait here, so running out reads "no answer within", as for every other call.
      CallResponse response =
          await(
              client
                  .getSessionAsync()
                  .thenCompose(
                      session ->
                          client.sendRequestAsync(
                              new CallRequest(
                                  client.newRequestHeader(
                                      session.getAuthenticationToken(), uint(waitMs + 1000)),
                                  new CallMethodRequest[] {request})))
                  .thenApply(CallResponse.class::cast),
              deadlineIn(waitMs));
      result = response.getResults()[0];
    } catch (Exception e) {
      throw failure("cannot call " + method + " on", e, waitMs);
    }
    StatusCode status = result.getStatusCode();
    if (status.isBad()) {
      long code = status.getValue() & 0xFFFF0000L;
      boolean missing =
          code == StatusCodes.Bad_NotSupported
              || code == StatusCodes.Bad_MethodInvalid
              || code == StatusCodes.Bad_NodeIdUnknown;
      throw new AdminClientException(
          method
              + " on "
              + endpointUrl
              + " failed: "
              + (missing
                  ? "domain administration is not available on this server"
                  : code == StatusCodes.Bad_UserAccessDenied
                      ? ServerActions.neededRole(method) + " (log in with --user)"
                      : OpcUaErrorText.status(status)));
    }
    Variant[] out = result.getOutputArguments();
    return out == null ? new Variant[0] : out;
  }

  long callTimeoutMs() {
    return Math.max(timeoutMs, MIN_CALL_TIMEOUT.toMillis());
  }

  /**
   * Watches {@code Server/ServiceLevel}: {@code listener} gets the current value, then every change
   * the server samples (sampling interval = publishing interval). Close the returned handle to
   * stop; closing the client stops it too.
   */
  public AutoCloseable subscribeServiceLevel(double publishingMs, IntConsumer listener)
      throws AdminClientException {
    return subscribe(
        NodeIds.Server_ServiceLevel,
        publishingMs,
        v -> {
          if (v.value().value() instanceof Number n) {
            listener.accept(n.intValue());
          }
        });
  }

  /**
   * Watches a tag of the application namespace as {@link #subscribeServiceLevel} watches the
   * ServiceLevel: {@code listener} gets the current value, then every change sampled.
   */
  public AutoCloseable subscribeTag(String path, double publishingMs, Consumer<TagReading> listener)
      throws AdminClientException {
    return subscribe(
        nodeIn(APPLICATION_NAMESPACE_URI, path), publishingMs, v -> listener.accept(reading(v)));
  }

  AutoCloseable subscribe(NodeId node, double publishingMs, Consumer<DataValue> listener)
      throws AdminClientException {
    try {
      return Subscriptions.watch(client, node, publishingMs, listener);
    } catch (Exception e) {
      throw failure("cannot subscribe to " + node.getIdentifier() + " on", e, timeoutMs);
    }
  }

  /** Closes the session and the connection; waits at most a second for the server's answer. */
  @Override
  public void close() {
    if (kept) {
      return;
    }
    try {
      client.disconnectAsync().get(Math.min(timeoutMs, 1000), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Nothing to do: the connection is going away either way.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Object read(NodeId nodeId, String name) throws AdminClientException {
    DataValue value = readValue(nodeId, name);
    if (value.statusCode() != null && value.statusCode().isBad()) {
      throw new AdminClientException(
          "cannot read "
              + name
              + " from "
              + endpointUrl
              + ": "
              + OpcUaErrorText.status(value.statusCode()));
    }
    return value.value().value();
  }

  private DataValue readValue(NodeId node, String name) throws AdminClientException {
    try {
      return await(
              client.readValuesAsync(0.0, TimestampsToReturn.Both, List.of(node)),
              deadlineIn(timeoutMs))
          .get(0);
    } catch (Exception e) {
      throw failure("cannot read " + name + " from", e, timeoutMs);
    }
  }

  /**
   * Reads a tag of the application namespace, e.g. {@code Tank1.Level}: its value and the name of
   * its status ("Good", "Bad_…", "Uncertain_…").
   */
  public TagReading readTag(String path) throws AdminClientException {
    return readNode(APPLICATION_NAMESPACE_URI, path);
  }

  /** Reads the value of the node with string id {@code id} in the namespace {@code uri}. */
  public TagReading readNode(String uri, String id) throws AdminClientException {
    return reading(readValue(nodeIn(uri, id), id));
  }

  private static TagReading reading(DataValue value) {
    StatusCode code = value.statusCode() == null ? StatusCode.GOOD : value.statusCode();
    return new TagReading(value.value().value(), OpcUaErrorText.status(code), code.isGood());
  }

  /**
   * Writes a tag of the application namespace and returns the server's status name: "Good" when the
   * write was accepted, else why not (a standby refuses every write).
   */
  public String writeTag(String path, Object value) throws AdminClientException {
    NodeId node = nodeIn(APPLICATION_NAMESPACE_URI, path);
    try {
      StatusCode code =
          await(
                  client.writeValuesAsync(
                      List.of(node), List.of(DataValue.valueOnly(new Variant(value)))),
                  deadlineIn(Math.max(timeoutMs, MIN_CALL_TIMEOUT.toMillis())))
              .get(0);
      if (code.getValue() == StatusCodes.Bad_UserAccessDenied) {
        return OpcUaErrorText.status(code)
            + ": writing a tag needs the Operator role; log in with --user";
      }
      return code.isGood() ? "Good" : OpcUaErrorText.status(code);
    } catch (Exception e) {
      throw failure("cannot write " + path + " to", e, timeoutMs);
    }
  }

  /**
   * A tag as read over OPC UA.
   *
   * @param value the value, or null
   * @param status the status code's name, e.g. "Good" or "Bad_NoCommunication"
   * @param good whether the status is Good
   */
  public record TagReading(Object value, String status, boolean good) {}

  NodeId adminNode(String id) throws AdminClientException {
    return nodeIn(ADMIN_NAMESPACE_URI, id);
  }

  private NodeId nodeIn(String uri, String id) throws AdminClientException {
    UShort index = client.getNamespaceTable().getIndex(uri);
    if (index == null) {
      try {
        // The session reads the table once at connect; a server may register it later.
        index = await(client.readNamespaceTableAsync(), deadlineIn(timeoutMs)).getIndex(uri);
      } catch (Exception e) {
        throw failure("cannot read the namespace table of", e, timeoutMs);
      }
    }
    if (index == null) {
      throw new AdminClientException(endpointUrl + " has no namespace " + uri);
    }
    return new NodeId(index, id);
  }

  private AdminClientException failure(String what, Exception e, long waitMs) {
    return new AdminClientException(what + " " + endpointUrl + ": " + describe(e, waitMs), e);
  }
}
