package io.hotstandby.admin.client;

import io.hotstandby.domain.DomainFileWriter;
import io.hotstandby.domain.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers' certificates this workstation has seen, trusted on first use as SSH does with host
 * keys: a password is encrypted with a server's certificate only if that certificate is the one
 * seen the first time (or is recorded now, the first time). One line a server: {@code
 * APPLICATION-URI SHA-256}. The file is {@code -Dhotstandby.knownServers}, else {@code
 * $HOTSTANDBY_KNOWN_SERVERS}, else {@code ~/.config/hotstandby/known-servers}.
 */
public final class KnownServers {
  private KnownServers() {}

  /** The file in use. */
  public static Path file() {
    String p = System.getProperty("hotstandby.knownServers");
    if (p == null || p.isBlank()) {
      p = System.getenv("HOTSTANDBY_KNOWN_SERVERS");
    }
    if (p != null && !p.isBlank()) {
      return Path.of(p);
    }
    return Path.of(System.getProperty("user.home"), ".config", "hotstandby", "known-servers");
  }

  /**
   * Checks {@code certificate} of the server {@code applicationUri} against the file, recording it
   * if the server is new.
   *
   * @throws AdminClientException naming the server, both fingerprints and the file when the
   *     certificate differs from the one recorded
   */
  static synchronized void check(String applicationUri, byte[] certificate, String endpointUrl)
      throws AdminClientException {
    String fingerprint = Sha256.hex(certificate);
    Path file = file();
    List<String> lines = new ArrayList<>();
    try {
      lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      // first login from this workstation
    } catch (IOException e) {
      throw new AdminClientException(file + ": cannot read: " + e.getMessage());
    }
    for (String line : lines) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2 && parts[0].equals(applicationUri)) {
        if (parts[1].equalsIgnoreCase(fingerprint)) {
          return;
        }
        throw new AdminClientException(
            "not sending a password to "
                + endpointUrl
                + ": its certificate (SHA-256 "
                + fingerprint
                + ") is not the one seen before for "
                + applicationUri
                + " ("
                + parts[1]
                + "); if the server was reinstalled, remove its line from "
                + file);
      }
    }
    lines.add(applicationUri + " " + fingerprint);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      DomainFileWriter.write(
          file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AdminClientException(file + ": cannot record the server's certificate: " + e);
    }
  }
}
