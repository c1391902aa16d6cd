package io.hotstandby.server.vip;

import io.hotstandby.domain.VirtualIpSpec;
import io.hotstandby.events.Weight;
import io.hotstandby.server.StartupException;
import io.hotstandby.server.lifecycle.AbstractPart;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain's virtual IP address on this server: held while the server is ACTIVE, removed in every
 * other state and, before the role machine starts, a copy a crashed run left behind. The role
 * thread only says {@link #hold} or {@link #drop}; the commands run on a thread of this part's own
 * ("vip-NAME"), so a slow {@code ip} never holds up a takeover. The last word wins: a hold and a
 * drop in quick succession leave the address off.
 *
 * <p>A failure to add or remove the address is an ERROR event and weighs {@link #FAILURE_WEIGHT} in
 * the server's failure weight (lowering an active's ServiceLevel) until an attempt succeeds; a
 * failed attempt is repeated every {@link #RETRY_MILLIS}.
 */
public final class VirtualIp extends AbstractPart {
  private static final Logger log = LoggerFactory.getLogger(VirtualIp.class);

  /** What a failed add or remove weighs: as much as an unreachable device by default. */
  public static final int FAILURE_WEIGHT = 50;

  static final long RETRY_MILLIS = 5000;

  /** How often the interface is checked for an address added or removed by something else. */
  static final long CHECK_MILLIS = 2000;

  static final long COMMAND_TIMEOUT_MILLIS = 5000;

  /** How long an added IPv6 address may stay tentative before the advertisement is given up. */
  static final long ADVERT_TIMEOUT_MILLIS = 3000;

  /** Where the part reports; the server's event log. */
  public interface Events {
    void record(Weight weight, String message, Map<String, Object> details);
  }

  private final String server;
  private final AddressCommands address;
  private final Commands commands;
  private final NeighbourAdvert advert;
  private final Events events;
  private final Runnable weightChanged;
  private final LongSupplier nanos;
  private volatile ScheduledExecutorService thread;
  private volatile boolean wanted;
  private volatile long wantedSince;
  private volatile int failureWeight;
  // The vip thread only.
  private boolean held;
  private boolean retryArmed;

  /**
   * @param weightChanged called (on the vip thread) when {@link #failureWeight} changed
   */
  VirtualIp(
      String server,
      AddressCommands address,
      Commands commands,
      NeighbourAdvert advert,
      Events events,
      Runnable weightChanged,
      LongSupplier nanos) {
    super("virtual IP");
    this.server = server;
    this.address = address;
    this.commands = commands;
    this.advert = advert;
    this.events = events;
    this.weightChanged = weightChanged;
    this.nanos = nanos;
  }

  /**
   * The part for {@code server} of a domain with {@code spec}, or null when the domain has no
   * virtual IP or gives this server no interface for it (a witness).
   */
  public static VirtualIp of(
      VirtualIpSpec spec, String server, Events events, Runnable weightChanged) {
    if (!spec.enabled() || spec.interfaceOf(server).isEmpty()) {
      return null;
    }
    return new VirtualIp(
        server,
        AddressCommands.of(spec, server),
        Commands.PROCESSES,
        NeighbourAdvert.kernel(),
        events,
        weightChanged,
        System::nanoTime);
  }

  /** Removes a copy left behind by a crashed run; before the role machine may take the role. */
  @Override
  protected void doStart() throws StartupException {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "vip-" + server));
    // A retry still waiting when the server stops is dropped, not waited for.
    t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    thread = t;
    t.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    Commands.Result r = commands.run(address.delete(), COMMAND_TIMEOUT_MILLIS);
    if (r.ok()) {
      events.record(
          Weight.WARNING,
          "removed virtual IP "
              + address.cidr()
              + " from "
              + address.device()
              + ", left by an"
              + " earlier run",
          Map.of());
    } else if (!AddressCommands.notThere(r.error())) {
      failed("cannot remove a stale virtual IP " + address.cidr(), r);
    }
  }

  /** Takes the address off and stops the thread; waits for that at most a few seconds. */
  @Override
  protected void doStop() {
    wanted = false;
    ExecutorService t = thread;
    if (t == null) {
      return;
    }
    try {
      t.execute(this::reconcile);
    } catch (RejectedExecutionException e) {
      log.debug("vip thread stopped already");
    }
    t.shutdown();
    try {
      t.awaitTermination(COMMAND_TIMEOUT_MILLIS + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    t.shutdownNow();
  }

  /** This server became ACTIVE: add the address and announce it. Any thread; returns at once. */
  public void hold() {
    want(true);
  }

  /** This server left ACTIVE: remove the address. Any thread; returns at once. */
  public void drop() {
    want(false);
  }

  /** The weight of a failed add or remove, 0 when the last attempt worked. */
  public int failureWeight() {
    return failureWeight;
  }

  private void want(boolean hold) {
    wanted = hold;
    wantedSince = nanos.getAsLong();
    onThread(this::reconcile);
  }

  /** Brings the interface to what is wanted now. The vip thread only. */
  private void reconcile() {
    try {
      bringToWish();
    } catch (RuntimeException e) {
      // Nothing would try again: the periodic check waits for a settled wish.
      failed(
          "cannot bring virtual IP " + address.cidr() + " to the role",
          new Commands.Result(-1, e.toString()));
      retryLater();
    }
  }

  private void bringToWish() {
    boolean hold = wanted;
    if (hold == held && failureWeight == 0) {
      return;
    }
    long since = wantedSince;
    Commands.Result r = hold ? add() : commands.run(address.delete(), COMMAND_TIMEOUT_MILLIS);
    boolean done =
        r.ok()
            || (hold && AddressCommands.alreadyThere(r.error()))
            || (!hold && AddressCommands.notThere(r.error()));
    if (!done) {
      failed(
          "cannot "
              + (hold ? "add" : "remove")
              + " virtual IP "
              + address.cidr()
              + " on "
              + address.device(),
          r);
      retryLater();
      return;
    }
    held = hold;
    long micros = (nanos.getAsLong() - since) / 1000;
    if (hold && !address.ipv6()) {
      announce();
    }
    events.record(
        Weight.NOTICE,
        "virtual IP "
            + address.cidr()
            + (hold ? " added on " : " removed from ")
            + address.device(),
        Map.of("durationMs", micros / 1000.0));
    setWeight(0);
  }

  /**
   * Adds the address. An IPv6 one is added so that the kernel advertises it to the neighbours at
   * once ({@link NeighbourAdvert}); this waits for that, a few milliseconds.
   */
  private Commands.Result add() {
    if (!address.ipv6()) {
      return commands.run(address.add(false), COMMAND_TIMEOUT_MILLIS);
    }
    NeighbourAdvert.Prepared prepared;
    try {
      prepared = advert.prepare(address.device());
    } catch (IOException e) {
      unannounced("cannot switch duplicate address detection off for a moment: " + e);
      return commands.run(address.add(true), COMMAND_TIMEOUT_MILLIS);
    }
    try {
      Commands.Result r = commands.run(address.add(false), COMMAND_TIMEOUT_MILLIS);
      if (r.ok()
          && !advert.awaitAdvertised(address.address(), address.device(), ADVERT_TIMEOUT_MILLIS)) {
        unannounced("still tentative after " + ADVERT_TIMEOUT_MILLIS + " ms");
      }
      return r;
    } catch (IOException e) {
      unannounced("cannot read the address's state: " + e);
      return new Commands.Result(0, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Commands.Result(0, "");
    } finally {
      try {
        advert.restore(prepared);
      } catch (IOException e) {
        events.record(
            Weight.WARNING,
            "cannot put accept_dad of " + address.device() + " back: " + e,
            Map.of());
      }
    }
  }

  /** The IPv6 address is on the interface, but no neighbour advertisement went out for it. */
  private void unannounced(String why) {
    events.record(
        Weight.WARNING,
        "virtual IP "
            + address.address()
            + " not advertised to the neighbours ("
            + why
            + "); they find it when they probe again",
        Map.of());
  }

  /**
   * Puts back what something else changed: an address removed by hand (or by a network manager
   * reconfiguring the interface) while this server is ACTIVE, or added while it is not. The vip
   * thread only; skipped while an attempt failed (the retry deals with it) or a wish is pending.
   */
  private void check() {
    try {
      compare();
    } catch (RuntimeException e) {
      // An exception would end the periodic check for good.
      log.warn("cannot compare the interface with the role: {}", e.toString());
    }
  }

  private void compare() {
    boolean hold = wanted;
    if (hold != held || failureWeight != 0) {
      return;
    }
    boolean present;
    try {
      present = commands.present(address);
    } catch (IOException | RuntimeException e) {
      log.debug("cannot read the addresses of {}", address.device(), e);
      return;
    }
    if (present == hold) {
      return;
    }
    events.record(
        Weight.WARNING,
        "virtual IP "
            + address.cidr()
            + (hold
                ? " was removed from " + address.device() + " by something else; adding it again"
                : " is on " + address.device() + " though this server is not ACTIVE; removing it"),
        Map.of());
    held = present;
    reconcile();
  }

  /** Gratuitous ARP in the background: the thread is free for a drop. */
  private void announce() {
    List<String> command = address.announce();
    commands
        .start(command, COMMAND_TIMEOUT_MILLIS)
        .thenAccept(
            r -> {
              if (!r.ok()) {
                String what =
                    "cannot announce virtual IP " + address.address() + " with " + command.get(0);
                // The address is on the interface: neighbours learn the move when their cache
                // entry runs out or they probe again. A WARNING, no failure weight (the partner
                // would fail the same way, and a weight would hand the role back and forth).
                events.record(
                    Weight.WARNING,
                    what
                        + ": "
                        + (r.error().isEmpty() ? "exit code " + r.exitCode() : r.error())
                        + "; neighbours find it when they probe again",
                    Map.of());
              }
            });
  }

  private void onThread(Runnable task) {
    ExecutorService t = thread;
    try {
      if (t != null) {
        t.execute(task);
      }
    } catch (RejectedExecutionException e) {
      log.debug("vip thread stopped");
    }
  }

  private void failed(String what, Commands.Result r) {
    String text = what + ": " + (r.error().isEmpty() ? "exit code " + r.exitCode() : r.error());
    log.error(text);
    events.record(Weight.ERROR, text, Map.of());
    setWeight(FAILURE_WEIGHT);
  }

  private void setWeight(int weight) {
    if (failureWeight != weight) {
      failureWeight = weight;
      weightChanged.run();
    }
  }

  private void retryLater() {
    var t = thread;
    if (retryArmed || t == null) {
      return;
    }
    retryArmed = true;
    try {
      t.schedule(
          () -> {
            retryArmed = false;
            reconcile();
          },
          RETRY_MILLIS,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      retryArmed = false;
    }
  }
}
