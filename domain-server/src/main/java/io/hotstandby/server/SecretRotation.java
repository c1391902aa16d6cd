package io.hotstandby.server;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.ServerSpec;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.RecLink;
import io.hotstandby.server.probe.ProbeLogin;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Rotates a new domain secret in without a gap: until every reachable server of the domain has been
 * heard running the version that brought it, this server signs with the old secret (which every
 * server still knows) and accepts both; then it signs with the new one and drops the old. A server
 * that is down does not hold the rotation open ({@link RotationCompletion} says when it ends): it
 * is named in a NOTICE and must be given the current domain file before it rejoins, since the old
 * secret is not kept for it (docs/SECURITY.md, "Between servers"). Role thread.
 */
final class SecretRotation {
  private final ServerParts parts;
  private volatile byte[] previousSecret;
  private volatile long rotationVersion;
  private long startNanos;
  private volatile long linkSinceNanos;
  private final LongSupplier nanoClock;

  SecretRotation(ServerParts parts) {
    // The REC link's clock: peers' lastSeenNanos are compared with it.
    this(parts, System::nanoTime);
  }

  SecretRotation(ServerParts parts, LongSupplier nanoClock) {
    this.parts = parts;
    this.nanoClock = nanoClock;
    this.linkSinceNanos = nanoClock.getAsLong(); // the first link is built after this part
  }

  /** A new version is in force: starts a rotation when it brings a new secret. */
  void domainChanged(Domain old, Domain next) {
    if (Arrays.equals(old.secret(), next.secret())) {
      return;
    }
    previousSecret = old.secret();
    rotationVersion = next.version();
    startNanos = nanoClock.getAsLong();
    parts.events.record(
        Weight.NOTICE,
        "domain",
        "domain version "
            + next.version()
            + " brings a new secret: signing with the old one until every reachable server runs"
            + " it");
    apply();
  }

  /**
   * Ends a rotation once every reachable server announces the version that brought the secret,
   * naming the servers that were down (see {@link RotationCompletion}).
   */
  void check() {
    RecLink rec = parts.rec;
    if (previousSecret == null || rec == null) {
      return;
    }
    // The quorum witness reads its domain file only at its start: it does not hold a rotation open.
    String witness = parts.domain.hotStandby().witness();
    List<ServerSpec> peers =
        parts.domain.peersOf(parts.self).stream().filter(s -> !s.name().equals(witness)).toList();
    RotationCompletion.Verdict verdict =
        RotationCompletion.judge(
            peers.stream().map(ServerSpec::name).toList(),
            rec.peers(),
            rotationVersion,
            startNanos,
            linkSinceNanos,
            nanoClock.getAsLong(),
            parts.failoverTimeoutMillis());
    if (!verdict.complete()) {
      return;
    }
    previousSecret = null;
    apply();
    if (verdict.absent().isEmpty()) {
      parts.events.record(
          Weight.NOTICE,
          "domain",
          "every server runs domain version "
              + rotationVersion
              + " or later: signing with its secret, the old one is no longer accepted");
      return;
    }
    parts.events.record(
        Weight.NOTICE,
        "domain",
        "every reachable server runs domain version "
            + rotationVersion
            + " or later: signing with its secret, the old one is no longer accepted; "
            + absentAdvice(peers, verdict.absent()));
  }

  private static String absentAdvice(List<ServerSpec> peers, List<String> absent) {
    List<String> parts = new ArrayList<>();
    for (ServerSpec p : peers) {
      if (absent.contains(p.name())) {
        parts.add(
            p.name()
                + " was down: give it the current domain file with `domainctl --endpoint "
                + p.opcUaUrl()
                + " --user ADMIN domain apply FILE` before it rejoins");
      }
    }
    return String.join("; ", parts);
  }

  /** Gives a REC link built for the domain in force the secrets of a rotation under way. */
  void applyTo(RecLink fresh) {
    linkSinceNanos = nanoClock.getAsLong();
    byte[] old = previousSecret;
    if (old != null) {
      fresh.setSecrets(old, List.of(parts.domain.secret(), old));
    }
  }

  /** The keys the cluster topics sign with and accept now. */
  ClusterMember.TopicKeys topicKeys() {
    byte[] old = previousSecret;
    byte[] current = parts.domain.secret();
    return old != null
        ? new ClusterMember.TopicKeys(old, List.of(current, old))
        : new ClusterMember.TopicKeys(current, List.of(current));
  }

  /** The key this server's service probe makes its one-time passwords with ({@link ProbeLogin}). */
  byte[] probeKey() {
    return ProbeLogin.key(parts.domain.name(), topicKeys().signing());
  }

  /** The probe keys whose one-time passwords this server accepts now. */
  List<byte[]> acceptedProbeKeys() {
    String domain = parts.domain.name();
    return topicKeys().accepted().stream().map(s -> ProbeLogin.key(domain, s)).toList();
  }

  private void apply() {
    RecLink link = parts.rec;
    byte[] old = previousSecret;
    byte[] current = parts.domain.secret();
    if (link != null) {
      link.setSecrets(
          old != null ? old : current, old != null ? List.of(current, old) : List.of(current));
    }
    ClusterMember c = parts.cluster;
    if (c != null) {
      c.setKeys(topicKeys());
    }
  }
}
