package io.hotstandby.runtime.driver.opcua;

import io.hotstandby.domain.Sha256;
import io.hotstandby.runtime.driver.opcua.PlcEndpoints.Refused;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;

/**
 * The certificate a device's OPC UA server must present, pinned by its SHA-256 fingerprint in the
 * project ({@code certificate="…"} on the driver): the driver connects with Sign or SignAndEncrypt
 * only to a server whose certificate has exactly that fingerprint. Without a pin it does not
 * connect at all, and says which fingerprint the server presents, so an operator who compared it
 * with the PLC's can pin it. Checked twice: on the certificate the server announces before any
 * client exists, and on the one it presents when the secure channel opens.
 */
final class ServerPin {
  private final String endpointUrl;
  private final String pinned;
  private final AtomicReference<String> refusal = new AtomicReference<>();

  /**
   * @param pinned the fingerprint of the project, any case, colons allowed; "" or null for none
   */
  ServerPin(String endpointUrl, String pinned) {
    this.endpointUrl = endpointUrl;
    this.pinned = pinned == null ? "" : normalize(pinned);
  }

  /** A fingerprint as compared: lower-case hex without separators. */
  static String normalize(String fingerprint) {
    return fingerprint.strip().replace(":", "").toLowerCase(Locale.ROOT);
  }

  /** The lower-case hex SHA-256 of a DER certificate. */
  static String fingerprint(byte[] der) {
    return Sha256.hex(der);
  }

  /**
   * Passes when {@code der}, the certificate the server {@code applicationUri} presents, has the
   * pinned fingerprint.
   *
   * @throws Refused naming the endpoint, the fingerprint presented and the pinned one (or that none
   *     is pinned) and how to pin it
   */
  void check(String applicationUri, byte[] der) throws Refused {
    String offered = fingerprint(der);
    if (offered.equals(pinned)) {
      return;
    }
    String presents =
        endpointUrl
            + " presents certificate SHA-256 "
            + offered
            + (applicationUri == null || applicationUri.isEmpty()
                ? ""
                : " (" + applicationUri + ")");
    if (pinned.isEmpty()) {
      throw new Refused(
          presents
              + " and the project pins none: not connecting; if that is the PLC's certificate,"
              + " set certificate=\""
              + offered
              + "\" on the driver");
    }
    throw new Refused(
        presents
            + ", not the pinned "
            + pinned
            + ": not connecting; if the PLC's certificate was replaced on purpose, set"
            + " certificate=\""
            + offered
            + "\" on the driver");
  }

  /**
   * A validator for the secure channel: refuses a chain whose first certificate is not the pinned
   * one, keeping why for {@link #refusal()}.
   */
  CertificateValidator validator() {
    return (List<X509Certificate> chain, String applicationUri, String[] hostNames) -> {
      try {
        check(applicationUri, chain.isEmpty() ? new byte[0] : chain.get(0).getEncoded());
      } catch (Refused e) {
        refusal.set(e.getMessage());
        throw new UaException(StatusCodes.Bad_CertificateUntrusted, e.getMessage());
      } catch (CertificateEncodingException e) {
        throw new UaException(StatusCodes.Bad_CertificateInvalid, e);
      }
    };
  }

  /** Why the validator refused the server's certificate, or null. */
  String refusal() {
    return refusal.get();
  }
}
