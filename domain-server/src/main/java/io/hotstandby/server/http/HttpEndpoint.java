package io.hotstandby.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's read-only HTTP endpoint: {@code /health} (200 only on a healthy ACTIVE), {@code
 * /ready} (200 on the ACTIVE and a ready STANDBY), {@code /metrics} (Prometheus text format),
 * {@code /} (a status page of the domain) and {@code /status.json} (what the page shows). GET and
 * HEAD only; nothing here changes the server.
 *
 * <p>It answers from the latest {@link StatusSnapshot} the role thread {@link #publish}es, on
 * threads of its own (at most {@value #THREADS}, named {@code http-<server>-N}), so a slow or
 * stalled client holds one of them and nothing else; the JDK server drops a request that is not
 * read within {@value #REQUEST_SECONDS} s or a response not taken within as long.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);

  /** Threads answering requests; more clients than this wait in the queue. */
  static final int THREADS = 8;

  /**
   * How long the JDK server waits for a request to arrive and for a response to be taken: short,
   * since a probe's request is one line, and a client sending slowly holds one of the threads.
   */
  static final int REQUEST_SECONDS = 2;

  /** Requests waiting for a thread beyond which new ones are dropped unanswered. */
  static final int QUEUE = 64;

  static {
    // Read once when the JDK server's classes load; without them a client that sends half a
    // request holds a thread for ever.
    System.setProperty(
        "sun.net.httpserver.maxReqTime",
        System.getProperty("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_SECONDS)));
    System.setProperty(
        "sun.net.httpserver.maxRspTime",
        System.getProperty("sun.net.httpserver.maxRspTime", String.valueOf(REQUEST_SECONDS)));
  }

  private final String bind;
  private final int port;
  private final String server;
  private final ServerMetrics metrics;
  private volatile StatusSnapshot latest;
  private HttpServer http;
  private ExecutorService executor;

  /**
   * @param bind the address to listen on
   * @param port the TCP port to listen on
   * @param server this server's name (thread names, log lines)
   * @param metrics what {@code /metrics} exposes
   */
  public HttpEndpoint(String bind, int port, String server, ServerMetrics metrics) {
    this.bind = bind;
    this.port = port;
    this.server = server;
    this.metrics = metrics;
  }

  /** The picture the next requests answer from; any thread, never blocks. */
  public void publish(StatusSnapshot s) {
    latest = s;
  }

  /** The latest picture, null before the first. */
  public StatusSnapshot latest() {
    return latest;
  }

  /**
   * Binds the port and starts answering.
   *
   * @throws IOException naming the address when the port cannot be bound (in use, not local)
   */
  public synchronized void start() throws IOException {
    if (http != null) {
      throw new IllegalStateException("HTTP endpoint already started");
    }
    InetSocketAddress address = new InetSocketAddress(bind, port);
    if (address.isUnresolved()) {
      throw new IOException("cannot listen on HTTP " + bind + ":" + port + ": unknown host");
    }
    HttpServer s;
    try {
      s = HttpServer.create(address, 64);
    } catch (BindException e) {
      throw new IOException(
          "cannot listen on HTTP " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "http-" + server + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            // A full queue: this request is dropped and its client sees no answer.
            new ThreadPoolExecutor.DiscardPolicy());
    pool.allowCoreThreadTimeOut(true);
    MetricsHandler scrape = new MetricsHandler(metrics.registry());
    s.createContext("/", readOnly(this::route));
    s.createContext("/metrics", readOnly(scrape));
    s.setExecutor(pool);
    s.start();
    http = s;
    executor = pool;
    log.info("HTTP endpoint listening on {}:{}", bind, s.getAddress().getPort());
  }

  /** The port it listens on (the one bound when the configured port was 0). */
  public synchronized int boundPort() {
    return http == null ? port : http.getAddress().getPort();
  }

  private void route(HttpExchange x) throws IOException {
    long now = System.nanoTime();
    StatusSnapshot s = latest;
    switch (x.getRequestURI().getPath()) {
      case "/health" -> answer(x, Probes.health(s, now));
      case "/ready" -> answer(x, Probes.ready(s, now));
      case "/status.json" ->
          send(x, 200, "application/json", StatusPage.json(s).getBytes(StandardCharsets.UTF_8));
      case "/", "/index.html" -> send(x, 200, "text/html; charset=utf-8", StatusPage.HTML);
      default -> send(x, 404, "text/plain; charset=utf-8", line("not found"));
    }
  }

  private static void answer(HttpExchange x, Probes.Answer a) throws IOException {
    send(x, a.code(), "text/plain; charset=utf-8", line(a.text()));
  }

  private static byte[] line(String text) {
    return (text + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange x, int code, String type, byte[] body) throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(code, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(body);
      }
    }
    x.close();
  }

  /** GET and HEAD pass; every other method is 405, so nothing can be changed over HTTP. */
  private static HttpHandler readOnly(HttpHandler h) {
    return x -> {
      try {
        String m = x.getRequestMethod();
        if (m.equals("GET") || m.equals("HEAD")) {
          h.handle(x);
        } else {
          x.getResponseHeaders().set("Allow", "GET, HEAD");
          send(x, 405, "text/plain; charset=utf-8", line("method " + m + " not allowed"));
        }
      } catch (IOException | RuntimeException e) {
        log.debug("HTTP request {} failed: {}", x.getRequestURI(), e.toString());
        x.close();
      }
    };
  }

  /** Stops answering and frees the port; a second call is harmless. */
  @Override
  public synchronized void close() {
    if (http != null) {
      http.stop(0);
      executor.shutdownNow();
      http = null;
    }
  }
}
