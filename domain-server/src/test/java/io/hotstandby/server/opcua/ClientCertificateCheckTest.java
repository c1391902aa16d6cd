package io.hotstandby.server.opcua;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Period;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.Test;

class ClientCertificateCheckTest {
  private static final String URI = "urn:hotstandby:admin-client";
  private final ClientCertificateCheck check = new ClientCertificateCheck();

  private static X509Certificate certificate(Period validity) throws Exception {
    KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    return new SelfSignedCertificateBuilder(keys)
        .setCommonName("a workstation")
        .setApplicationUri(URI)
        .setValidityPeriod(validity)
        .build();
  }

  @Test
  void aValidSelfSignedCertificateNeedsNoTrustList() throws Exception {
    X509Certificate cert = certificate(Period.ofYears(1));

    assertThatCode(() -> check.validateCertificateChain(List.of(cert), URI, null))
        .doesNotThrowAnyException();
    assertThatCode(() -> check.validateCertificateChain(List.of(cert), null, null))
        .doesNotThrowAnyException();
  }

  @Test
  void anExpiredCertificateOrAnotherApplicationsIsRefused() throws Exception {
    X509Certificate expired = certificate(Period.ofDays(-1));
    X509Certificate valid = certificate(Period.ofYears(1));

    assertThatThrownBy(() -> check.validateCertificateChain(List.of(expired), URI, null))
        .isInstanceOf(UaException.class);
    assertThatThrownBy(
            () -> check.validateCertificateChain(List.of(valid), "urn:someone:else", null))
        .isInstanceOf(UaException.class);
    assertThatThrownBy(() -> check.validateCertificateChain(List.of(), URI, null))
        .isInstanceOf(UaException.class);
  }
}
