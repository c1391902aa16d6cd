package io.hotstandby.cluster.sync;

import io.hotstandby.cluster.ClusterMember;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileWriter;
import io.hotstandby.domain.ProjectSyncSpec;
import io.hotstandby.domain.Sha256;
import io.hotstandby.events.ReportThrottle;
import io.hotstandby.events.Weight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the project files the same as the active server's, over the Hazelcast topic {@value
 * #TOPIC}. The active is the source of truth: it announces the manifest of its project files on
 * disk and of those its runtime loaded every {@value #ANNOUNCE_MS} ms, when it becomes active and
 * when a server joins. Every server remembers the last announcement (the newest term wins) and
 * compares the files <em>its</em> runtime loaded with the active's files on disk: a server that
 * differs reports it and, when the domain enables synchronisation, is not ready, so it neither
 * takes over nor is chosen for a switchover until it restarts with the active's files.
 *
 * <p>With synchronisation enabled ({@code <projects sync="true">}), a server that is not active
 * asks the active for each file whose copy on its disk differs, one at a time. The active sends it
 * in chunks of at most 64 KiB, every chunk it sends paced by one {@link TokenBucket} at the
 * domain's {@code bandwidthKBps}; a file that changes during a transfer is sent again from the
 * start. The receiver assembles the file (at most {@value ProjectSyncMessage#MAX_FILE} bytes),
 * verifies its SHA-256 against the manifest, keeps the file it replaces in {@code
 * DATA_DIR/project-history/} and writes the new one atomically. The runtime cannot reload a project
 * while it runs, so the copy takes effect when the server restarts.
 *
 * <p>Threads (daemons, stopped by {@link #close}): "project-sync" handles every message in arrival
 * order (at most {@value #MAX_PENDING} waiting; more are dropped and a transfer that loses a chunk
 * is asked again), announces and retries; "project-send" serves the active's transfers one at a
 * time (at most {@value #MAX_REQUESTS} waiting).
 */
public final class ProjectSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProjectSync.class);

  /** The Hazelcast topic of the project files. */
  public static final String TOPIC = "hotstandby.projects";

  static final long ANNOUNCE_MS = 2000;
  static final long HOUSEKEEPING_MS = 500;
  static final int MAX_PENDING = 256;
  static final int MAX_REQUESTS = 16;

  /** How many replaced files {@code project-history/} keeps. */
  static final int HISTORY_KEEP = 32;

  /** A transfer that gets no chunk for this long is abandoned and asked again. */
  static final long STALL_MS = 10_000;

  /** How long a file whose copy failed (hash, write) is left alone before it is asked again. */
  static final long RETRY_MS = 5_000;

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** What the server does with what this class finds. */
  public interface Listener {
    /** Something for the event log. */
    void event(Weight weight, String message);

    /** Whether the loaded project files match the active's changed; readiness may have too. */
    void inSyncChanged(boolean inSync);
  }

  /**
   * This server's view, for its status.
   *
   * @param sync whether the domain enables copying
   * @param bandwidthKBps the domain's limit
   * @param active the active server whose files count ("" when none was heard), this server's name
   *     when it is the active
   * @param inSync whether the files loaded here are the active's files on disk
   * @param loaded the manifest hash of the files this server's runtime loaded
   * @param onDisk the manifest hash of this server's files on disk
   * @param activeLoaded the active's loaded manifest hash, as last announced
   * @param activeOnDisk the active's on-disk manifest hash, as last announced
   * @param differences the files loaded here that differ from the active's on disk
   * @param changedOnDisk the files on this server's disk that differ from those it loaded (they
   *     take effect at the next start)
   * @param copying the file being copied from the active, or ""
   * @param filesCopied how many files were copied from the active since the start
   */
  public record Status(
      boolean sync,
      int bandwidthKBps,
      String active,
      boolean inSync,
      String loaded,
      String onDisk,
      String activeLoaded,
      String activeOnDisk,
      List<String> differences,
      List<String> changedOnDisk,
      String copying,
      long filesCopied) {}

  /** The last announcement from an active server. */
  private record Reference(
      String sender, long term, ProjectManifest onDisk, ProjectManifest loaded) {}

  /** A transfer being received. */
  private static final class Incoming {
    final String path;
    final String from;
    final String sha256;
    final byte[] content;
    final long startedNanos;
    int received;
    long lastChunkNanos;

    Incoming(String path, String from, String sha256, int size, long startedNanos) {
      this.path = path;
      this.from = from;
      this.sha256 = sha256;
      this.content = new byte[size];
      this.startedNanos = startedNanos;
      this.lastChunkNanos = startedNanos;
    }
  }

  /** A file a server asked the active for. */
  private record Request(String to, String path) {}

  private final Supplier<Domain> domain;
  private final String self;
  private final Path historyDir;
  private final ProjectManifest loaded;
  private final BooleanSupplier active;
  private final LongSupplier term;
  private final Listener listener;
  private final LongSupplier nanoTime;
  private final Clock clock;
  private final ProjectFiles files;
  private final TokenBucket bucket;
  // The same unreadable message at most once a minute: a broken peer repeats it at every announce.
  private final ReportThrottle garbage;
  private final ScheduledExecutorService thread;
  private final ExecutorService sender;
  private final BlockingDeque<Request> requests = new LinkedBlockingDeque<>(MAX_REQUESTS);
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong copied = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Consumer<byte[]> publisher;
  private volatile boolean closed;

  // Written on the "project-sync" thread only; read anywhere.
  private volatile Reference reference;
  private volatile boolean inSync = true;
  private volatile List<String> differences = List.of();
  private volatile String copying = "";
  private volatile ProjectManifest onDisk;

  // "project-sync" thread only.
  private Incoming incoming;
  private String wanted;
  private long wantedAtNanos;
  private final Map<String, Long> retryAfter = new HashMap<>();
  private final Map<String, String> reported = new HashMap<>();
  private boolean wasActive;
  private String comparedWith = "";

  /**
   * @param domain the domain in force, asked each time (so changed settings apply at once)
   * @param self this server's name
   * @param dataDir this server's data directory; replaced files go to {@code project-history/}
   * @param loaded the manifest of the files this server's runtime loaded
   * @param active whether this server is the active now
   * @param term this server's term
   */
  public ProjectSync(
      Supplier<Domain> domain,
      String self,
      Path dataDir,
      ProjectManifest loaded,
      BooleanSupplier active,
      LongSupplier term,
      Listener listener) {
    this(
        domain,
        self,
        dataDir,
        loaded,
        active,
        term,
        listener,
        System::nanoTime,
        Clock.systemUTC(),
        true);
  }

  /** As the public constructor, with the clocks given and, for tests, no periodic work. */
  ProjectSync(
      Supplier<Domain> domain,
      String self,
      Path dataDir,
      ProjectManifest loaded,
      BooleanSupplier active,
      LongSupplier term,
      Listener listener,
      LongSupplier nanoTime,
      Clock clock,
      boolean periodic) {
    this.domain = domain;
    this.self = self;
    this.historyDir = dataDir.resolve("project-history");
    this.loaded = loaded;
    this.active = active;
    this.term = term;
    this.listener = listener;
    this.nanoTime = nanoTime;
    this.clock = clock;
    this.files = new ProjectFiles(domain);
    this.onDisk = files.onDisk();
    long rate = rateOf(domain.get().projectSync());
    this.bucket = new TokenBucket(rate, chunkSize(rate), nanoTime);
    this.garbage = new ReportThrottle(Duration.ofMinutes(1), nanoTime);
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "project-sync"));
    this.sender = Executors.newSingleThreadExecutor(r -> daemon(r, "project-send"));
    if (periodic) {
      thread.scheduleWithFixedDelay(
          () -> guarded(this::announce), ANNOUNCE_MS, ANNOUNCE_MS, TimeUnit.MILLISECONDS);
      thread.scheduleWithFixedDelay(
          () -> guarded(this::housekeeping),
          HOUSEKEEPING_MS,
          HOUSEKEEPING_MS,
          TimeUnit.MILLISECONDS);
    }
    sender.execute(this::serveRequests);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static long rateOf(ProjectSyncSpec spec) {
    return Math.max(1, spec.bandwidthKBps()) * 1024L;
  }

  /**
   * The chunk size at {@code bytesPerSecond}: about four chunks a second, from 1 KiB to {@value
   * ProjectSyncMessage#MAX_CHUNK} bytes, so even a slow transfer sends something every second. It
   * is also the bucket's capacity: nothing goes out faster than the limit for longer than one
   * chunk.
   */
  static int chunkSize(long bytesPerSecond) {
    return (int) Math.max(1024, Math.min(ProjectSyncMessage.MAX_CHUNK, bytesPerSecond / 4));
  }

  /** Starts talking on the cluster once this server's member is up. */
  public void attach(ClusterMember member) {
    member.subscribe(TOPIC, this::receive);
    attach(bytes -> member.publish(TOPIC, bytes));
  }

  /**
   * Starts sending with {@code publish}, which reaches every server (this one included), and asks
   * the active to announce its files.
   */
  void attach(Consumer<byte[]> publish) {
    this.publisher = publish;
    post(
        () -> {
          announce();
          if (!wasActive) {
            send(new ProjectSyncMessage.Query(self));
          }
        });
  }

  /** A message from the topic; any thread. */
  public void receive(byte[] bytes) {
    if (closed) {
      return;
    }
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    try {
      thread.execute(
          () -> {
            try {
              guarded(() -> handle(bytes));
            } finally {
              pending.decrementAndGet();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pending.decrementAndGet();
    }
  }

  /** A server joined the cluster: the active tells it its files. */
  public void peerJoined(String name) {
    post(this::announce);
  }

  /** This server's role changed (to or from active). */
  public void roleChanged() {
    post(this::announce);
  }

  /** A new version of the domain file is in force: the settings in it apply from now on. */
  public void domainChanged() {
    post(
        () -> {
          long rate = rateOf(domain.get().projectSync());
          bucket.set(rate, chunkSize(rate));
          evaluate();
          askForNext();
        });
  }

  /**
   * Whether the project files allow this server to be ready: always when synchronisation is off or
   * this server is the active; otherwise when the files it loaded are the active's files on disk
   * (or no active has been heard).
   */
  public boolean projectsMatchActive() {
    return !domain.get().projectSync().enabled() || active.getAsBoolean() || inSync;
  }

  /** This server's view, for its status. */
  public Status status() {
    ProjectSyncSpec spec = domain.get().projectSync();
    boolean isActive = active.getAsBoolean();
    Reference r = reference;
    ProjectManifest disk = onDisk;
    String activeName = isActive ? self : r == null ? "" : r.sender();
    String activeLoaded = isActive ? loaded.hash() : r == null ? "" : r.loaded().hash();
    String activeOnDisk = isActive ? disk.hash() : r == null ? "" : r.onDisk().hash();
    return new Status(
        spec.enabled(),
        spec.bandwidthKBps(),
        activeName,
        isActive || inSync,
        loaded.hash(),
        disk.hash(),
        activeLoaded,
        activeOnDisk,
        isActive ? List.of() : differences,
        loaded.differences(disk),
        copying,
        copied.get());
  }

  /** The manifest of the files this server's runtime loaded. */
  public ProjectManifest loaded() {
    return loaded;
  }

  // ---- the "project-sync" thread ------------------------------------------------------------

  private void post(Runnable r) {
    if (closed) {
      return;
    }
    try {
      thread.execute(() -> guarded(r));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("project sync failed", e);
    }
  }

  /** The active announces its files; every server first follows a change of its own role. */
  private void announce() {
    followRole();
    ProjectManifest disk = readDisk();
    if (wasActive) {
      send(new ProjectSyncMessage.Announce(self, term.getAsLong(), disk, loaded));
    }
  }

  private void followRole() {
    boolean now = active.getAsBoolean();
    if (now == wasActive) {
      return;
    }
    wasActive = now;
    if (now) {
      // This server is the source now; what an earlier active said no longer counts.
      reference = null;
      abandon("this server is the active now");
      wanted = null;
      retryAfter.clear();
    }
    evaluate();
  }

  /** The files on disk now, kept for the status (which must not read the disk). */
  private ProjectManifest readDisk() {
    ProjectManifest m = files.onDisk();
    onDisk = m;
    return m;
  }

  private void housekeeping() {
    followRole();
    if (incoming != null && nanoTime.getAsLong() - incoming.lastChunkNanos > STALL_MS * 1_000_000) {
      abandon("no data from " + incoming.from + " for " + STALL_MS + " ms");
      wanted = null;
    }
    askForNext();
    long n = dropped.getAndSet(0);
    if (n > 0) {
      log.warn("{} project sync message(s) dropped: too many waiting", n);
    }
  }

  private void send(ProjectSyncMessage m) {
    Consumer<byte[]> p = publisher;
    if (p == null || closed) {
      return;
    }
    try {
      p.accept(ProjectSyncMessage.encode(m));
    } catch (RuntimeException e) {
      log.warn("publishing on {} failed: {}", TOPIC, e.toString());
    }
  }

  private void handle(byte[] bytes) {
    ProjectSyncMessage m;
    try {
      m = ProjectSyncMessage.decode(bytes);
    } catch (IOException e) {
      garbage(e.getMessage());
      return;
    }
    if (m.sender().equals(self)) {
      return;
    }
    if (m instanceof ProjectSyncMessage.Announce a) {
      announced(a);
    } else if (m instanceof ProjectSyncMessage.Query) {
      announce();
    } else if (m instanceof ProjectSyncMessage.Want w) {
      if (w.to().equals(self)
          && active.getAsBoolean()
          && domain.get().projectSync().enabled()
          && files.resolve(w.path()).isPresent()) {
        Request r = new Request(w.sender(), w.path());
        if (!requests.contains(r) && !requests.offerLast(r)) {
          log.warn("request of {} for {} dropped: too many waiting", w.sender(), w.path());
        }
      }
    } else if (m instanceof ProjectSyncMessage.Chunk c) {
      if (c.to().equals(self)) {
        chunk(c);
      }
    }
  }

  private void announced(ProjectSyncMessage.Announce a) {
    Reference r = reference;
    if (r != null && !r.sender().equals(a.sender()) && a.term() < r.term()) {
      return; // an older active, still talking
    }
    reference = new Reference(a.sender(), a.term(), a.onDisk(), a.loaded());
    evaluate();
    askForNext();
  }

  /**
   * Compares the files loaded here with the active's on disk; reports a change, and that they are
   * the same when an active is first compared with (after a start or a change of active).
   */
  private void evaluate() {
    Reference r = reference;
    boolean isActive = active.getAsBoolean();
    List<String> diff = r == null || isActive ? List.of() : loaded.differences(r.onDisk());
    boolean now = diff.isEmpty();
    boolean was = inSync;
    boolean newActive = r != null && !isActive && !r.sender().equals(comparedWith);
    if (r != null) {
      comparedWith = r.sender();
    }
    differences = diff;
    inSync = now;
    if (!now && (was || newActive)) {
      boolean enabled = domain.get().projectSync().enabled();
      listener.event(
          Weight.WARNING,
          "project files loaded here differ from the active "
              + r.sender()
              + "'s: "
              + String.join(", ", diff)
              + (enabled
                  ? "; this server is not ready until it restarts with the active's files"
                  : "; project sync is off, so this is only reported"));
    } else if (now && r != null && !isActive && (!was || newActive)) {
      listener.event(
          Weight.NOTICE,
          "project files loaded here are the same as the active " + r.sender() + "'s");
    }
    if (now != was) {
      listener.inSyncChanged(now);
    }
  }

  /** Asks the active for the next file that differs on disk, unless a transfer is under way. */
  private void askForNext() {
    Reference r = reference;
    if (r == null || closed || !domain.get().projectSync().enabled() || active.getAsBoolean()) {
      abandon("");
      wanted = null;
      return;
    }
    long now = nanoTime.getAsLong();
    if (incoming != null) {
      return;
    }
    if (wanted != null && now - wantedAtNanos < STALL_MS * 1_000_000) {
      return; // asked, no chunk yet
    }
    wanted = null;
    ProjectManifest mine = readDisk();
    for (ProjectManifest.Entry theirs : r.onDisk().entries()) {
      if (!theirs.copyable()) {
        continue;
      }
      Optional<ProjectManifest.Entry> here = mine.entry(theirs.path());
      if (here.isPresent() && here.get().sha256().equals(theirs.sha256())) {
        continue;
      }
      if (files.resolve(theirs.path()).isEmpty()) {
        continue; // the domain versions differ for a moment
      }
      String key = theirs.path() + "@" + theirs.sha256();
      if (theirs.size() > ProjectSyncMessage.MAX_FILE) {
        reportOnce(
            theirs.path(),
            key,
            Weight.WARNING,
            "project file "
                + theirs.path()
                + " of "
                + r.sender()
                + " has "
                + theirs.size()
                + " bytes, more than the "
                + ProjectSyncMessage.MAX_FILE
                + " copied; copy it by hand");
        continue;
      }
      Long after = retryAfter.get(key);
      if (after != null && now - after < 0) {
        continue;
      }
      wanted = theirs.path();
      wantedAtNanos = now;
      send(new ProjectSyncMessage.Want(self, r.sender(), theirs.path(), theirs.sha256()));
      return;
    }
  }

  private void chunk(ProjectSyncMessage.Chunk c) {
    Reference r = reference;
    if (r == null
        || !c.sender().equals(r.sender())
        || !domain.get().projectSync().enabled()
        || active.getAsBoolean()) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (c.offset() == 0) {
      boolean asked =
          c.path().equals(wanted) || (incoming != null && incoming.path.equals(c.path()));
      if (!asked || files.resolve(c.path()).isEmpty()) {
        return;
      }
      if (incoming != null) {
        log.info("copy of {} from {} starts again", incoming.path, incoming.from);
      }
      long started = c.path().equals(wanted) ? wantedAtNanos : now;
      incoming = new Incoming(c.path(), c.sender(), c.sha256(), (int) c.size(), started);
      copying = c.path();
    }
    Incoming in = incoming;
    if (in == null
        || !in.path.equals(c.path())
        || !in.from.equals(c.sender())
        || !in.sha256.equals(c.sha256())
        || in.content.length != c.size()) {
      return;
    }
    if (c.offset() != in.received) {
      abandon("a chunk was lost (" + c.offset() + " received, " + in.received + " expected)");
      wanted = null; // ask again at once; the active sends it after the transfer under way
      return;
    }
    System.arraycopy(c.data(), 0, in.content, in.received, c.data().length);
    in.received += c.data().length;
    in.lastChunkNanos = now;
    if (in.received == in.content.length) {
      incoming = null;
      wanted = null;
      copying = "";
      complete(in);
      readDisk();
      askForNext();
    }
  }

  private void abandon(String why) {
    if (incoming != null && !why.isEmpty()) {
      log.info("copy of {} from {} abandoned: {}", incoming.path, incoming.from, why);
    }
    incoming = null;
    copying = "";
  }

  private void complete(Incoming in) {
    long now = nanoTime.getAsLong();
    String key = in.path + "@" + in.sha256;
    String actual = Sha256.hex(in.content);
    if (!actual.equals(in.sha256)) {
      retryAfter.put(key, now + RETRY_MS * 1_000_000);
      listener.event(
          Weight.WARNING,
          "copy of project file "
              + in.path
              + " from "
              + in.from
              + " discarded: its SHA-256 is "
              + actual
              + ", the manifest says "
              + in.sha256
              + "; asking again in "
              + RETRY_MS / 1000
              + " s");
      return;
    }
    Optional<Path> target = files.resolve(in.path);
    if (target.isEmpty()) {
      return;
    }
    Path file = target.get();
    try {
      if (Files.exists(file)) {
        if (ProjectFiles.hash(file).equals(in.sha256)) {
          files.invalidate(file);
          return; // already there
        }
        keepInHistory(file);
      } else {
        Files.createDirectories(file.getParent());
      }
      DomainFileWriter.write(file, in.content);
    } catch (IOException | RuntimeException e) {
      retryAfter.put(key, now + RETRY_MS * 1_000_000);
      reportOnce(
          in.path,
          key,
          Weight.ERROR,
          "cannot write project file "
              + file
              + " copied from "
              + in.from
              + ": "
              + e.getMessage()
              + "; the file there is unchanged, trying again later");
      return;
    } finally {
      files.invalidate(file);
    }
    reported.remove(in.path);
    retryAfter.remove(key);
    copied.incrementAndGet();
    listener.event(
        Weight.NOTICE,
        "project file "
            + in.path
            + " updated from "
            + in.from
            + " ("
            + in.content.length
            + " bytes in "
            + (now - in.startedNanos) / 1_000_000
            + " ms); the runtime loads it when this server restarts");
  }

  /** Copies {@code file} to {@code project-history/}, keeping the newest {@value #HISTORY_KEEP}. */
  private void keepInHistory(Path file) throws IOException {
    Files.createDirectories(historyDir);
    String base = STAMP.format(clock.instant()) + "-" + file.getFileName();
    Path copy = historyDir.resolve(base);
    for (int i = 2; Files.exists(copy); i++) {
      copy = historyDir.resolve(base + "." + i);
    }
    Files.copy(file, copy);
    List<Path> all;
    try (Stream<Path> s = Files.list(historyDir)) {
      all = new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
    }
    while (all.size() > HISTORY_KEEP) {
      Files.deleteIfExists(all.remove(0));
    }
  }

  private void reportOnce(String path, String key, Weight weight, String message) {
    if (!key.equals(reported.get(path))) {
      reported.put(path, key);
      listener.event(weight, message);
    }
  }

  private void garbage(String why) {
    if (garbage.admit(why) != ReportThrottle.HELD) {
      listener.event(
          Weight.WARNING, "unreadable message on the project sync topic dropped: " + why);
    }
  }

  // ---- the "project-send" thread ------------------------------------------------------------

  private void serveRequests() {
    while (!closed) {
      Request r;
      try {
        r = requests.takeFirst();
      } catch (InterruptedException e) {
        return;
      }
      try {
        serve(r);
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("sending project file {} to {} failed: {}", r.path(), r.to(), e.toString());
      }
    }
  }

  private boolean mayServe() {
    return !closed && active.getAsBoolean() && domain.get().projectSync().enabled();
  }

  /** Sends one file, paced; again from the start if it changes on the way (a few times). */
  private void serve(Request r) throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<Path> target = files.resolve(r.path());
      if (!mayServe() || target.isEmpty()) {
        return;
      }
      if (sendOnce(r, target.get())) {
        return;
      }
      log.info(
          "project file {} changed while it was sent to {}; sending it again", r.path(), r.to());
    }
  }

  /**
   * @return false when the file changed on the way
   */
  private boolean sendOnce(Request r, Path file) throws IOException, InterruptedException {
    ProjectFiles.Stamp start = ProjectFiles.stamp(file);
    if (start == null) {
      return true;
    }
    ProjectManifest.Entry e = files.entry(file, r.path());
    if (!e.copyable() || e.size() != start.size()) {
      return false;
    }
    if (e.size() > ProjectSyncMessage.MAX_FILE) {
      return true;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (!start.equals(ProjectFiles.stamp(file))) {
        return false;
      }
      long size = start.size();
      long offset = 0;
      do {
        long rate = rateOf(domain.get().projectSync());
        int chunk = chunkSize(rate);
        bucket.set(rate, chunk);
        int n = (int) Math.min(chunk, size - offset);
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
          if (ch.read(buf, offset + buf.position()) < 0) {
            return false; // shorter than it was: changed
          }
        }
        long wait = bucket.reserve(n);
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        if (!mayServe()) {
          return true;
        }
        if (!start.equals(ProjectFiles.stamp(file))) {
          return false;
        }
        send(
            new ProjectSyncMessage.Chunk(
                self, r.to(), r.path(), e.sha256(), size, offset, buf.array()));
        offset += n;
      } while (offset < size);
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    sender.shutdownNow();
  }
}
