package io.hotstandby.server.probe;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.hotstandby.opcua.OpcUaErrorText;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

/**
 * The service probe as a client: a new connection every time, as a client that just arrived would
 * make. It asks the endpoint for its endpoints (GetEndpoints on a channel without security, which
 * every server answers to anyone); when the server offers anonymous reading it also opens an
 * anonymous session and reads {@code Server/ServiceLevel}. It never logs in: the probe has no
 * credentials and the servers accept no identity made for it.
 */
public final class OpcUaProbe implements ServiceProbe.Prober {

  /** The application URI the probe announces in its sessions (shown in the server's audit). */
  public static final String APPLICATION_URI = "urn:hotstandby:service-probe";

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
    Optional<EndpointDescription> open =
        endpoints.stream().filter(OpcUaProbe::anonymous).findFirst();
    return open.isEmpty() ? "" : readServiceLevel(url, open.get(), timeoutMillis, deadline);
  }

  private static String readServiceLevel(
      String url, EndpointDescription open, long timeoutMillis, long deadline) {
    OpcUaClient client = null;
    try {
      // The server announces its own idea of its address; the probe goes where clients go.
      EndpointDescription endpoint =
          EndpointUtil.updateUrl(open, EndpointUtil.getHost(url), EndpointUtil.getPort(url));
      OpcUaClientConfig config =
          OpcUaClientConfig.builder()
              .setEndpoint(endpoint)
              .setApplicationName(LocalizedText.english("hotstandby service probe"))
              .setApplicationUri(APPLICATION_URI)
              .setRequestTimeout(uint(timeoutMillis))
              .setIdentityProvider(new AnonymousProvider())
              .build();
      client = OpcUaClient.create(config, t -> t.setConnectTimeout(uint(timeoutMillis)));
      await(client.connectAsync(), deadline);
      DataValue v =
          await(
                  client.readValuesAsync(
                      0.0, TimestampsToReturn.Neither, List.of(NodeIds.Server_ServiceLevel)),
                  deadline)
              .get(0);
      if (v.statusCode() != null && v.statusCode().isBad()) {
        return "ServiceLevel: " + OpcUaErrorText.status(v.statusCode());
      }
      return "";
    } catch (Exception e) {
      return "read ServiceLevel: " + OpcUaErrorText.describe(e, timeoutMillis);
    } finally {
      if (client != null) {
        client.disconnectAsync(); // not waited for: a wedged server must not hold the probe
      }
    }
  }

  private static boolean anonymous(EndpointDescription e) {
    return SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())
        && e.getUserIdentityTokens() != null
        && Stream.of(e.getUserIdentityTokens())
            .anyMatch(p -> p.getTokenType() == UserTokenType.Anonymous);
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
