package io.hotstandby.server.opcua;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.util.HostnameUtil;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;

/**
 * The endpoints a domain server offers and the logins it takes: SignAndEncrypt with the user-name
 * token for every policy of {@link #SECURE_POLICIES}, and only when the domain allows anonymous
 * reading also SecurityPolicy None with the anonymous token (and anonymous identities).
 */
final class EndpointSecurity {
  /** The policies of the encrypted endpoints, strongest first. */
  static final List<SecurityPolicy> SECURE_POLICIES =
      List.of(
          SecurityPolicy.Aes256_Sha256_RsaPss,
          SecurityPolicy.Aes128_Sha256_RsaOaep,
          SecurityPolicy.Basic256Sha256);

  private EndpointSecurity() {}

  /**
   * The endpoints, from {@code base} (address, path, certificate); with a virtual IP address
   * ({@code virtualHost} not empty) on every local address, offered at the server's own address and
   * at the virtual one: the virtual address is on the interface only while the server is ACTIVE,
   * and a socket cannot be bound to an address that is not there.
   */
  static Set<EndpointConfig> endpoints(
      EndpointConfig.Builder base, boolean anonymousRead, String virtualHost) {
    if (virtualHost.isEmpty()) {
      return endpoints(base, anonymousRead);
    }
    boolean ipv6 = virtualHost.contains(":");
    base.setBindAddress(ipv6 ? "::" : "0.0.0.0");
    var endpoints = new LinkedHashSet<EndpointConfig>(endpoints(base, anonymousRead));
    // The endpoint URL is made as scheme://host:port/path: an IPv6 address needs its brackets.
    String host = ipv6 ? "[" + virtualHost + "]" : virtualHost;
    endpoints.addAll(endpoints(base.copy().setHostname(host), anonymousRead));
    return endpoints;
  }

  /** The host the endpoints name: the bound address, or the host name for a wildcard. */
  static String advertisedHost(String bindHost) {
    boolean wildcard = bindHost.isEmpty() || bindHost.equals("0.0.0.0") || bindHost.equals("::");
    return wildcard ? HostnameUtil.getHostname() : bindHost;
  }

  /** The endpoints, from {@code base} (address, path, certificate). */
  static Set<EndpointConfig> endpoints(EndpointConfig.Builder base, boolean anonymousRead) {
    var endpoints = new LinkedHashSet<EndpointConfig>();
    for (SecurityPolicy policy : SECURE_POLICIES) {
      // The password is encrypted with the channel's own policy.
      endpoints.add(
          base.copy()
              .setSecurityPolicy(policy)
              .setSecurityMode(MessageSecurityMode.SignAndEncrypt)
              .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME)
              .build());
    }
    if (anonymousRead) {
      endpoints.add(
          base.copy()
              .setSecurityPolicy(SecurityPolicy.None)
              .setSecurityMode(MessageSecurityMode.None)
              .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS)
              .build());
    }
    return endpoints;
  }

  /** User names checked by {@code usernames}; anonymous identities too only if allowed. */
  static IdentityValidator identities(boolean anonymousRead, IdentityValidator usernames) {
    return anonymousRead
        ? new CompositeValidator(AnonymousIdentityValidator.INSTANCE, usernames)
        : usernames;
  }
}
