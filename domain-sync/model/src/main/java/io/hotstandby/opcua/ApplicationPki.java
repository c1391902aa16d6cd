package io.hotstandby.opcua;

import io.hotstandby.host.PrivateFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateManager;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OPC UA server's application instance certificate and trust lists, kept in one folder: {@code
 * application.pfx} (made self-signed on first start, reused afterwards), its password {@code
 * application.pfx.password} (see {@link KeyStorePassword}) and Milo's {@code trusted/}, {@code
 * issuers/} and {@code rejected/} folders.
 *
 * <p>The folder is owner-only ({@code 0700}) and the key store and its password {@code 0600}: a
 * looser folder or store found at start is tightened, with a WARNING.
 */
public final class ApplicationPki implements Closeable {
  private static final NodeId RSA_SHA256 = NodeIds.RsaSha256ApplicationCertificateType;

  private static final Logger log = LoggerFactory.getLogger(ApplicationPki.class);

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

  /** A PKI that accepts the clients' certificates its trust list holds. */
  public static ApplicationPki open(
      Path dir, String applicationUri, String commonName, Set<String> hosts) throws Exception {
    return open(dir, applicationUri, commonName, hosts, null);
  }

  /**
   * A PKI whose clients' certificates {@code clientValidator} checks, or (when null) the trust list
   * in {@code dir}. {@link #ACCEPT_EVERY_CLIENT} accepts any client certificate on secure channels
   * (for a simulator, whose secure endpoint is there to authenticate the server, not its clients).
   */
  public static ApplicationPki open(
      Path dir,
      String applicationUri,
      String commonName,
      Set<String> hosts,
      CertificateValidator clientValidator)
      throws Exception {
    return open(dir, applicationUri, commonName, hosts, clientValidator, Set.of());
  }

  /**
   * As {@link #open(Path, String, String, Set, CertificateValidator)}; a stored certificate that
   * does not name every address of {@code mustName} (e.g. a virtual IP address added to the domain)
   * is replaced by a new one naming {@code hosts} and {@code mustName}, with a WARNING in the log:
   * clients that recorded the old certificate must accept the new one.
   */
  public static ApplicationPki open(
      Path dir,
      String applicationUri,
      String commonName,
      Set<String> hosts,
      CertificateValidator clientValidator,
      Set<String> mustName)
      throws Exception {
    Set<String> named = new LinkedHashSet<>(hosts);
    named.addAll(mustName);
    CryptoProviders.install();
    warnIfLoose(PrivateFiles.ownerOnlyDir(dir));
    Path keyStore = dir.resolve("application.pfx");
    warnIfLoose(PrivateFiles.ownerOnlyFile(keyStore));
    char[] password = KeyStorePassword.of(keyStore);
    var store =
        KeyStoreCertificateStore.createAndInitialize(
            new KeyStoreCertificateStore.Settings(keyStore, () -> password, alias -> password));
    FileBasedTrustListManager trustList = FileBasedTrustListManager.createAndInitialize(dir);
    try {
      var quarantine = FileBasedCertificateQuarantine.create(dir.resolve("rejected"));
      var factory = new SelfSignedFactory(applicationUri, commonName, named);
      // Creates and stores the certificate when the store has none.
      var group =
          DefaultApplicationGroup.createAndInitialize(
              trustList,
              store,
              factory,
              clientValidator != null
                  ? clientValidator
                  : new DefaultServerCertificateValidator(trustList, quarantine));
      X509Certificate certificate = group.getCertificateChain(RSA_SHA256).orElseThrow()[0];
      // A renamed server or domain must not keep announcing the old URI: clients check it.
      List<String> unnamed = unnamed(certificate, mustName);
      if (!unnamed.isEmpty()) {
        log.warn(
            "{}: the application certificate does not name {}: making a new one; clients that"
                + " recorded the old one must accept the new one",
            keyStore,
            unnamed);
      }
      if (!CertificateUtil.getSanUri(certificate).equals(Optional.of(applicationUri))
          || !unnamed.isEmpty()) {
        KeyPair keyPair = factory.createKeyPair(RSA_SHA256);
        group.updateCertificate(
            RSA_SHA256, keyPair, factory.createCertificateChain(RSA_SHA256, keyPair));
        certificate = group.getCertificateChain(RSA_SHA256).orElseThrow()[0];
      }
      // Milo made the store with the process umask; the folder kept it private meanwhile.
      PrivateFiles.ownerOnlyFile(keyStore);
      return new ApplicationPki(
          new DefaultCertificateManager(quarantine, group), certificate, trustList);
    } catch (Exception e) {
      trustList.close();
      throw e;
    }
  }

  /** The addresses of {@code hosts} the certificate's subject alternative names lack. */
  static List<String> unnamed(X509Certificate certificate, Set<String> hosts) {
    List<String> missing = new ArrayList<>();
    for (String host : hosts) {
      boolean ip = host.matches("[0-9.]+") || host.contains(":");
      boolean found;
      if (ip) {
        found =
            CertificateUtil.getSanIpAddresses(certificate).stream()
                .anyMatch(a -> sameAddress(a, host));
      } else {
        found =
            CertificateUtil.getSanDnsNames(certificate).stream().anyMatch(host::equalsIgnoreCase);
      }
      if (!found) {
        missing.add(host);
      }
    }
    return missing;
  }

  /** Two address literals for the same address (IPv6 has many spellings); no name is looked up. */
  private static boolean sameAddress(String a, String b) {
    try {
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return a.equalsIgnoreCase(b);
    }
  }

  private static void warnIfLoose(String tightened) {
    if (tightened != null) {
      log.warn(tightened);
    }
  }

  /** Accepts every client certificate on secure channels, in or out of the trust list. */
  public static final CertificateValidator ACCEPT_EVERY_CLIENT = (chain, uri, hostNames) -> {};

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
      store.load(in, KeyStorePassword.readOnly(file));
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
