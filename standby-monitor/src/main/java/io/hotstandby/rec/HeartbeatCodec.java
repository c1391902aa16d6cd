package io.hotstandby.rec;

import io.hotstandby.keys.DomainKeys;
import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The wire format of a {@link Heartbeat}, authenticated with the REC key derived from the domain's
 * secret ({@link DomainKeys#REC}). Thread-safe.
 *
 * <pre>
 * "HSR1"   magic, 4 bytes
 * 2 or 3   format version, 1 byte (3 only when the heartbeat carries a witness's fields)
 * domain, server                       strings
 * bootId, seq                          int64 (bootId: the sender's persisted boot counter)
 * state                                1 byte (code, see WIRE_STATES)
 * term, activeSinceMillis              int64
 * health                               int32
 * runtimeReady                         1 byte, 0 or 1
 * domainVersion, mirrorSeq             int64
 * productVersion, takeoverRequest, handoverTo   strings
 * sentAtNanos, echoNanos, echoHoldNanos         int64
 * leaseHolder                          string   (version 3 only)
 * leaseRequest                         1 byte, 0 or 1 (version 3 only)
 * leaseEchoNanos                       int64 (version 3 only)
 * HMAC-SHA256 over every byte before it, 32 bytes
 * </pre>
 *
 * A domain without a quorum witness sends version 2 only, so servers of an earlier release that
 * read only version 2 still understand it; the state code of WITNESS exists only in version 3.
 * Integers are big-endian; a string is one unsigned length byte and that many bytes of UTF-8. A
 * datagram is at most {@value #MAX_DATAGRAM} bytes.
 */
public final class HeartbeatCodec {
  /** Largest datagram sent or accepted. */
  public static final int MAX_DATAGRAM = 1024;

  /** Largest string, in UTF-8 bytes. */
  public static final int MAX_STRING_BYTES = 255;

  static final byte[] MAGIC = {'H', 'S', 'R', '1'};
  static final byte VERSION = 2;
  static final byte QUORUM_VERSION = 3;
  static final int MAC_LENGTH = 32;
  private static final int HEADER = MAGIC.length + 1;
  private static final int STRINGS = 6;
  private static final int FIXED_FIELDS = 9 * Long.BYTES + Integer.BYTES + 2;

  /** The shortest possible datagram: every string empty. */
  static final int MIN_DATAGRAM = HEADER + STRINGS + FIXED_FIELDS + MAC_LENGTH;

  /**
   * State codes on the wire are positions in this list, written out rather than taken from {@code
   * ServerState.ordinal()} so that reordering the enum cannot silently change the protocol.
   */
  private static final List<ServerState> WIRE_STATES =
      List.of(
          ServerState.STARTING,
          ServerState.MAINTENANCE,
          ServerState.INACTIVE,
          ServerState.STANDBY,
          ServerState.ACTIVE,
          ServerState.STOPPED,
          ServerState.WITNESS);

  private static final int V2_STATES = 6;

  static {
    if (WIRE_STATES.size() != ServerState.values().length) {
      throw new ExceptionInInitializerError("a ServerState has no wire code");
    }
  }

  private final String domain;

  /** The key heartbeats are signed with, and every key a received one may be signed with. */
  private record Keys(SecretKeySpec signing, List<SecretKeySpec> accepted) {}

  private volatile Keys keys;
  // Mac objects are not thread-safe; the link encodes and decodes on several threads.
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(HeartbeatCodec::newMac);
  private final ThreadLocal<byte[]> macScratch =
      ThreadLocal.withInitial(() -> new byte[MAC_LENGTH]);

  /**
   * @param domain the domain's name: heartbeats of another domain are refused
   * @param secret the domain's secret, from which the HMAC key is derived
   */
  public HeartbeatCodec(String domain, byte[] secret) {
    this.domain = Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(secret, "secret");
    if (secret.length == 0) {
      throw new IllegalArgumentException("the domain secret is empty");
    }
    newMac(); // fail now, not on the first datagram
    setSecrets(secret, List.of(secret));
  }

  /**
   * Changes the secrets while the link runs, as when the domain's secret is rotated: heartbeats are
   * signed with {@code signing} and accepted when signed with any of {@code accepted}.
   */
  public void setSecrets(byte[] signing, List<byte[]> accepted) {
    if (signing.length == 0 || accepted.stream().anyMatch(a -> a.length == 0)) {
      throw new IllegalArgumentException("the domain secret is empty");
    }
    List<SecretKeySpec> specs = new ArrayList<>();
    for (byte[] a : accepted) {
      specs.add(keyOf(a));
    }
    keys = new Keys(keyOf(signing), List.copyOf(specs));
  }

  private SecretKeySpec keyOf(byte[] secret) {
    return new SecretKeySpec(DomainKeys.REC.derive(domain, secret), "HmacSHA256");
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable: " + e.getMessage(), e);
    }
  }

  private Mac mac(SecretKeySpec key) {
    Mac mac = macs.get();
    try {
      mac.init(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 key refused: " + e.getMessage(), e);
    }
    return mac;
  }

  /**
   * Encodes and signs a heartbeat.
   *
   * @throws IllegalArgumentException if it is of another domain, a string is null or longer than
   *     {@value #MAX_STRING_BYTES} bytes, or the whole exceeds {@value #MAX_DATAGRAM} bytes
   */
  public byte[] encode(Heartbeat hb) {
    if (!domain.equals(hb.domain())) {
      throw new IllegalArgumentException("heartbeat of domain '" + hb.domain() + "'");
    }
    ByteBuffer out = ByteBuffer.allocate(MAX_DATAGRAM);
    try {
      boolean quorum = hb.carriesQuorum();
      out.put(MAGIC).put(quorum ? QUORUM_VERSION : VERSION);
      putString(out, "domain", hb.domain());
      putString(out, "server", hb.server());
      out.putLong(hb.bootId()).putLong(hb.seq());
      if (hb.state() == null) {
        throw new IllegalArgumentException("state is null");
      }
      out.put((byte) WIRE_STATES.indexOf(hb.state()));
      out.putLong(hb.term()).putLong(hb.activeSinceMillis()).putInt(hb.health());
      out.put((byte) (hb.runtimeReady() ? 1 : 0));
      out.putLong(hb.domainVersion()).putLong(hb.mirrorSeq());
      putString(out, "productVersion", hb.productVersion());
      putString(out, "takeoverRequest", hb.takeoverRequest());
      putString(out, "handoverTo", hb.handoverTo());
      out.putLong(hb.sentAtNanos()).putLong(hb.echoNanos()).putLong(hb.echoHoldNanos());
      if (quorum) {
        putString(out, "leaseHolder", hb.leaseHolder());
        out.put((byte) (hb.leaseRequest() ? 1 : 0));
        out.putLong(hb.leaseEchoNanos());
      }
      out.put(mac(keys.signing()).doFinal(Arrays.copyOf(out.array(), out.position())));
    } catch (BufferOverflowException e) {
      throw new IllegalArgumentException("heartbeat longer than " + MAX_DATAGRAM + " bytes");
    }
    return Arrays.copyOf(out.array(), out.position());
  }

  private static void putString(ByteBuffer out, String field, String value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is null");
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_STRING_BYTES) {
      throw new IllegalArgumentException(
          field + " is " + bytes.length + " bytes of UTF-8, max " + MAX_STRING_BYTES);
    }
    out.put((byte) bytes.length).put(bytes);
  }

  /**
   * Checks and decodes the first {@code len} bytes of {@code buf}. The MAC is checked before any
   * field is parsed, so unauthenticated input never reaches the field parser.
   *
   * @throws MalformedHeartbeatException with a one-line reason if it is not a valid heartbeat of
   *     this domain signed with this secret
   */
  public Heartbeat decode(byte[] buf, int len) throws MalformedHeartbeatException {
    Objects.checkFromIndexSize(0, len, buf.length);
    if (len > MAX_DATAGRAM) {
      throw new MalformedHeartbeatException("too long: " + len + " bytes, max " + MAX_DATAGRAM);
    }
    if (len < MAGIC.length || !Arrays.equals(buf, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new MalformedHeartbeatException("bad magic");
    }
    if (len < HEADER) {
      throw new MalformedHeartbeatException("truncated: " + len + " bytes");
    }
    byte version = buf[MAGIC.length];
    if (version != VERSION && version != QUORUM_VERSION) {
      throw new MalformedHeartbeatException(
          "unsupported version " + Byte.toUnsignedInt(buf[MAGIC.length]));
    }
    if (len < MIN_DATAGRAM) {
      throw new MalformedHeartbeatException(
          "truncated: " + len + " bytes, at least " + MIN_DATAGRAM);
    }
    int body = len - MAC_LENGTH;
    // No allocation per datagram on this path: a flood of well-sized garbage gets this far.
    byte[] expected = macScratch.get();
    boolean signed = false;
    for (SecretKeySpec key : keys.accepted()) {
      Mac mac = mac(key);
      mac.update(buf, 0, body);
      try {
        mac.doFinal(expected, 0);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 output refused: " + e.getMessage(), e);
      }
      signed |= constantTimeEquals(expected, buf, body);
    }
    if (!signed) {
      throw new MalformedHeartbeatException("bad MAC: wrong secret, tampered or truncated", true);
    }
    Heartbeat hb = parse(ByteBuffer.wrap(buf, HEADER, body - HEADER), version == QUORUM_VERSION);
    if (!domain.equals(hb.domain())) {
      throw new MalformedHeartbeatException("wrong domain '" + printable(hb.domain()) + "'");
    }
    return hb;
  }

  /**
   * The server name a datagram that failed its MAC claims to come from, unauthenticated: only to
   * tell which declared peer a wrong-key heartbeat names when several share a source address; empty
   * if it cannot be read.
   */
  static String claimedServer(byte[] buf, int len) {
    try {
      ByteBuffer in = ByteBuffer.wrap(buf, HEADER, Math.max(0, len - MAC_LENGTH - HEADER));
      getString(in);
      return getString(in);
    } catch (MalformedHeartbeatException | RuntimeException e) {
      return "";
    }
  }

  /** Whether {@code mac} equals the 32 bytes of {@code buf} at {@code off}, in constant time. */
  private static boolean constantTimeEquals(byte[] mac, byte[] buf, int off) {
    int diff = 0;
    for (int i = 0; i < MAC_LENGTH; i++) {
      diff |= mac[i] ^ buf[off + i];
    }
    return diff == 0;
  }

  private static Heartbeat parse(ByteBuffer in, boolean quorum) throws MalformedHeartbeatException {
    try {
      String domain = getString(in);
      String server = getString(in);
      long bootId = in.getLong();
      long seq = in.getLong();
      ServerState state = getState(in, quorum);
      long term = in.getLong();
      long activeSince = in.getLong();
      int health = in.getInt();
      boolean ready = getBoolean(in, "runtimeReady");
      long domainVersion = in.getLong();
      long mirrorSeq = in.getLong();
      String productVersion = getString(in);
      String takeover = getString(in);
      String handover = getString(in);
      long sentAt = in.getLong();
      long echo = in.getLong();
      long hold = in.getLong();
      String leaseHolder = quorum ? getString(in) : "";
      boolean leaseRequest = quorum && getBoolean(in, "leaseRequest");
      long leaseEcho = quorum ? in.getLong() : 0;
      if (in.hasRemaining()) {
        throw new MalformedHeartbeatException("corrupt: " + in.remaining() + " trailing bytes");
      }
      return new Heartbeat(
          domain,
          server,
          bootId,
          seq,
          state,
          term,
          activeSince,
          health,
          ready,
          domainVersion,
          mirrorSeq,
          productVersion,
          takeover,
          handover,
          sentAt,
          echo,
          hold,
          leaseHolder,
          leaseRequest,
          leaseEcho);
    } catch (BufferUnderflowException e) {
      throw new MalformedHeartbeatException("corrupt: fields overrun the datagram");
    }
  }

  private static String getString(ByteBuffer in) throws MalformedHeartbeatException {
    int n = Byte.toUnsignedInt(in.get());
    if (n > in.remaining()) {
      throw new BufferUnderflowException();
    }
    ByteBuffer slice = in.slice(in.position(), n);
    in.position(in.position() + n);
    try {
      // newDecoder() reports malformed input instead of replacing it.
      return StandardCharsets.UTF_8.newDecoder().decode(slice).toString();
    } catch (CharacterCodingException e) {
      throw new MalformedHeartbeatException("corrupt: invalid UTF-8 in a string");
    }
  }

  private static ServerState getState(ByteBuffer in, boolean quorum)
      throws MalformedHeartbeatException {
    int code = Byte.toUnsignedInt(in.get());
    if (code >= (quorum ? WIRE_STATES.size() : V2_STATES)) {
      throw new MalformedHeartbeatException("corrupt: unknown state code " + code);
    }
    return WIRE_STATES.get(code);
  }

  private static boolean getBoolean(ByteBuffer in, String field)
      throws MalformedHeartbeatException {
    byte b = in.get();
    if (b != 0 && b != 1) {
      throw new MalformedHeartbeatException("corrupt: " + field + " byte " + b);
    }
    return b == 1;
  }

  /** A peer-supplied string made safe for a one-line log message. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 64));
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    return s.length() > 64 ? sb + "..." : sb.toString();
  }
}
