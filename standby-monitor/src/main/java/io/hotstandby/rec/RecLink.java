package io.hotstandby.rec;

import io.hotstandby.events.RateLimitedLog;
import io.hotstandby.rec.PathState.Outgoing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REC link of one server: sends authenticated UDP heartbeats on every path to every peer,
 * receives theirs, and tells a {@link RecListener} when a peer's liveness changes.
 *
 * <p>Threads: one receive thread per path ("rec-&lt;server&gt;-&lt;path&gt;"), one scheduler
 * ("rec-&lt;server&gt;") that sends every {@code heartbeatMs} and checks liveness every quarter
 * interval (at most 25 ms), and one thread that calls the listener ("rec-&lt;server&gt;-events").
 * Thread-safe.
 */
public final class RecLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RecLink.class);
  private static final long MAX_TICK_NANOS = 25_000_000;

  private enum Phase {
    NEW,
    RUNNING,
    CLOSED
  }

  private final RecConfig cfg;
  private final LongSupplier clock;
  private final long heartbeatNanos;
  private final long timeoutNanos;
  private final long tickNanos;
  // Without a RecState (tests), boots still grow within the process.
  private static final AtomicLong LAST_UNPERSISTED_BOOT = new AtomicLong();

  private final RecState state;
  private volatile long bootId;
  private final HeartbeatCodec codec;
  private final DeclaredSources sources;
  private final PeerTable table;
  private final ForeignKeyCounter foreignKeys;
  private final EventDispatcher events;
  private final RecTiming timing;
  private final RateLimitedLog dropLog = new RateLimitedLog(log, 1000);
  private final RateLimitedLog sendLog = new RateLimitedLog(log, 1000);

  private final Object lifecycle = new Object();
  private volatile Phase phase = Phase.NEW;
  private volatile Map<String, PathSocket> sockets = Map.of();
  private ScheduledExecutorService scheduler;

  private volatile LocalStatus status;
  private final Object sendLock = new Object();
  private long seq; // guarded by sendLock
  private long nextSendNanos; // guarded by sendLock

  // Scheduler thread only.
  private boolean ticked;
  private long lastTickNanos;

  private RecLink(RecConfig cfg, RecState state) {
    this.cfg = cfg;
    this.state = state;
    this.clock = cfg.nanoClock();
    this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(cfg.heartbeatMs());
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(cfg.failoverTimeoutMs());
    this.tickNanos = Math.max(1_000_000, Math.min(MAX_TICK_NANOS, heartbeatNanos / 4));
    this.codec = new HeartbeatCodec(cfg.domain(), cfg.secret());
    this.sources = new DeclaredSources(cfg.peers());
    this.table =
        new PeerTable(
            cfg.peers(),
            heartbeatNanos,
            timeoutNanos,
            TimeUnit.MILLISECONDS.toNanos(cfg.failoverTimeoutMaxMs()),
            clock.getAsLong(),
            new PeerTable.BootSink() {
              @Override
              public long floor(String peer) {
                return state == null ? 0 : state.peerBoot(peer);
              }

              @Override
              public void booted(String peer, long boot) {
                persistPeerBoot(peer, boot);
              }
            });
    this.foreignKeys = new ForeignKeyCounter(cfg.peers(), timeoutNanos);
    this.events = new EventDispatcher("rec-" + cfg.server() + "-events", cfg.listener());
    this.timing = new RecTiming(cfg.heartbeatMs());
    setStatus(cfg.initialStatus());
  }

  /** A builder; domain, server, secret and at least one local endpoint are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds one socket per path and starts sending and receiving. If a path cannot be bound, nothing
   * is left open and the link is closed.
   *
   * @throws IOException naming the path and address, e.g. "REC path 'lan': cannot bind
   *     127.0.0.1:7101: Address already in use"
   * @throws IllegalStateException if already started or closed
   */
  public void start() throws IOException {
    synchronized (lifecycle) {
      if (phase != Phase.NEW) {
        throw new IllegalStateException("REC link already " + phase.name().toLowerCase());
      }
      Map<String, PathSocket> bound = new LinkedHashMap<>();
      try {
        bootId = nextBoot();
        for (Map.Entry<String, InetSocketAddress> e : cfg.endpoints().entrySet()) {
          bound.put(e.getKey(), PathSocket.bind(e.getKey(), e.getValue()));
        }
      } catch (IOException e) {
        bound.values().forEach(PathSocket::close);
        phase = Phase.CLOSED;
        events.close();
        throw e;
      }
      sockets = Collections.unmodifiableMap(bound);
      phase = Phase.RUNNING;
      String name = "rec-" + cfg.server();
      bound.forEach((path, s) -> s.startReceiving(name + "-" + path, this::onDatagram));
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
      scheduler.scheduleWithFixedDelay(this::tick, 0, tickNanos, TimeUnit.NANOSECONDS);
      List<String> paths = new ArrayList<>();
      bound.forEach((path, s) -> paths.add(path + "=" + PathSocket.hostPort(s.localAddress())));
      log.info("REC link of {} up on {}, peers {}", cfg.server(), paths, cfg.peers().keySet());
    }
  }

  /**
   * Changes the secrets while the link runs (the domain's secret rotated): heartbeats are signed
   * with {@code signing} and accepted when signed with any of {@code accepted}.
   */
  public void setSecrets(byte[] signing, List<byte[]> accepted) {
    codec.setSecrets(signing, accepted);
  }

  /** Stops sending, receiving and calling the listener. Idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (phase == Phase.CLOSED) {
        return;
      }
      phase = Phase.CLOSED;
      if (scheduler != null) {
        scheduler.shutdownNow();
        try {
          scheduler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      sockets.values().forEach(PathSocket::close);
      events.close();
    }
  }

  /**
   * Sets what the next heartbeats announce.
   *
   * @throws IllegalArgumentException if it would not fit in a datagram
   */
  public void setStatus(LocalStatus status) {
    // Encode once now, so an oversized status fails here and not on every send.
    codec.encode(envelope(status, 0, 0, 0, 0));
    this.status = status;
  }

  /** What the heartbeats announce. */
  public LocalStatus status() {
    return status;
  }

  /**
   * Sends a heartbeat on every path to every peer now, so peers learn of a state change at once
   * rather than up to one interval later. Does nothing unless running.
   */
  public void sendNow() {
    if (phase == Phase.RUNNING) {
      sendRound(clock.getAsLong(), true);
    }
  }

  /** How punctual the link has been since it started (see {@link RecTiming}). */
  public Map<String, Object> timing() {
    return timing.toMap();
  }

  /** A snapshot of every configured peer, in configuration order. */
  public Map<String, PeerView> peers() {
    return table.views(clock.getAsLong());
  }

  /** A snapshot of one peer; null if {@code name} is not a configured peer. */
  public PeerView peer(String name) {
    return table.view(name, clock.getAsLong());
  }

  /**
   * Per declared peer, how many well-formed heartbeats from its declared address failed the MAC
   * under every accepted key within the last failover timeout; only peers with at least one. A peer
   * listed here talks under another secret (its domain file differs from this server's), or someone
   * forges its address. Empty when every peer is silent or verifies.
   */
  public Map<String, Integer> foreignKeyPeers() {
    return foreignKeys.counts(clock.getAsLong());
  }

  /** Datagrams dropped on all paths: malformed, unauthenticated, foreign, unknown, replayed. */
  public long droppedDatagrams() {
    return sockets.values().stream().mapToLong(s -> s.dropped.get()).sum();
  }

  /**
   * Datagrams dropped on one path; 0 before start.
   *
   * @throws IllegalArgumentException if there is no such path
   */
  public long droppedDatagrams(String path) {
    if (!cfg.endpoints().containsKey(path)) {
      throw new IllegalArgumentException("no REC path '" + path + "'");
    }
    PathSocket s = sockets.get(path);
    return s == null ? 0 : s.dropped.get();
  }

  /**
   * The address a path's socket is bound to (useful when configured with port 0), null before start
   * or after close.
   */
  public InetSocketAddress localAddress(String path) {
    PathSocket s = sockets.get(path);
    return s == null || phase != Phase.RUNNING ? null : s.localAddress();
  }

  /** The local server's name. */
  public String server() {
    return cfg.server();
  }

  /**
   * This link's boot number, higher than any earlier link of this server (persisted in its {@link
   * RecState}), so peers tell a restart's sequence numbers apart and refuse an earlier run's; 0
   * before start.
   */
  public long bootId() {
    return bootId;
  }

  private long nextBoot() {
    if (state != null) {
      return state.nextBoot();
    }
    return LAST_UNPERSISTED_BOOT.updateAndGet(b -> Math.max(b + 1, System.currentTimeMillis()));
  }

  private void persistPeerBoot(String peer, long boot) {
    if (state == null) {
      return;
    }
    try {
      state.peerBooted(peer, boot);
    } catch (IOException e) {
      // The link goes on; after a restart it refuses earlier boots of this peer only up to
      // the number last written.
      sendLog.warn(() -> "REC: cannot record boot " + boot + " of " + peer + ": " + e);
    }
  }

  private Heartbeat envelope(LocalStatus s, long seq, long sentAt, long echo, long hold) {
    return s.toHeartbeat(cfg.domain(), cfg.server(), bootId, seq, sentAt, echo, hold);
  }

  private void tick() {
    try {
      long now = clock.getAsLong();
      if (ticked) {
        detectPause(now);
      }
      ticked = true;
      lastTickNanos = now;
      sendRound(now, false);
      // At the time the pause check saw: a pause after it (during the round) is found by the
      // next tick before any peer is judged on the later time, so it cannot lose them at once.
      events.post(table.evaluate(now));
    } catch (RuntimeException e) {
      // An exception would cancel the schedule and silently stop the heartbeats.
      log.error("REC link of {}: scheduler tick failed", cfg.server(), e);
    }
  }

  private void detectPause(long now) {
    long late = now - lastTickNanos - tickNanos;
    timing.tick(late);
    if (late > timeoutNanos / 2) {
      long lateMillis = TimeUnit.NANOSECONDS.toMillis(late);
      log.warn(
          "REC link of {}: scheduler ran {} ms late (process paused?); peers get a fresh timeout",
          cfg.server(),
          lateMillis);
      table.resume(now, lastTickNanos);
      events.post(List.of(l -> l.onPause(lateMillis)));
    } else if (late > heartbeatNanos / 2) {
      table.delayed(late, now);
    }
  }

  /** One round: the same sequence number on every path to every peer (see PeerState#admit). */
  private void sendRound(long now, boolean force) {
    synchronized (sendLock) {
      if (!force && now - nextSendNanos < 0) {
        return;
      }
      nextSendNanos = now + heartbeatNanos;
      long round = ++seq;
      LocalStatus s = status;
      for (Outgoing o : table.outgoing()) {
        long sentAt = clock.getAsLong();
        long hold = o.echoNanos() == 0 ? 0 : Math.max(0, sentAt - o.echoReceivedAtNanos());
        byte[] data = codec.encode(envelope(s, round, sentAt, o.echoNanos(), hold));
        try {
          sockets.get(o.path()).send(data, o.target());
        } catch (IOException e) {
          if (phase == Phase.RUNNING) {
            sendLog.warn(
                () ->
                    "REC path '"
                        + o.path()
                        + "': cannot send to "
                        + o.peer()
                        + " at "
                        + PathSocket.hostPort(o.target())
                        + ": "
                        + e.getMessage());
          }
        }
      }
    }
  }

  private void onDatagram(PathSocket socket, byte[] buf, int len, SocketAddress source) {
    // Cheapest first: a flood from an address no peer has costs a set lookup, not a MAC.
    if (!sources.admits(socket.path, source)) {
      drop(socket, source, "not from an address declared for a peer on this path");
      return;
    }
    Heartbeat hb;
    try {
      hb = codec.decode(buf, len);
    } catch (MalformedHeartbeatException e) {
      if (e.wrongKey()) {
        foreignKeys.record(
            socket.path, source, HeartbeatCodec.claimedServer(buf, len), clock.getAsLong());
      }
      drop(socket, source, e.getMessage());
      return;
    }
    if (hb.server().equals(cfg.server())) {
      drop(socket, source, "heartbeat bearing our own name");
      return;
    }
    List<Consumer<RecListener>> calls = new ArrayList<>(2);
    long now = clock.getAsLong();
    String refused = table.accept(hb, socket.path, source, now, Instant.now(), calls);
    if (refused != null) {
      drop(socket, source, refused);
    } else {
      timing.arrived(hb.server(), hb.bootId(), hb.seq(), hb.sentAtNanos(), now);
      events.post(calls);
    }
  }

  private void drop(PathSocket socket, SocketAddress source, String reason) {
    socket.dropped.incrementAndGet();
    dropLog.warn(
        () -> "REC path '" + socket.path + "': dropped a datagram from " + source + ": " + reason);
  }

  /** Collects a {@link RecLink}'s configuration; {@link #build()} checks it. */
  public static final class Builder {
    private String domain;
    private String server;
    private byte[] secret;
    private long heartbeatMs = 100;
    private long failoverTimeoutMs = 500;
    private long failoverTimeoutMaxMs = -1;
    private Map<String, InetSocketAddress> endpoints = Map.of();
    private Map<String, Map<String, InetSocketAddress>> peers = Map.of();
    private LongSupplier nanoClock = System::nanoTime;
    private RecListener listener = new RecListener() {};
    private LocalStatus status = LocalStatus.starting("");
    private RecState state;

    private Builder() {}

    /**
     * Where the boot numbers are kept (this server's, and the highest of each peer); without it,
     * replays are refused only while both processes run. Share one per server.
     */
    public Builder state(RecState state) {
      this.state = state;
      return this;
    }

    /** The domain's name; heartbeats of other domains are dropped. */
    public Builder domain(String domain) {
      this.domain = domain;
      return this;
    }

    /** The local server's name, sent in every heartbeat. */
    public Builder server(String server) {
      this.server = server;
      return this;
    }

    /** The domain's secret, from which the HMAC key is derived. */
    public Builder secret(byte[] secret) {
      this.secret = secret;
      return this;
    }

    /** Interval between heartbeats; default 100 ms. */
    public Builder heartbeatMs(long heartbeatMs) {
      this.heartbeatMs = heartbeatMs;
      return this;
    }

    /**
     * Silence on every path after which a punctual peer is LOST; default 500 ms, at least 2 beats.
     */
    public Builder failoverTimeoutMs(long failoverTimeoutMs) {
      this.failoverTimeoutMs = failoverTimeoutMs;
      return this;
    }

    /**
     * How long a peer's loss timeout may grow while it was recently late or either side is warming
     * up (see {@link LossTimeout}); default the failover timeout, which keeps it fixed.
     */
    public Builder failoverTimeoutMaxMs(long failoverTimeoutMaxMs) {
      this.failoverTimeoutMaxMs = failoverTimeoutMaxMs;
      return this;
    }

    /** Path name to the local address its socket binds to. */
    public Builder localEndpoints(Map<String, InetSocketAddress> endpoints) {
      this.endpoints = endpoints;
      return this;
    }

    /** Peer name to (path name to the peer's address on that path). */
    public Builder peers(Map<String, Map<String, InetSocketAddress>> peers) {
      this.peers = peers;
      return this;
    }

    /** Monotonic clock in nanoseconds; default {@link System#nanoTime()}. For tests. */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = nanoClock;
      return this;
    }

    /** Told what the link sees; default none. */
    public Builder listener(RecListener listener) {
      this.listener = listener;
      return this;
    }

    /** What the first heartbeats announce; default {@code LocalStatus.starting("")}. */
    public Builder status(LocalStatus status) {
      this.status = status;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first problem in the configuration
     */
    public RecLink build() {
      return new RecLink(
          new RecConfig(
              domain,
              server,
              secret,
              heartbeatMs,
              failoverTimeoutMs,
              failoverTimeoutMaxMs < 0 ? failoverTimeoutMs : failoverTimeoutMaxMs,
              endpoints,
              peers,
              nanoClock,
              listener,
              status),
          state);
    }
  }
}
