package io.hotstandby.opcua;

import io.hotstandby.domain.DomainFileWriter;
import io.hotstandby.host.PrivateFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The password of an application key store: random per installation, kept in {@code
 * <store>.password} (mode {@code 0600}) beside the store and made on first start. The PKCS#12
 * encryption then guards the private key when the store is copied off the host without that file (a
 * backup, a support bundle), which a password built into the product could not.
 *
 * <p>A store of an earlier version, encrypted with the former built-in password, is re-encrypted
 * with the new one in place, keeping its certificate, so clients that pinned it notice nothing.
 */
public final class KeyStorePassword {
  /** The password every installation used before it had its own. */
  static final char[] LEGACY = "hotstandby".toCharArray();

  private static final Logger log = LoggerFactory.getLogger(KeyStorePassword.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyStorePassword() {}

  /** The file that holds the password of {@code keyStore}. */
  static Path fileOf(Path keyStore) {
    return keyStore.resolveSibling(keyStore.getFileName() + ".password");
  }

  /**
   * The password of {@code keyStore} as its server left it, changing nothing: the saved one, or the
   * former built-in one for a store of an earlier version. For readers beside the server.
   */
  static char[] readOnly(Path keyStore) throws IOException {
    Path file = fileOf(keyStore);
    return Files.exists(file)
        ? Files.readString(file, StandardCharsets.US_ASCII).strip().toCharArray()
        : LEGACY.clone();
  }

  /**
   * The password of {@code keyStore}: read, or made and saved when the installation has none yet;
   * an existing store under {@link #LEGACY} is re-encrypted with it first.
   *
   * @throws IOException if the password cannot be saved, or the store opens neither with it nor
   *     with the former built-in one (the message says how to get a new certificate)
   */
  public static char[] of(Path keyStore) throws IOException, GeneralSecurityException {
    Path file = fileOf(keyStore);
    char[] password;
    if (Files.exists(file)) {
      String loose = PrivateFiles.ownerOnlyFile(file);
      if (loose != null) {
        log.warn(loose);
      }
      password = Files.readString(file, StandardCharsets.US_ASCII).strip().toCharArray();
      if (password.length == 0) {
        throw new IOException(file + " is empty; remove it and " + keyStore + " to make anew");
      }
    } else {
      byte[] random = new byte[24];
      RANDOM.nextBytes(random);
      password = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
      // Saved before the store is re-encrypted: a crash in between leaves a legacy store, which
      // the next start re-encrypts with this same password.
      DomainFileWriter.writeString(file, new String(password) + "\n");
      PrivateFiles.ownerOnlyFile(file);
    }
    if (Files.exists(keyStore) && !opens(keyStore, password)) {
      if (!opens(keyStore, LEGACY)) {
        throw new IOException(
            keyStore
                + " does not open with the password in "
                + file
                + "; restore that file, or remove both to make a new certificate (clients that"
                + " pinned the old one must then confirm the new one)");
      }
      reencrypt(keyStore, LEGACY, password);
      log.info("{}: re-encrypted with this installation's own password", keyStore);
    }
    return password;
  }

  static boolean opens(Path keyStore, char[] password) throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore.getInstance("PKCS12").load(in, password);
      return true;
    } catch (IOException wrongPasswordOrDamaged) {
      return false;
    }
  }

  /** Every entry, keys under the new password too (as Milo's store wants), atomically replaced. */
  static void reencrypt(Path keyStore, char[] from, char[] to)
      throws IOException, GeneralSecurityException {
    KeyStore old = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      old.load(in, from);
    }
    KeyStore fresh = KeyStore.getInstance("PKCS12");
    fresh.load(null, to);
    for (String alias : Collections.list(old.aliases())) {
      if (old.isKeyEntry(alias)) {
        fresh.setKeyEntry(alias, old.getKey(alias, from), to, old.getCertificateChain(alias));
      } else {
        fresh.setCertificateEntry(alias, old.getCertificate(alias));
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    fresh.store(bytes, to);
    DomainFileWriter.write(keyStore, bytes.toByteArray());
  }
}
