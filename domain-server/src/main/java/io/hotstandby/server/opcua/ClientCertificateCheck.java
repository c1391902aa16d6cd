package io.hotstandby.server.opcua;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.util.validation.CertificateValidationUtil;

/**
 * How the domain server checks a client's application certificate when the client opens an
 * encrypted channel: the certificate must be well-formed, within its validity period, signed by its
 * own key when it is self-signed, and name the application URI the client announces; it need not be
 * in a trust list.
 *
 * <p>Why no trust list: the application certificate only sets up the channel's encryption. Who the
 * client is, and what it may do, is decided by the user name and password of the session ({@link
 * AccessPolicy}); operators' tools make their own certificate on first use and there is nobody to
 * approve it on every server. A certificate that is expired, not yet valid, or forged (a
 * self-signature that does not verify) is still refused.
 */
final class ClientCertificateCheck implements CertificateValidator {

  @Override
  public void validateCertificateChain(
      List<X509Certificate> chain, String applicationUri, String[] validHostnames)
      throws UaException {
    if (chain == null || chain.isEmpty()) {
      throw new UaException(StatusCodes.Bad_SecurityChecksFailed, "no client certificate");
    }
    X509Certificate certificate = chain.get(0);
    CertificateValidationUtil.checkValidity(certificate, true);
    if (certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      try {
        certificate.verify(certificate.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new UaException(
            StatusCodes.Bad_CertificateInvalid, "client certificate's signature does not verify");
      }
    }
    if (applicationUri != null) {
      CertificateValidationUtil.checkApplicationUri(certificate, applicationUri);
    }
  }
}
