package io.hotstandby.runtime.driver.opcua;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;

/** Which endpoint of a PLC's OPC UA server the driver uses, and the security mode it asks for. */
final class PlcEndpoints {
  private PlcEndpoints() {}

  /** A connect attempt that cannot succeed as configured; the message is the whole detail. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The endpoint to use: the configured security mode with a policy this client knows (the highest
   * security level first), accepting anonymous or user-name tokens as configured.
   */
  static EndpointDescription selectEndpoint(
      List<EndpointDescription> endpoints, MessageSecurityMode mode, boolean userName)
      throws Refused {
    UserTokenType token = userName ? UserTokenType.UserName : UserTokenType.Anonymous;
    List<EndpointDescription> withMode =
        endpoints.stream()
            .filter(e -> e.getSecurityMode() == mode)
            .filter(e -> knownPolicy(e.getSecurityPolicyUri(), mode))
            .sorted(
                Comparator.comparingInt(
                        (EndpointDescription e) ->
                            e.getSecurityLevel() == null ? 0 : e.getSecurityLevel().intValue())
                    .reversed())
            .toList();
    if (withMode.isEmpty()) {
      String offered =
          endpoints.stream()
              .map(e -> String.valueOf(e.getSecurityMode()))
              .collect(Collectors.toCollection(LinkedHashSet::new))
              .stream()
              .collect(Collectors.joining(", "));
      throw new Refused(
          endpointUrlOf(endpoints)
              + " offers no endpoint with security mode "
              + mode
              + (offered.isEmpty() ? "" : " (it offers " + offered + ")"));
    }
    return withMode.stream()
        .filter(e -> acceptsToken(e, token))
        .findFirst()
        .orElseThrow(
            () ->
                new Refused(
                    endpointUrlOf(endpoints)
                        + " accepts no "
                        + (userName ? "user name" : "anonymous")
                        + " login on its "
                        + mode
                        + " endpoints"));
  }

  private static String endpointUrlOf(List<EndpointDescription> endpoints) {
    return endpoints.isEmpty() ? "the server" : endpoints.get(0).getEndpointUrl();
  }

  private static boolean knownPolicy(String uri, MessageSecurityMode mode) {
    Optional<SecurityPolicy> policy = SecurityPolicy.fromUriSafe(uri);
    if (policy.isEmpty()) {
      return false;
    }
    return (mode == MessageSecurityMode.None) == (policy.get() == SecurityPolicy.None);
  }

  private static boolean acceptsToken(EndpointDescription e, UserTokenType token) {
    UserTokenPolicy[] policies = e.getUserIdentityTokens();
    return policies != null && Stream.of(policies).anyMatch(p -> p.getTokenType() == token);
  }

  static MessageSecurityMode parseSecurityMode(String driver, String text) {
    String mode = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "", "none" -> MessageSecurityMode.None;
      case "sign" -> MessageSecurityMode.Sign;
      case "signandencrypt" -> MessageSecurityMode.SignAndEncrypt;
      default ->
          throw new IllegalArgumentException(
              "OPC UA driver "
                  + driver
                  + ": security mode "
                  + text
                  + " is not None, Sign or SignAndEncrypt");
    };
  }
}
