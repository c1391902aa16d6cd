package io.hotstandby.admin.client;

import io.hotstandby.domain.DomainFileWriter;
import io.hotstandby.domain.Sha256;
import io.hotstandby.host.PrivateFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The servers' certificates this workstation trusts, one per endpoint, each confirmed explicitly by
 * its SHA-256 fingerprint: a password is sent to a server only if the certificate it presents on
 * that endpoint is the one recorded for it. An unknown certificate is refused unless the {@link
 * Confirmation} in force confirms its fingerprint ({@code domainctl --accept-certificate
 * FINGERPRINT}, the tray's dialog); a certificate other than the recorded one is refused naming
 * both fingerprints, unless the new one is confirmed the same way, which replaces the entry.
 *
 * <p>The file is {@code -Dhotstandby.knownServers}, else {@code $HOTSTANDBY_KNOWN_SERVERS}, else
 * {@code ~/.config/hotstandby/known-servers}; its folder is made owner-only (0700) when created,
 * the file is owner-only (0600) and replaced atomically. Format, version 2:
 *
 * <pre>
 * # hotstandby known-servers 2
 * HOST:PORT APPLICATION-URI SHA-256-HEX
 * </pre>
 *
 * One line an endpoint: host (lower case; an IPv6 address in brackets) and port of the endpoint URL
 * (4840 when it names none), the application URI the server announces, and the lower-case hex
 * SHA-256 of its DER certificate. Lines starting with {@code #} and blank lines are ignored. Lines
 * of version 1 ({@code APPLICATION-URI SHA-256}, recorded on first use without confirmation) are
 * not trusted and are dropped when the file is next written.
 */
public final class KnownServers {
  /** The first line of a version-2 file. */
  static final String HEADER = "# hotstandby known-servers 2";

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

  /** Decides whether an unknown or changed certificate is trusted now. */
  @FunctionalInterface
  public interface Confirmation {
    /** True when the user confirmed {@code offer}'s fingerprint; it is then recorded. */
    boolean confirm(Offer offer);
  }

  /**
   * A certificate the file does not trust for an endpoint.
   *
   * @param endpointUrl the URL connected to
   * @param applicationUri the application URI the server announces
   * @param fingerprint SHA-256 hex of the certificate presented
   * @param recordedUri the application URI recorded for the endpoint, null when it is unknown
   * @param recordedFingerprint the fingerprint recorded for the endpoint, null when it is unknown
   */
  public record Offer(
      String endpointUrl,
      String applicationUri,
      String fingerprint,
      String recordedUri,
      String recordedFingerprint) {
    /** Whether the endpoint has an entry (with another certificate or application URI). */
    public boolean changed() {
      return recordedFingerprint != null;
    }
  }

  /** Confirms nothing: only recorded certificates are trusted. */
  public static final Confirmation REFUSE = offer -> false;

  private static volatile Confirmation confirmation = REFUSE;

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
   * Sets how this process confirms certificates the file does not trust when {@link AdminClient}
   * logs in; {@link #REFUSE} until set. A command-line tool sets it once from its options.
   */
  public static void confirmWith(Confirmation c) {
    confirmation = Objects.requireNonNull(c, "confirmation");
  }

  /** Confirms exactly the certificates whose fingerprints are given (any case, colons allowed). */
  public static Confirmation accepting(Set<String> fingerprints) {
    Set<String> normal =
        fingerprints.stream().map(KnownServers::normalize).collect(Collectors.toUnmodifiableSet());
    return offer -> normal.contains(offer.fingerprint());
  }

  /**
   * A fingerprint as recorded: lower-case hex without separators.
   *
   * @throws IllegalArgumentException when it is not 64 hex digits
   */
  public static String normalize(String fingerprint) {
    String f = fingerprint.strip().replace(":", "").toLowerCase(Locale.ROOT);
    if (!FINGERPRINT.matcher(f).matches()) {
      throw new IllegalArgumentException(
          "'" + fingerprint + "' is not a SHA-256 fingerprint (64 hex digits)");
    }
    return f;
  }

  /** The SHA-256 fingerprint of a DER certificate, lower-case hex. */
  public static String fingerprint(byte[] certificate) {
    return Sha256.hex(certificate);
  }

  /**
   * The endpoint part of a URL entries are keyed by: {@code host:port}.
   *
   * @throws IllegalArgumentException when {@code endpointUrl} is not an {@code opc.tcp} URL
   */
  static String endpointKey(String endpointUrl) {
    try {
      URI uri = new URI(endpointUrl);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException(endpointUrl + " is not an endpoint URL");
      }
      int port = uri.getPort() < 0 ? 4840 : uri.getPort();
      return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(endpointUrl + " is not an endpoint URL", e);
    }
  }

  /**
   * Records {@code fingerprint} as the certificate of {@code applicationUri} on {@code
   * endpointUrl}, replacing what the endpoint had; for tools and tests that learnt the fingerprint
   * on a trusted path (e.g. from the server's own PKI folder).
   */
  public static synchronized void accept(
      String endpointUrl, String applicationUri, String fingerprint) throws AdminClientException {
    String key = endpointKey(endpointUrl);
    Path file = file();
    List<Entry> entries = read(file);
    entries.removeIf(e -> e.endpoint().equals(key));
    entries.add(new Entry(key, applicationUri, normalize(fingerprint)));
    write(file, entries);
  }

  /**
   * Checks the {@code certificate} (DER) that the server {@code applicationUri} presents on {@code
   * endpointUrl}, with the {@link Confirmation} set by {@link #confirmWith}.
   */
  static void check(String endpointUrl, String applicationUri, byte[] certificate)
      throws AdminClientException {
    check(endpointUrl, applicationUri, certificate, confirmation);
  }

  /**
   * Checks the {@code certificate} (DER) that the server {@code applicationUri} presents on {@code
   * endpointUrl}: passes when the file records it for that endpoint, or when {@code confirm}
   * confirms it (then records it).
   *
   * @throws AdminClientException one line naming the endpoint and the fingerprint offered (and the
   *     recorded one when it differs) and how to trust it
   */
  public static synchronized void check(
      String endpointUrl, String applicationUri, byte[] certificate, Confirmation confirm)
      throws AdminClientException {
    String fingerprint = fingerprint(certificate);
    String key = endpointKey(endpointUrl);
    Path file = file();
    List<Entry> entries = read(file);
    Entry recorded =
        entries.stream().filter(e -> e.endpoint().equals(key)).findFirst().orElse(null);
    if (recorded != null
        && recorded.fingerprint().equals(fingerprint)
        && recorded.applicationUri().equals(applicationUri)) {
      return;
    }
    Offer offer =
        new Offer(
            endpointUrl,
            applicationUri,
            fingerprint,
            recorded == null ? null : recorded.applicationUri(),
            recorded == null ? null : recorded.fingerprint());
    if (confirm.confirm(offer)) {
      entries.removeIf(e -> e.endpoint().equals(key));
      entries.add(new Entry(key, applicationUri, fingerprint));
      write(file, entries);
      return;
    }
    throw new AdminClientException(refusal(offer, file));
  }

  /** The one-line refusal of {@code offer}, with the fix. */
  static String refusal(Offer offer, Path file) {
    String presents =
        offer.endpointUrl()
            + " presents certificate SHA-256 "
            + offer.fingerprint()
            + " ("
            + offer.applicationUri()
            + ")";
    if (!offer.changed()) {
      return presents
          + "; if that is the server's, run again with --accept-certificate "
          + offer.fingerprint();
    }
    return presents
        + ", not the one recorded in "
        + file
        + ": "
        + offer.recordedFingerprint()
        + " ("
        + offer.recordedUri()
        + "); if the server's certificate was replaced on purpose, run again with"
        + " --accept-certificate "
        + offer.fingerprint()
        + " to replace the entry";
  }

  /** One line of the file. */
  private record Entry(String endpoint, String applicationUri, String fingerprint) {}

  private static List<Entry> read(Path file) throws AdminClientException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new ArrayList<>();
    } catch (IOException e) {
      throw new AdminClientException(file + ": cannot read: " + e.getMessage());
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length == 2) {
        continue; // version 1: recorded without confirmation, not trusted
      }
      if (parts.length != 3 || !FINGERPRINT.matcher(parts[2]).matches()) {
        throw new AdminClientException(
            file
                + ": line "
                + (i + 1)
                + ": not HOST:PORT APPLICATION-URI SHA-256 (fix or remove the line)");
      }
      entries.add(new Entry(parts[0], parts[1], parts[2]));
    }
    return entries;
  }

  private static void write(Path file, List<Entry> entries) throws AdminClientException {
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    for (Entry e : entries) {
      text.append(e.endpoint())
          .append(' ')
          .append(e.applicationUri())
          .append(' ')
          .append(e.fingerprint())
          .append('\n');
    }
    try {
      // Owner-only, also when another tool of this workstation made the folder first.
      PrivateFiles.ownerOnlyDir(file.toAbsolutePath().getParent());
      // The atomic write keeps the target's permissions; an old file may be readable by all.
      PrivateFiles.ownerOnlyFile(file);
      DomainFileWriter.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
      PrivateFiles.ownerOnlyFile(file);
    } catch (IOException e) {
      throw new AdminClientException(file + ": cannot record the server's certificate: " + e);
    }
  }
}
