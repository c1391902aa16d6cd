package io.hotstandby.cluster.sync;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.ProjectSyncSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active's side of a copy: on its thread "project-send" it serves the files other servers ask
 * for, one at a time (at most {@value #MAX_REQUESTS} waiting). It reads a file through one open
 * channel in chunks, every chunk it sends paced by one {@link TokenBucket} at the domain's {@code
 * bandwidthKBps}, and sends a file that changes on the way again from the start.
 */
final class ProjectSender implements AutoCloseable {
  // Project sync logs under one name, whichever part of it speaks.
  private static final Logger log = LoggerFactory.getLogger(ProjectSync.class);

  static final int MAX_REQUESTS = 16;

  /** A file a server asked the active for. */
  private record Request(String to, String path) {}

  private final Supplier<Domain> domain;
  private final String self;
  private final BooleanSupplier active;
  private final ProjectFiles files;
  private final Consumer<ProjectSyncMessage> send;
  private final TokenBucket bucket;
  private final BlockingDeque<Request> requests = new LinkedBlockingDeque<>(MAX_REQUESTS);
  private final ExecutorService thread;
  private volatile boolean closed;

  /**
   * Starts the thread.
   *
   * @param domain the domain in force, asked each time
   * @param self this server's name
   * @param active whether this server is the active now
   * @param files this server's project files
   * @param nanoTime the monotonic clock the pacing uses
   * @param send publishes a message on the topic
   */
  ProjectSender(
      Supplier<Domain> domain,
      String self,
      BooleanSupplier active,
      ProjectFiles files,
      LongSupplier nanoTime,
      Consumer<ProjectSyncMessage> send) {
    this.domain = domain;
    this.self = self;
    this.active = active;
    this.files = files;
    this.send = send;
    long rate = rateOf(domain.get().projectSync());
    this.bucket = new TokenBucket(rate, chunkSize(rate), nanoTime);
    this.thread = Executors.newSingleThreadExecutor(r -> ProjectSync.daemon(r, "project-send"));
    thread.execute(this::serveRequests);
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

  /**
   * Sets the pacing to the domain's bandwidth now.
   *
   * @return the chunk size at that bandwidth
   */
  int followBandwidth() {
    long rate = rateOf(domain.get().projectSync());
    int chunk = chunkSize(rate);
    bucket.set(rate, chunk);
    return chunk;
  }

  /**
   * Queues the file {@code w} asks for, when it asks this server while it is the active, copying is
   * enabled and the file is a project of the domain in force; a request already waiting is not
   * queued twice.
   */
  void wanted(ProjectSyncMessage.Want w) {
    if (w.to().equals(self)
        && active.getAsBoolean()
        && domain.get().projectSync().enabled()
        && files.resolve(w.path()).isPresent()) {
      Request r = new Request(w.sender(), w.path());
      if (!requests.contains(r) && !requests.offerLast(r)) {
        log.warn("request of {} for {} dropped: too many waiting", w.sender(), w.path());
      }
    }
  }

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
        int chunk = followBandwidth();
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
        send.accept(
            new ProjectSyncMessage.Chunk(
                self, r.to(), r.path(), e.sha256(), size, offset, buf.array()));
        offset += n;
      } while (offset < size);
    }
    return true;
  }

  /** Stops serving: the file under way stops before its next chunk. */
  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
  }
}
