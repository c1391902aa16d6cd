package io.hotstandby.admin.client;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;

/**
 * Which of a server's endpoints {@link AdminClient} uses, and which server certificate it accepts
 * on the channel.
 */
final class ClientEndpoints {
  private ClientEndpoints() {}

  /**
   * Accepts only the server certificate {@link KnownServers} checked (the one the endpoint
   * announced), so the channel is encrypted for that certificate and no other.
   */
  static CertificateValidator sameAs(byte[] checked) {
    return (chain, applicationUri, hostnames) -> {
      try {
        if (chain.isEmpty() || !Arrays.equals(chain.get(0).getEncoded(), checked)) {
          throw new UaException(
              StatusCodes.Bad_CertificateInvalid,
              "the server's certificate is not the one it announced");
        }
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new UaException(StatusCodes.Bad_CertificateInvalid, e);
      }
    };
  }

  /** Encrypted policies, strongest first. */
  static final List<SecurityPolicy> SECURE_POLICIES =
      List.of(
          SecurityPolicy.Aes256_Sha256_RsaPss,
          SecurityPolicy.Aes128_Sha256_RsaOaep,
          SecurityPolicy.Basic256Sha256);

  /**
   * For a login, the SignAndEncrypt endpoint with a user-name token and the strongest policy; for
   * an anonymous session, the endpoint without security with the anonymous token.
   */
  static EndpointDescription choose(
      List<EndpointDescription> endpoints, boolean login, String endpointUrl)
      throws AdminClientException {
    if (login) {
      for (SecurityPolicy policy : SECURE_POLICIES) {
        for (EndpointDescription e : endpoints) {
          if (policy.getUri().equals(e.getSecurityPolicyUri())
              && e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt
              && offers(e, UserTokenType.UserName)) {
            return e;
          }
        }
      }
      throw new AdminClientException(
          "cannot connect to "
              + endpointUrl
              + ": the server offers no encrypted endpoint for user names");
    }
    return endpoints.stream()
        .filter(
            e ->
                SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())
                    && offers(e, UserTokenType.Anonymous))
        .findFirst()
        .orElseThrow(
            () ->
                new AdminClientException(
                    endpointUrl + " needs a login: give --user (and --password-file)"));
  }

  private static boolean offers(EndpointDescription e, UserTokenType type) {
    UserTokenPolicy[] policies = e.getUserIdentityTokens();
    return policies != null && Stream.of(policies).anyMatch(p -> p.getTokenType() == type);
  }
}
