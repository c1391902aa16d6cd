package io.hotstandby.rec;

import io.hotstandby.rec.IntegrityResult.AddressResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The split-brain guard: can this server reach at least one third-party address (a PLC, a router)?
 * Checked by TCP connect to every configured address at once, each within a timeout. A server that
 * reaches neither its peer nor any integrity address is the isolated one. Thread-safe.
 */
public final class IntegrityCheck implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IntegrityCheck.class);

  /** Connect timeout used unless another is given. */
  public static final long DEFAULT_TIMEOUT_MS = 200;

  private final List<InetSocketAddress> addresses;
  private final long timeoutMs;
  private final AtomicReference<IntegrityResult> latest = new AtomicReference<>();
  private ScheduledExecutorService background; // guarded by this

  public IntegrityCheck(List<InetSocketAddress> addresses) {
    this(addresses, DEFAULT_TIMEOUT_MS);
  }

  /**
   * @param addresses the integrity addresses; none means the check is not configured
   * @param connectTimeoutMs how long to wait for each connect
   */
  public IntegrityCheck(List<InetSocketAddress> addresses, long connectTimeoutMs) {
    if (connectTimeoutMs < 1) {
      throw new IllegalArgumentException("connect timeout must be positive: " + connectTimeoutMs);
    }
    this.addresses = List.copyOf(addresses);
    this.timeoutMs = connectTimeoutMs;
  }

  /** Whether any integrity address is configured. */
  public boolean configured() {
    return !addresses.isEmpty();
  }

  /**
   * Connects to every address in parallel and waits at most the connect timeout. Also becomes
   * {@link #latest()}.
   */
  public IntegrityResult checkNow() {
    long start = System.nanoTime();
    List<AddressResult> results = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      List<Probe> probes = new ArrayList<>();
      try {
        for (InetSocketAddress a : addresses) {
          probes.add(Probe.open(a, selector));
        }
        awaitConnects(selector, start);
      } finally {
        probes.forEach(Probe::close);
      }
      probes.forEach(p -> results.add(p.result(timeoutMs)));
    } catch (IOException e) {
      // Without a selector nothing was tried: report every address as failed, with the reason.
      results.clear();
      addresses.forEach(a -> results.add(new AddressResult(a, false, 0, e.toString())));
    }
    IntegrityResult r = new IntegrityResult(Instant.now(), start, results);
    latest.accumulateAndGet(
        r, (old, n) -> old == null || n.checkedAtNanos() - old.checkedAtNanos() >= 0 ? n : old);
    return r;
  }

  private void awaitConnects(Selector selector, long start) throws IOException {
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    // Ends when every connect has finished or at the deadline, whichever is first.
    while (!selector.keys().isEmpty()) {
      long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (remainingMs <= 0 || Thread.currentThread().isInterrupted()) {
        return; // an interrupted select() returns at once: without this it would spin
      }
      selector.select(remainingMs);
      for (SelectionKey key : selector.selectedKeys()) {
        ((Probe) key.attachment()).finish(start);
        key.cancel();
      }
      selector.selectedKeys().clear();
      selector.selectNow(); // flushes the cancelled keys out of keys()
    }
  }

  /** The most recent result, or null if no check has run yet. */
  public IntegrityResult latest() {
    return latest.get();
  }

  /**
   * Whether the integrity condition holds: true if not configured or if a result younger than
   * {@code maxAgeMs} reached some address; otherwise checks now (blocking up to the connect
   * timeout), so a stale or failed result is never trusted to refuse a takeover.
   */
  public boolean passes(long maxAgeMs) {
    if (!configured()) {
      return true;
    }
    IntegrityResult r = latest.get();
    if (r != null && r.ageMillis() < maxAgeMs && r.anyReachable()) {
      return true;
    }
    return checkNow().anyReachable();
  }

  /**
   * Checks every {@code intervalMs} in the background on a thread named "integrity-check", keeping
   * {@link #latest()} fresh. Does nothing if not configured.
   *
   * @throws IllegalStateException if already started
   */
  public synchronized void start(long intervalMs) {
    if (background != null) {
      throw new IllegalStateException("integrity check already started");
    }
    if (!configured()) {
      return;
    }
    background =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "integrity-check");
              t.setDaemon(true);
              return t;
            });
    background.scheduleWithFixedDelay(this::backgroundCheck, 0, intervalMs, TimeUnit.MILLISECONDS);
  }

  private void backgroundCheck() {
    try {
      IntegrityResult before = latest.get();
      IntegrityResult r = checkNow();
      if (before != null && before.anyReachable() != r.anyReachable()) {
        log.info(
            "integrity check: {}",
            r.anyReachable() ? "reachable again" : "nothing reachable: " + r.addresses());
      }
    } catch (RuntimeException e) {
      // An exception would cancel the schedule and freeze latest() for good.
      log.error("integrity check failed", e);
    }
  }

  /** Stops the background checks. Idempotent. */
  @Override
  public synchronized void close() {
    if (background != null) {
      background.shutdownNow();
    }
  }

  /** One address's non-blocking connect. */
  private static final class Probe {
    final InetSocketAddress address;
    SocketChannel channel;
    boolean done;
    boolean reachable;
    long millis;
    String error = "";

    private Probe(InetSocketAddress address) {
      this.address = address;
    }

    static Probe open(InetSocketAddress address, Selector selector) {
      Probe p = new Probe(address);
      if (address.isUnresolved()) {
        p.done = true;
        p.error = "cannot resolve " + address.getHostString();
        return p;
      }
      long start = System.nanoTime();
      try {
        p.channel = SocketChannel.open();
        p.channel.configureBlocking(false);
        if (p.channel.connect(address)) {
          p.succeed(start);
        } else {
          p.channel.register(selector, SelectionKey.OP_CONNECT, p);
        }
      } catch (IOException e) {
        p.fail(start, message(e));
      }
      return p;
    }

    void finish(long start) {
      try {
        if (channel.finishConnect()) {
          succeed(start);
        }
      } catch (IOException e) {
        fail(start, message(e));
      }
    }

    private void succeed(long start) {
      done = true;
      reachable = true;
      millis = (System.nanoTime() - start) / 1_000_000;
    }

    private void fail(long start, String why) {
      done = true;
      millis = (System.nanoTime() - start) / 1_000_000;
      error = why;
    }

    AddressResult result(long timeoutMs) {
      if (!done) {
        return new AddressResult(address, false, timeoutMs, "timeout after " + timeoutMs + " ms");
      }
      return new AddressResult(address, reachable, millis, error);
    }

    void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // nothing to do: the probe is over either way
        }
      }
    }

    private static String message(IOException e) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }
}
