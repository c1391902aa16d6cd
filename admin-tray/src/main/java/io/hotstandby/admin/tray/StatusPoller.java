package io.hotstandby.admin.tray;

import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.admin.client.KnownServers;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps a connection to one domain server and reads its status every second on one named thread
 * ({@code admin-tray-poll}); while the server cannot be reached, tries again after 1, 2, 4, 8, then
 * every 10 seconds. Operators' requests run on the same thread, between two reads.
 */
final class StatusPoller implements AutoCloseable {
  static final Duration PERIOD = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** An open connection to the server; {@link AdminClient} in production. */
  interface Connection extends AutoCloseable {
    String statusJson() throws AdminClientException;

    ActivateResult activate() throws AdminClientException;

    @Override
    void close();
  }

  /** Opens a connection, or says in one line why it cannot. */
  interface Connector {
    Connection connect() throws AdminClientException;
  }

  private final Connector connector;
  private final Consumer<String> onStatus;
  private final Consumer<String> onUnreachable;
  private final ScheduledThreadPoolExecutor thread =
      new ScheduledThreadPoolExecutor(
          1,
          r -> {
            Thread t = new Thread(r, "admin-tray-poll");
            t.setDaemon(true);
            return t;
          });
  private Connection connection;
  private Duration backoff = Duration.ZERO;

  /**
   * @param onStatus gets each status document read, on the poller's thread
   * @param onUnreachable gets, on the poller's thread, why the server could not be read
   */
  StatusPoller(Connector connector, Consumer<String> onStatus, Consumer<String> onUnreachable) {
    this.connector = connector;
    this.onStatus = onStatus;
    this.onUnreachable = onUnreachable;
    // On close, the next poll is dropped; a request already asked for still runs.
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * A connector to the server at {@code endpoint}, logged in as {@code login} (anonymously when
   * null); each call waits at most {@code timeout}. The server's certificate must be trusted for
   * the endpoint, or be confirmed by {@code trust} (before a password is sent, when logging in).
   */
  static Connector connector(
      String endpoint,
      Duration timeout,
      AdminClient.Credentials login,
      KnownServers.Confirmation trust) {
    return () -> {
      AdminClient client = AdminClient.connect(endpoint, timeout, login);
      try {
        client.checkServerCertificate(trust);
      } catch (AdminClientException e) {
        client.close();
        throw e;
      }
      return new Connection() {
        @Override
        public String statusJson() throws AdminClientException {
          return client.statusJson();
        }

        @Override
        public ActivateResult activate() throws AdminClientException {
          return client.activate();
        }

        @Override
        public void close() {
          client.close();
        }
      };
    };
  }

  /** Starts polling at once. */
  void start() {
    thread.execute(this::loop);
  }

  /** Asks the server to become active; {@code answer} gets the result, {@code failed} why not. */
  void activate(Consumer<ActivateResult> answer, Consumer<String> failed) {
    thread.execute(
        () -> {
          if (connection == null) {
            failed.accept("not connected to the server");
            return;
          }
          try {
            answer.accept(connection.activate());
          } catch (AdminClientException e) {
            failed.accept(e.getMessage());
          }
        });
  }

  private void loop() {
    Duration next = pollOnce();
    try {
      thread.schedule(this::loop, next.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // close() was called: no next poll.
    }
  }

  /** Connects if needed, reads the status once, reports it; returns the wait before the next. */
  Duration pollOnce() {
    try {
      if (connection == null) {
        connection = connector.connect();
      }
      String json = connection.statusJson();
      backoff = Duration.ZERO;
      onStatus.accept(json);
      return PERIOD;
    } catch (AdminClientException | RuntimeException e) {
      closeConnection();
      backoff = nextBackoff(backoff);
      onUnreachable.accept(e.getMessage() == null ? e.toString() : e.getMessage());
      return backoff;
    }
  }

  /** 1 s after the first failure, then twice as long each time, at most {@link #MAX_BACKOFF}. */
  static Duration nextBackoff(Duration previous) {
    if (previous.isZero()) {
      return PERIOD;
    }
    Duration doubled = previous.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  /** Stops polling and closes the connection; waits a few seconds at most. */
  @Override
  public void close() {
    thread.execute(this::closeConnection);
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeConnection() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }
}
