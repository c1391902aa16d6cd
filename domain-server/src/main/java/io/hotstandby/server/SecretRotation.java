package io.hotstandby.server;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.ServerSpec;
import io.hotstandby.events.Weight;
import io.hotstandby.rec.PeerView;
import io.hotstandby.rec.RecLink;
import java.util.Arrays;
import java.util.List;

/**
 * Rotates a new domain secret in without a gap: until every server of the domain has been heard
 * running the version that brought it, this server signs with the old secret (which every server
 * still knows) and accepts both; then it signs with the new one and drops the old. Role thread.
 */
final class SecretRotation {
  private final ServerParts parts;
  private volatile byte[] previousSecret;
  private volatile long rotationVersion;

  SecretRotation(ServerParts parts) {
    this.parts = parts;
  }

  /** A new version is in force: starts a rotation when it brings a new secret. */
  void domainChanged(Domain old, Domain next) {
    if (Arrays.equals(old.secret(), next.secret())) {
      return;
    }
    previousSecret = old.secret();
    rotationVersion = next.version();
    parts.events.record(
        Weight.NOTICE,
        "domain",
        "domain version "
            + next.version()
            + " brings a new secret: signing with the old one until every server runs it");
    apply();
  }

  /** Ends a rotation once every other server announces the version that brought the secret. */
  void check() {
    RecLink rec = parts.rec;
    if (previousSecret == null || rec == null) {
      return;
    }
    for (ServerSpec peer : parts.domain.peersOf(parts.self)) {
      PeerView v = rec.peers().get(peer.name());
      if (v == null || v.last() == null || v.last().domainVersion() < rotationVersion) {
        return;
      }
    }
    previousSecret = null;
    apply();
    parts.events.record(
        Weight.NOTICE,
        "domain",
        "every server runs domain version "
            + rotationVersion
            + " or later: signing with its secret, the old one is no longer accepted");
  }

  /** Gives a REC link built for the domain in force the secrets of a rotation under way. */
  void applyTo(RecLink fresh) {
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
