package io.hotstandby.admin.client;

import io.hotstandby.host.PrivateFiles;
import io.hotstandby.opcua.CryptoProviders;
import io.hotstandby.opcua.KeyStorePassword;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/**
 * The application certificate of this workstation's operator tools, made once and kept: the key and
 * its self-signed certificate in {@code client.pfx} (mode 0600) in a folder of mode 0700. The
 * folder is {@code -Dhotstandby.clientPki}, else {@code $HOTSTANDBY_CLIENT_PKI}, else {@code
 * client-pki} beside the {@link KnownServers} file (by default {@code
 * ~/.config/hotstandby/client-pki}).
 *
 * <p>The certificate only secures the channel; the servers authenticate the operator by user name
 * and password and do not ask for this certificate to be approved.
 */
public final class ClientPki {
  /** The application URI the certificate names and the client announces. */
  public static final String APPLICATION_URI = "urn:hotstandby:admin-client";

  private static final String FILE = "client.pfx";
  private static final String ALIAS = "client";
  // The file's mode protects the key; PKCS#12 wants a password.

  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private ClientPki(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /** The folder in use. */
  public static Path dir() {
    String p = System.getProperty("hotstandby.clientPki");
    if (p == null || p.isBlank()) {
      p = System.getenv("HOTSTANDBY_CLIENT_PKI");
    }
    if (p != null && !p.isBlank()) {
      return Path.of(p);
    }
    return KnownServers.file().toAbsolutePath().getParent().resolve("client-pki");
  }

  /**
   * The certificate in {@link #dir()}, made there the first time.
   *
   * @throws AdminClientException naming the file when it cannot be read or made
   */
  public static synchronized ClientPki load() throws AdminClientException {
    CryptoProviders.install();
    Path dir = dir();
    Path file = dir.resolve(FILE);
    try {
      try {
        return read(file);
      } catch (NoSuchFileException e) {
        // first secure login from this workstation
      }
      // The folder also holds the known servers: owner-only, whoever makes it first.
      PrivateFiles.ownerOnlyDir(dir.getParent());
      PrivateFiles.ownerOnlyDir(dir);
      return create(file);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new AdminClientException(
          file + ": cannot read or make the client certificate: " + e.getMessage(), e);
    }
  }

  public KeyPair keyPair() {
    return keyPair;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  private static ClientPki read(Path file) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    char[] password;
    try (InputStream in = Files.newInputStream(file)) {
      password = KeyStorePassword.of(file);
      store.load(in, password);
    }
    Key key = store.getKey(ALIAS, password);
    X509Certificate cert = (X509Certificate) store.getCertificate(ALIAS);
    if (!(key instanceof PrivateKey privateKey) || cert == null) {
      throw new GeneralSecurityException("no key and certificate '" + ALIAS + "' in it");
    }
    return new ClientPki(new KeyPair(cert.getPublicKey(), privateKey), cert);
  }

  /** Key and certificate in one file, renamed into place whole: never one without the other. */
  private static ClientPki create(Path file) throws IOException, GeneralSecurityException {
    KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    X509Certificate cert;
    try {
      cert =
          new SelfSignedCertificateBuilder(keyPair)
              .setCommonName("hotstandby admin client " + System.getProperty("user.name", ""))
              .setOrganization("hotstandby")
              .setApplicationUri(APPLICATION_URI)
              .addDnsName(host)
              .build();
    } catch (Exception e) {
      throw new GeneralSecurityException("cannot make the certificate: " + e.getMessage(), e);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    // Random for this workstation, kept 0600 beside the store (as the servers' key stores).
    char[] password = KeyStorePassword.of(file);
    store.load(null, password);
    store.setKeyEntry(ALIAS, keyPair.getPrivate(), password, new X509Certificate[] {cert});
    Path tmp =
        Files.createTempFile(
            file.getParent(),
            FILE,
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        store.store(out, password);
      }
      if (Files.exists(file)) {
        return read(file); // another tool made one meanwhile: use that one
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new ClientPki(keyPair, cert);
  }
}
