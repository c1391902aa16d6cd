package io.hotstandby.cluster.sync;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.sync.DomainStore;
import io.hotstandby.domain.sync.DomainStore.Outcome;
import io.hotstandby.domain.sync.DomainVersion;
import io.hotstandby.domain.sync.HistoryEntry;
import io.hotstandby.domain.sync.SyncMessage;
import io.hotstandby.events.ReportThrottle;
import io.hotstandby.events.Weight;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the domain file the same on every server over a Hazelcast topic. Each server announces the
 * version it has in force when it joins and every {@value #DIGEST_MS} ms; a server that sees a peer
 * behind sends it the whole version, one that sees a version it does not know asks for it, and a
 * change made here is sent at once. What a received version does is the {@link DomainStore}'s
 * decision (adopt, ignore, conflict); this class only moves messages and reports.
 *
 * <p>Every message is handled on one thread ("domain-sync"), in the order it arrived.
 */
public final class DomainReplicator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DomainReplicator.class);

  /** The Hazelcast topic the servers of a domain talk on. */
  public static final String TOPIC = "hotstandby.domain";

  private final java.util.Map<String, String> peerHashes =
      new java.util.concurrent.ConcurrentHashMap<>();

  static final long DIGEST_MS = 2000;

  /** What the server does with what the replicator finds. */
  public interface Listener {
    /** A version from a peer is now in force here; {@code how} says where it came from. */
    void inForce(Domain domain, DomainVersion version, String how);

    /** Something for the event log. */
    void event(Weight weight, String message);
  }

  private final DomainStore store;
  private final String self;
  private final Listener listener;
  private final ScheduledExecutorService thread;
  private volatile ClusterMember cluster;
  private String failedSha = "";
  // The same unreadable message at most once a minute: a broken peer repeats it every second.
  private final ReportThrottle garbage =
      new ReportThrottle(Duration.ofMinutes(1), System::nanoTime);

  public DomainReplicator(DomainStore store, String self, Listener listener) {
    this.store = store;
    this.self = self;
    this.listener = listener;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "domain-sync");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts talking on the cluster once this server's member is up. */
  /**
   * The hash of the domain file {@code peer} last announced (its digests come every 2 s) when it
   * announced it as version {@code number}, or "" when none such was heard.
   */
  public String lastHashOf(String peer, long number) {
    String[] d = peerHashes.getOrDefault(peer, "").split(" ", 2);
    return d.length == 2 && d[0].equals(Long.toString(number)) ? d[1] : "";
  }

  public void attach(ClusterMember member) {
    member.subscribe(TOPIC, bytes -> thread.execute(() -> handle(bytes)));
    this.cluster = member;
    thread.execute(this::announce);
    thread.scheduleWithFixedDelay(this::announce, DIGEST_MS, DIGEST_MS, TimeUnit.MILLISECONDS);
  }

  /** A server joined the cluster: tell it what is in force here. */
  public void peerJoined(String name) {
    thread.execute(this::announce);
  }

  /** A change made here is in force: send it to every server now. */
  public void changedHere() {
    thread.execute(this::sendFull);
  }

  private void announce() {
    DomainVersion v = store.current();
    send(new SyncMessage.Digest(self, v.number(), v.sha256()));
  }

  private void sendFull() {
    send(new SyncMessage.Full(self, store.current()));
  }

  private void send(SyncMessage m) {
    ClusterMember c = cluster;
    if (c == null) {
      return; // the digest sent on attach catches the peers up
    }
    try {
      c.publish(TOPIC, SyncMessage.encode(m));
    } catch (RuntimeException e) {
      log.warn("publishing the domain file failed: {}", e.toString());
    }
  }

  private void handle(byte[] bytes) {
    SyncMessage m;
    try {
      m = SyncMessage.decode(bytes);
    } catch (IOException e) {
      garbage(e.getMessage());
      return;
    }
    if (m.sender().equals(self)) {
      return;
    }
    try {
      if (m instanceof SyncMessage.Digest d) {
        peerHashes.put(d.sender(), d.number() + " " + d.sha256());
        if (!d.sha256().equals(store.current().sha256())) {
          if (store.knows(d.sha256())) {
            sendFull();
          } else {
            send(new SyncMessage.Want(self, d.sha256()));
          }
        }
      } else if (m instanceof SyncMessage.Want w) {
        if (w.sha256().equals(store.current().sha256())) {
          sendFull();
        } else {
          // A version this server held before (e.g. one that lost a conflict here): the asker
          // needs it to record the conflict on its side too.
          store
              .find(w.sha256())
              .ifPresent(e -> send(new SyncMessage.Full(self, e.version(), false)));
        }
      } else if (m instanceof SyncMessage.Full f) {
        received(f);
      }
    } catch (RuntimeException e) {
      log.error("handling a domain sync message from {} failed", m.sender(), e);
    }
  }

  private void received(SyncMessage.Full f) {
    DomainStore.Received r = store.receive(f.version(), f.sender(), f.inForce());
    if (!r.message().isEmpty()) {
      Weight w =
          switch (r.outcome()) {
            case CONFLICT_KEPT, CONFLICT_ADOPTED, CONFLICT_PENDING, REFUSED, WRITE_FAILED ->
                Weight.ERROR;
            default -> Weight.NOTICE;
          };
      if (r.outcome() != Outcome.WRITE_FAILED || firstFailureFor(f.version())) {
        listener.event(w, r.message());
      }
    }
    if (r.changed()) {
      failedSha = "";
      listener.inForce(r.domain(), f.version(), "from " + f.sender());
    }
    // A conflict is answered once, when it is new: answering every copy of a diverged version
    // would keep two servers sending each other the file. Digests repeat it if it was lost.
    if (r.outcome() == Outcome.SENDER_BEHIND
        || (r.outcome() == Outcome.CONFLICT_KEPT && !r.message().isEmpty())) {
      sendFull();
    }
    if (r.outcome() == Outcome.CONFLICT_ADOPTED) {
      // The main may never have seen the version that lost here; it records the conflict too.
      List<HistoryEntry> h = store.history();
      for (int i = h.size() - 1; i >= 0; i--) {
        if (h.get(i).kind() == HistoryEntry.Kind.CONFLICT) {
          send(new SyncMessage.Full(self, h.get(i).version(), false));
          break;
        }
      }
    }
  }

  // A write that failed is retried at every announcement; report it once per version.
  private boolean firstFailureFor(DomainVersion v) {
    if (v.sha256().equals(failedSha)) {
      return false;
    }
    failedSha = v.sha256();
    return true;
  }

  private void garbage(String why) {
    if (garbage.admit(why) != ReportThrottle.HELD) {
      listener.event(Weight.WARNING, "unreadable message on the domain sync topic dropped: " + why);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
