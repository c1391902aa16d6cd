package io.hotstandby.admin.tray;

import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.admin.client.KnownServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps one connection to a domain server on one named thread ({@code admin-tray-watch}): the
 * server pushes its status ({@code Server.StatusJson} subscribed), and the connection is checked
 * every second so a server that goes away is noticed at once. While the server cannot be reached,
 * tries again after 1, 2, 4, 8, then every 10 seconds. Operators' requests run on the same thread,
 * between two checks; one that needs a login asks for it first (and again after a wrong password)
 * and keeps it for the tray's lifetime, in memory only.
 */
final class ServerWatch implements AutoCloseable {
  static final Duration PERIOD = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** How often the server samples its status for the tray. */
  static final double PUBLISHING_MS = 200;

  private static final int LOGIN_TRIES = 3;

  /** An open connection to the server; an {@link AdminClient} in production. */
  interface Connection extends AutoCloseable {
    /** Subscribes to the status: {@code listener} gets the current document, then each change. */
    AutoCloseable watch(Consumer<String> listener) throws AdminClientException;

    /** Fails when the server is gone. */
    void check() throws AdminClientException;

    ActivateResult activate() throws AdminClientException;

    ActivateResult stopDomain() throws AdminClientException;

    ActivateResult startDomain() throws AdminClientException;

    ActivateResult setMaintenance(String server, boolean on) throws AdminClientException;

    String eventsJson(long afterSeq, int max) throws AdminClientException;

    ActivateResult acknowledgeEvents(List<String> ids) throws AdminClientException;

    @Override
    void close();
  }

  /** Opens a connection as {@code login} (anonymously when null), or says why it cannot. */
  interface Connector {
    Connection connect(AdminClient.Credentials login) throws AdminClientException;
  }

  /** Asks the operator to log in, saying why; null when the operator cancels. */
  interface Login {
    AdminClient.Credentials ask(String why);
  }

  /** What an operator's request does with the connection. */
  interface Request<T> {
    T on(Connection c) throws AdminClientException;
  }

  private final Connector connector;
  private final Login loginDialog;
  private final Consumer<String> onStatus;
  private final Consumer<String> onUnreachable;
  private final ScheduledThreadPoolExecutor thread =
      new ScheduledThreadPoolExecutor(
          1,
          r -> {
            Thread t = new Thread(r, "admin-tray-watch");
            t.setDaemon(true);
            return t;
          });
  private volatile AdminClient.Credentials login;
  private Connection connection;
  private AutoCloseable subscription;
  private Duration backoff = Duration.ZERO;
  private boolean askedToRead;

