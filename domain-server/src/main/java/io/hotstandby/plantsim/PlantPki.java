package io.hotstandby.plantsim;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.KeyStoreCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;

/**
 * The simulator's application certificate, self-signed, kept in {@code DIR/plant-simulator.pfx} and
 * reused on the next start with the same folder. The simulator only offers SecurityPolicy None, so
 * it trusts no client certificate: the trust list lives in memory and stays empty.
 */
final class PlantPki implements Closeable {
  private static final NodeId CERT_TYPE = NodeIds.RsaSha256ApplicationCertificateType;

  // Only the folder's permissions protect the key; the key store format wants a password anyway.
  private static final char[] STORE_PASSWORD = "plant-simulator".toCharArray();

  private final KeyStoreCertificateStore store;
  private final CertificateManager certificateManager;
  private final X509Certificate certificate;

  private PlantPki(
      KeyStoreCertificateStore store,
      CertificateManager certificateManager,
      X509Certificate certificate) {
    this.store = store;
    this.certificateManager = certificateManager;
    this.certificate = certificate;
  }

  /**
   * Loads the certificate from {@code dir}, making one first when there is none (or the one there
   * names another application URI).
   *
   * @param hosts the host names and IP addresses the certificate names
   */
  static PlantPki open(Path dir, String applicationUri, List<String> hosts) throws Exception {
    Files.createDirectories(dir);
    var store =
        new KeyStoreCertificateStore(
            new KeyStoreCertificateStore.Settings(
                dir.resolve("plant-simulator.pfx"),
                () -> STORE_PASSWORD,
                alias -> STORE_PASSWORD,
                false));
    try {
      store.initialize();
      var trust = new MemoryTrustListManager();
      var quarantine = new MemoryCertificateQuarantine();
      var factory = new Factory(applicationUri, hosts);
      var group =
          DefaultApplicationGroup.createAndInitialize(
              trust, store, factory, new DefaultServerCertificateValidator(trust, quarantine));
      X509Certificate cert = group.getCertificateChain(CERT_TYPE).orElseThrow()[0];
      if (!CertificateUtil.getSanUri(cert).equals(Optional.of(applicationUri))) {
        KeyPair keyPair = factory.createKeyPair(CERT_TYPE);
        group.updateCertificate(
            CERT_TYPE, keyPair, factory.createCertificateChain(CERT_TYPE, keyPair));
        cert = group.getCertificateChain(CERT_TYPE).orElseThrow()[0];
      }
      return new PlantPki(store, new DefaultCertificateManager(quarantine, group), cert);
    } catch (Exception e) {
      store.close();
      throw e;
    }
  }

  CertificateManager certificateManager() {
    return certificateManager;
  }

  X509Certificate certificate() {
    return certificate;
  }

  @Override
  public void close() throws IOException {
    store.close();
  }

  private static final class Factory extends RsaSha256CertificateFactory {
    private final String applicationUri;
    private final List<String> hosts;

    Factory(String applicationUri, List<String> hosts) {
      this.applicationUri = applicationUri;
      this.hosts = List.copyOf(hosts);
    }

    @Override
    protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) throws Exception {
      var builder =
          new SelfSignedCertificateBuilder(keyPair)
              .setCommonName("plant-simulator")
              .setOrganization("hotstandby")
              .setApplicationUri(applicationUri);
      for (String host : hosts) {
        boolean ip = host.contains(":") || host.chars().allMatch(c -> c == '.' || isDigit(c));
        if (ip) {
          builder.addIpAddress(host);
        } else {
          builder.addDnsName(host);
        }
      }
      return new X509Certificate[] {builder.build()};
    }

    private static boolean isDigit(int c) {
      return c >= '0' && c <= '9';
    }
  }
}
