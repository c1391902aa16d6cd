package io.hotstandby.server.probe;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.hotstandby.opcua.OpcUaErrorText;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service probe as a client. Each probe asks the endpoint for its endpoints on a new connection
 * (GetEndpoints on a channel without security, which every server answers to anyone), as a client
 * that just arrived would, then reads {@code Server/ServiceLevel} in a session the probe keeps open
 * between probes: an anonymous session where the server offers anonymous reading, else one of
 * {@link ProbeLogin} over the strongest encrypted endpoint, with a client certificate made in
 * memory. Opening that session costs RSA work on both sides, so it is done once and again only
 * after a read failed for another reason than a late answer (a closed channel, a session the server
 * no longer knows), with up to {@link #OPEN_MILLIS} for it; a read has the probe's own timeout. The
 * server's certificate is not checked: the one-time password is bound to it, and the probe only
 * reads. The probing thread only.
 */
public final class OpcUaProbe implements ServiceProbe.Prober, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpcUaProbe.class);

  /** The application URI the probe announces in its sessions (shown in the server's audit). */
  public static final String APPLICATION_URI = "urn:hotstandby:service-probe";

  /** How long the server keeps a session of the probe that is not closed. */
  static final long SESSION_TIMEOUT_MILLIS = 30_000;

  /** How long opening the session may take at most (an RSA handshake on a loaded machine). */
  static final long OPEN_MILLIS = 5000;

  /** The password is bound to the certificate the probe sees; nothing else rests on it. */
  private static final CertificateValidator ANY_SERVER = (chain, uri, hosts) -> {};

  private final Supplier<byte[]> key;

  /** Reads in one login session before the next probe opens a new one. */
  static final int REOPEN_EVERY = 10;

  /** {@link #open}'s answer when the server refused the login: it answered, so it serves. */
  private static final String ANSWERED = new String("answered");

  private KeyPair keyPair;
  private X509Certificate certificate;
  // Written by the probing thread; volatile for close() once that thread is gone.
  private volatile OpcUaClient client;
  private volatile String clientUrl = "";
  private int readsLeft;
  private String refused = "";

  /**
   * @param key the probe key in force ({@link ProbeLogin#key}); read at each login
   */
  public OpcUaProbe(Supplier<byte[]> key) {
    this.key = key;
  }

  @Override
  public String check(String url, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    List<EndpointDescription> endpoints;
    try {
      endpoints =
          await(
              DiscoveryClient.getEndpoints(url, t -> t.setConnectTimeout(uint(timeoutMillis))),
              deadline);
    } catch (Exception e) {
      return "GetEndpoints: " + OpcUaErrorText.describe(e, timeoutMillis);
    }
    if (endpoints == null || endpoints.isEmpty()) {
      return "GetEndpoints: no endpoints";
    }
    if (!url.equals(clientUrl)) {
      close();
    }
    OpcUaClient c = client;
    if (c == null) {
      boolean anonymous = endpoints.stream().anyMatch(e -> offers(e, UserTokenType.Anonymous));
      String error =
          open(url, endpoints, anonymous ? timeoutMillis : Math.max(timeoutMillis, OPEN_MILLIS));
      if (error == ANSWERED) {
        return "";
      }
      if (!error.isEmpty()) {
        return error;
      }
      // An anonymous session costs little: a new one every probe, as a client arriving makes.
      readsLeft = anonymous ? 1 : REOPEN_EVERY;
      c = client;
      deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }
    try {
      DataValue v =
          await(
                  c.readValuesAsync(
                      0.0, TimestampsToReturn.Neither, List.of(NodeIds.Server_ServiceLevel)),
                  deadline)
              .get(0);
      if (v.statusCode() != null && v.statusCode().isBad()) {
        close();
        return "ServiceLevel: " + OpcUaErrorText.status(v.statusCode());
      }
      if (--readsLeft <= 0) {
        close(); // the next probe opens a session again, so a server that opens none is found
      }
      return "";
    } catch (Exception e) {
      // Late or failed: a session whose channel stalled may never answer again. Opened anew at
      // the next probe, with the longer time allowed for that.
      close();
      return "read ServiceLevel: " + OpcUaErrorText.describe(e, timeoutMillis);
    }
  }

  /** Opens the session on {@code url}; "" when done, else why not. */
  private String open(String url, List<EndpointDescription> endpoints, long timeoutMillis) {
    Optional<EndpointDescription> open =
        endpoints.stream().filter(e -> offers(e, UserTokenType.Anonymous)).findFirst();
    // The server lists its strongest policy first.
    Optional<EndpointDescription> secure =
        endpoints.stream()
            .filter(e -> e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt)
            .filter(e -> offers(e, UserTokenType.UserName))
            .findFirst();
    if (open.isEmpty() && secure.isEmpty()) {
      return "GetEndpoints: neither an anonymous nor an encrypted user-name endpoint";
    }
    OpcUaClient made = null;
    try {
      // The server announces its own idea of its address; the probe goes where clients go.
      EndpointDescription offered = open.orElseGet(secure::get);
      EndpointDescription endpoint =
          EndpointUtil.updateUrl(offered, EndpointUtil.getHost(url), EndpointUtil.getPort(url));
      var config =
          OpcUaClientConfig.builder()
              .setEndpoint(endpoint)
              .setApplicationName(LocalizedText.english("hotstandby service probe"))
              .setApplicationUri(APPLICATION_URI)
              .setRequestTimeout(uint(timeoutMillis))
              // A session whose close did not reach the server is dropped there soon.
              .setSessionTimeout(uint(SESSION_TIMEOUT_MILLIS))
              .setIdentityProvider(open.isPresent() ? new AnonymousProvider() : login());
      if (open.isEmpty()) {
        makeCertificate();
        config
            .setKeyPair(keyPair)
            .setCertificate(certificate)
            .setCertificateChain(new X509Certificate[] {certificate})
            .setCertificateValidator(ANY_SERVER);
      }
      made = OpcUaClient.create(config.build(), t -> t.setConnectTimeout(uint(timeoutMillis)));
      await(made.connectAsync(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
      client = made;
      clientUrl = url;
      refused = "";
      return "";
    } catch (Exception e) {
      if (made != null) {
        made.disconnectAsync(); // not waited for: a wedged server must not hold the probe
      }
      String why = "open a session: " + OpcUaErrorText.describe(e, timeoutMillis);
      if (loginRefused(e)) {
        // The server answered, so it serves; its refusal (a secret rotation not yet complete on
        // both servers, a domain file that differs) is no failure of the service.
        if (!why.equals(refused)) {
          log.warn(
              "{} refused the service probe's login ({}); its answer counts as alive", url, why);
          refused = why;
        }
        return ANSWERED;
      }
      return why;
    }
  }

  private static boolean loginRefused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UaException u) {
        long code = u.getStatusCode().value();
        return code == StatusCodes.Bad_UserAccessDenied
            || code == StatusCodes.Bad_IdentityTokenRejected
            || code == StatusCodes.Bad_IdentityTokenInvalid;
      }
    }
    return false;
  }

  /** Logs in as {@link ProbeLogin#USER} with the password for the session's nonce. */
  private IdentityProvider login() {
    return (endpoint, nonce) ->
        new UsernameProvider(
                ProbeLogin.USER,
                ProbeLogin.password(
                    key.get(),
                    nonce.bytesOrEmpty(),
                    endpoint.getServerCertificate().bytesOrEmpty()),
                ANY_SERVER)
            .getIdentityToken(endpoint, nonce);
  }

  /** The probe's client certificate, made once, in memory. */
  private void makeCertificate() throws Exception {
    // Made again a day before it runs out (a self-signed certificate is valid for three years).
    if (certificate != null
        && certificate.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(1)))) {
      return;
    }
    KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    certificate =
        new SelfSignedCertificateBuilder(pair)
            .setCommonName("hotstandby service probe")
            .setOrganization("hotstandby")
            .setApplicationUri(APPLICATION_URI)
            .addDnsName("localhost")
            .build();
    keyPair = pair;
    log.debug("made the service probe's client certificate");
  }

  /** Whether a session is kept open for the next probe (for tests and diagnostics). */
  public boolean sessionOpen() {
    return client != null;
  }

  /** Why the last login was refused, "" when the last one succeeded or none was tried. */
  public String lastRefusal() {
    return refused;
  }

  @Override
  public void idle() {
    close();
  }

  /** Closes the kept session, without waiting; the probing thread, or once it stopped. */
  @Override
  public void close() {
    OpcUaClient c = client;
    client = null;
    clientUrl = "";
    if (c != null) {
      c.disconnectAsync();
    }
  }

  private static boolean offers(EndpointDescription e, UserTokenType type) {
    boolean none = SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri());
    return (type == UserTokenType.Anonymous) == none
        && e.getUserIdentityTokens() != null
        && Stream.of(e.getUserIdentityTokens()).anyMatch(p -> p.getTokenType() == type);
  }

  private static <T> T await(Future<T> f, long deadlineNanos) throws Exception {
    try {
      return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw e;
    } finally {
      f.cancel(false);
    }
  }
}