  /**
   * @param login who logs in from the start (null: anonymously, until a request needs a login)
   * @param onStatus gets each status document, on the watch's thread
   * @param onUnreachable gets, on the watch's thread, why the server could not be read
   */
  ServerWatch(
      Connector connector,
      AdminClient.Credentials login,
      Login loginDialog,
      Consumer<String> onStatus,
      Consumer<String> onUnreachable) {
    this.connector = connector;
    this.login = login;
    this.loginDialog = loginDialog;
    this.onStatus = onStatus;
    this.onUnreachable = onUnreachable;
    // On close, the next check is dropped; a request already asked for still runs.
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Who this watch is logged in as, or null while anonymous. */
  AdminClient.Credentials login() {
    return login;
  }

  /**
   * A connector to the first of {@code endpoints} that answers; each try waits at most {@code
   * timeout}. The server's certificate must be trusted for the endpoint, or be confirmed by {@code
   * trust} (before a password is sent, when logging in).
   */
  static Connector connector(
      List<String> endpoints, Duration timeout, KnownServers.Confirmation trust) {
    return login -> {
      List<String> errors = new ArrayList<>();
      for (String endpoint : endpoints) {
        AdminClient client;
        try {
          client = AdminClient.connect(endpoint, timeout, login);
        } catch (AdminClientException e) {
          if (isLoginProblem(e.getMessage()) || endpoints.size() == 1) {
            throw e;
          }
          errors.add(e.getMessage());
          continue;
        }
        try {
          client.checkServerCertificate(trust);
        } catch (AdminClientException e) {
          client.close();
          throw e;
        }
        return new ClientConnection(client);
      }
      throw new AdminClientException(
          "no server of the domain answered: " + String.join("; ", errors));
    };
  }

  /** Starts watching at once. */
  void start() {
    thread.execute(this::loop);
  }

  /** When a request asks the operator to log in. */
  enum LoginPolicy {
    /** Before the request, when no one has logged in yet; again when the server refuses it. */
    FIRST,
    /** Only when the server refuses the request for want of a (better) login. */
    WHEN_REFUSED,
    /** Never: the request fails instead (for what the operator did not ask for). */
    NEVER
  }

  /**
   * Runs {@code request} on the watch's thread: {@code answer} gets its result, {@code failed} why
   * there is none (one line); both on the watch's thread.
   */
  <T> void request(
      LoginPolicy policy, Request<T> request, Consumer<T> answer, Consumer<String> failed) {
    try {
      thread.execute(() -> runRequest(policy, request, answer, failed));
    } catch (RejectedExecutionException closed) {
      failed.accept("the tray is closing");
    }
  }

  private <T> void runRequest(
      LoginPolicy policy, Request<T> request, Consumer<T> answer, Consumer<String> failed) {
    String why = "This needs a user of the domain with the Operator role.";
    boolean ask = policy == LoginPolicy.FIRST && login == null;
    for (int tries = 0; tries <= LOGIN_TRIES; tries++) {
      if (ask) {
        AdminClient.Credentials given = loginDialog.ask(why);
        if (given == null) {
          failed.accept("not done: no login");
          return;
        }
        login = given;
        closeConnection();
      }
      try {
        connectIfNeeded();
        answer.accept(request.on(connection));
        return;
      } catch (AdminClientException e) {
        if (policy == LoginPolicy.NEVER || !isLoginProblem(e.getMessage())) {
          failed.accept(e.getMessage());
          return;
        }
        why = e.getMessage();
        if (why.contains("wrong user name or password")) {
          login = null; // not kept: the watch reconnects as before until a good one is given
        }
        ask = true;
      }
    }
    failed.accept("not done: " + why);
  }

  /** A wrong password, or a user who lacks the role: another login may help. */
  static boolean isLoginProblem(String message) {
    return message != null
        && (message.contains("wrong user name or password") || message.contains("log in with"));
  }

  private void loop() {
    Duration next = checkOnce();
    try {
      thread.schedule(this::loop, next.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // close() was called: no next check.
    }
  }

  /**
   * Connects and subscribes if needed, else checks the connection; reports a failure; returns the
   * wait before the next check.
   */
  Duration checkOnce() {
    try {
      if (connection == null) {
        connectIfNeeded();
      } else {
        connection.check();
      }
      backoff = Duration.ZERO;
      return PERIOD;
    } catch (AdminClientException | RuntimeException e) {
      closeConnection();
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      if (login == null && !askedToRead && isLoginProblem(why)) {
        // A domain without anonymous reading: ask once, then try again at once.
        askedToRead = true;
        login = loginDialog.ask("Reading this server's status needs a login.");
        if (login != null) {
          return Duration.ZERO;
        }
      }
      backoff = nextBackoff(backoff);
      onUnreachable.accept(why);
      return backoff;
    }
  }

  private void connectIfNeeded() throws AdminClientException {
    if (connection != null) {
      return;
    }
    connection = connector.connect(login);
    try {
      subscription = connection.watch(this::pushed);
    } catch (AdminClientException | RuntimeException e) {
      closeConnection();
      throw e;
    }
  }

  /** A document the server pushed, on the client's thread: handed to the watch's thread. */
  private void pushed(String json) {
    try {
      thread.execute(() -> onStatus.accept(json));
    } catch (RejectedExecutionException closed) {
      // closing: no more updates
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

  /** Stops watching and closes the connection; waits a few seconds at most. */
  @Override
  public void close() {
    try {
      thread.execute(this::closeConnection);
    } catch (RejectedExecutionException closedAlready) {
      return;
    }
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeConnection() {
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        // the connection goes too
      }
      subscription = null;
    }
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  /** A connection through the admin client and its operators' actions. */
  private record ClientConnection(AdminClient client) implements Connection {
    @Override
    public AutoCloseable watch(Consumer<String> listener) throws AdminClientException {
      return client.actions().watchStatus(PUBLISHING_MS, listener);
    }

    @Override
    public void check() throws AdminClientException {
      client.serviceLevel();
    }

    @Override
    public ActivateResult activate() throws AdminClientException {
      return client.activate();
    }

    @Override
    public ActivateResult stopDomain() throws AdminClientException {
      return client.actions().stopDomain(false);
    }

    @Override
    public ActivateResult startDomain() throws AdminClientException {
      return client.actions().startDomain();
    }

    @Override
    public ActivateResult setMaintenance(String server, boolean on) throws AdminClientException {
      return client.actions().setMaintenance(server, on);
    }

    @Override
    public String eventsJson(long afterSeq, int max) throws AdminClientException {
      return client.actions().eventsJson(0, afterSeq, max, false);
    }

    @Override
    public ActivateResult acknowledgeEvents(List<String> ids) throws AdminClientException {
      return client.actions().acknowledgeEvents(ids);
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
