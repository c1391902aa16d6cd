package io.hotstandby.opcua;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.KeyStoreCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;

/**
 * An OPC UA server's application instance certificate and trust lists, kept in one folder: {@code
 * application.pfx} (made self-signed on first start, reused afterwards) and Milo's {@code
 * trusted/}, {@code issuers/} and {@code rejected/} folders.
 */
public final class ApplicationPki implements Closeable {
  private static final NodeId RSA_SHA256 = NodeIds.RsaSha256ApplicationCertificateType;

  // The key store is protected by the folder's file permissions; Milo's store wants a password.
  private static final char[] PASSWORD = "hotstandby".toCharArray();

  private final CertificateManager certificateManager;
  private final X509Certificate certificate;
  private final FileBasedTrustListManager trustList;

  private ApplicationPki(
      CertificateManager certificateManager,
      X509Certificate certificate,
      FileBasedTrustListManager trustList) {
    this.certificateManager = certificateManager;
    this.certificate = certificate;
    this.trustList = trustList;
  }

  public static ApplicationPki open(
      Path dir, String applicationUri, String commonName, Set<String> hosts) throws Exception {
    return open(dir, applicationUri, commonName, hosts, false);
  }

  /**
   * As {@link #open(Path, String, String, Set)}; with {@code trustEveryClient} a client's
   * certificate is accepted on secure channels without being in {@code trusted/} (for a simulator,
   * whose secure endpoint is there to authenticate the server, not its clients).
   */
  public static ApplicationPki open(
      Path dir,
      String applicationUri,
      String commonName,
      Set<String> hosts,
      boolean trustEveryClient)
      throws Exception {
    Files.createDirectories(dir);
    var store =
        KeyStoreCertificateStore.createAndInitialize(
            new KeyStoreCertificateStore.Settings(
                dir.resolve("application.pfx"), () -> PASSWORD, alias -> PASSWORD));
    FileBasedTrustListManager trustList = FileBasedTrustListManager.createAndInitialize(dir);
    try {
      var quarantine = FileBasedCertificateQuarantine.create(dir.resolve("rejected"));
      var factory = new SelfSignedFactory(applicationUri, commonName, hosts);
      // Creates and stores the certificate when the store has none.
      var group =
          DefaultApplicationGroup.createAndInitialize(
              trustList,
              store,
              factory,
              trustEveryClient
                  ? (chain, uri, hostNames) -> {}
                  : new DefaultServerCertificateValidator(trustList, quarantine));
      X509Certificate certificate = group.getCertificateChain(RSA_SHA256).orElseThrow()[0];
      // A renamed server or domain must not keep announcing the old URI: clients check it.
      if (!CertificateUtil.getSanUri(certificate).equals(Optional.of(applicationUri))) {
        KeyPair keyPair = factory.createKeyPair(RSA_SHA256);
        group.updateCertificate(
            RSA_SHA256, keyPair, factory.createCertificateChain(RSA_SHA256, keyPair));
        certificate = group.getCertificateChain(RSA_SHA256).orElseThrow()[0];
      }
      return new ApplicationPki(
          new DefaultCertificateManager(quarantine, group), certificate, trustList);
    } catch (Exception e) {
      trustList.close();
      throw e;
    }
  }

  /**
   * The application certificate stored in {@code dir} by a server that opened it, read without
   * opening its trust lists; empty while there is none. For tools on the same machine that trust a
   * server by its folder (test kits, a demo).
   *
   * @throws IOException when the store exists but cannot be read (e.g. while it is being written)
   */
  public static Optional<X509Certificate> storedCertificate(Path dir) throws IOException {
    Path file = dir.resolve("application.pfx");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD);
      for (String alias : Collections.list(store.aliases())) {
        if (store.getCertificate(alias) instanceof X509Certificate certificate) {
          return Optional.of(certificate);
        }
      }
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": cannot read the certificate: " + e.getMessage(), e);
    }
  }

  public CertificateManager certificateManager() {
    return certificateManager;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  @Override
  public void close() throws IOException {
    trustList.close();
  }

  private static final class SelfSignedFactory extends RsaSha256CertificateFactory {
    private final String applicationUri;
    private final String commonName;
    private final Set<String> hosts;

    SelfSignedFactory(String applicationUri, String commonName, Set<String> hosts) {
      this.applicationUri = applicationUri;
      this.commonName = commonName;
      this.hosts = new LinkedHashSet<>(hosts);
    }

    @Override
    protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) throws Exception {
      var builder =
          new SelfSignedCertificateBuilder(keyPair)
              .setCommonName(commonName)
              .setOrganization("hotstandby")
              .setApplicationUri(applicationUri);
      for (String host : hosts) {
        if (host.matches("[0-9.]+") || host.contains(":")) {
          builder.addIpAddress(host);
        } else {
          builder.addDnsName(host);
        }
      }
      return new X509Certificate[] {builder.build()};
    }
  }
}
