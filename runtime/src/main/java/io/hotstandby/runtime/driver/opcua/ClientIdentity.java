package io.hotstandby.runtime.driver.opcua;

import io.hotstandby.domain.DomainFileWriter;
import io.hotstandby.host.PrivateFiles;
import io.hotstandby.opcua.KeyStorePassword;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/**
 * The driver's own application key and self-signed certificate, which a PLC sees on Sign and
 * SignAndEncrypt connections and must trust. Kept in {@code DIR/NAME.pfx} (PKCS#12; the folder
 * owner-only, 0700, the file 0600, written atomically) so it stays the same across restarts and the
 * PLC's trust list need not change; made in memory when there is no folder (tests, tools).
 */
record ClientIdentity(KeyPair keyPair, X509Certificate certificate) {
  private static final String ALIAS = "client";

  // The file's permissions protect the key; the PKCS#12 format wants a password.

  /**
   * The identity of driver {@code name} stored in {@code dir}, made and stored there on first use.
   *
   * @param dir the folder, or null for an identity in memory only
   * @throws IOException naming the file when it cannot be read or written
   */
  static ClientIdentity load(Path dir, String name, String applicationUri) throws IOException {
    Path file = dir == null ? null : dir.resolve(name + ".pfx");
    if (file != null && Files.exists(file)) {
      return read(file);
    }
    ClientIdentity made = make(name, applicationUri);
    if (file != null) {
      made.store(file);
    }
    return made;
  }

  private static ClientIdentity make(String name, String applicationUri) throws IOException {
    try {
      KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
      var builder =
          new SelfSignedCertificateBuilder(pair)
              .setCommonName("hotstandby runtime " + name)
              .setOrganization("hotstandby")
              .setApplicationUri(applicationUri);
      try {
        builder.addDnsName(InetAddress.getLocalHost().getHostName());
      } catch (UnknownHostException e) {
        builder.addDnsName("localhost");
      }
      return new ClientIdentity(pair, builder.build());
    } catch (Exception e) {
      throw new IOException("cannot make the driver's client certificate: " + e, e);
    }
  }

  private static ClientIdentity read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      char[] password = KeyStorePassword.of(file);
      store.load(in, password);
      if (store.getKey(ALIAS, password) instanceof PrivateKey key
          && store.getCertificate(ALIAS) instanceof X509Certificate certificate) {
        return new ClientIdentity(new KeyPair(certificate.getPublicKey(), key), certificate);
      }
      throw new IOException(file + ": no key and certificate '" + ALIAS + "' in it");
    } catch (GeneralSecurityException | IOException e) {
      throw new IOException(file + ": cannot read the driver's client certificate: " + e, e);
    }
  }

  private void store(Path file) throws IOException {
    try {
      PrivateFiles.ownerOnlyDir(file.toAbsolutePath().getParent());
      // Random for this installation, kept 0600 beside the store (as the server's own).
      char[] password = KeyStorePassword.of(file);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, keyPair.getPrivate(), password, new Certificate[] {certificate});
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      store.store(bytes, password);
      // The temporary file is owner-only from the start; the rename keeps that.
      DomainFileWriter.write(file, bytes.toByteArray());
      PrivateFiles.ownerOnlyFile(file);
    } catch (GeneralSecurityException | IOException | UnsupportedOperationException e) {
      throw new IOException(file + ": cannot store the driver's client certificate: " + e, e);
    }
  }
}
