package io.hotstandby.runtime.driver.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.hotstandby.runtime.driver.DriverSink;
import io.hotstandby.runtime.driver.opcua.OpcUaDriverTest.RecordingSink.Connection;
import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.project.DriverSpec;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.testkit.FreePorts;
import io.hotstandby.testkit.TcpRelay;
import io.hotstandby.testkit.Timing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The driver against a real Milo server on loopback. */
class OpcUaDriverTest {
  private static final Duration WAIT = Timing.seconds(10);
  private static final Duration LOSS = Timing.seconds(5);
  private static final String NSU = "nsu=" + TestPlcServer.NAMESPACE_URI + ";s=";

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void deliversValuesWithGoodQualityAndFollowsChanges() throws Exception {
    TestPlcServer plc = plc(FreePorts.next());
    var sink = new RecordingSink();
    var tags =
        List.of(
            tag("Tank1.Level", DataType.DOUBLE, "ns=" + plc.namespaceIndex() + ";s=Tank1.Level"),
            tag("Pump1.Running", DataType.BOOLEAN, NSU + "Pump1.Running"),
            tag("Counter", DataType.INT32, NSU + "Counter"),
            tag("Total", DataType.INT64, NSU + "Total"),
            tag("Label", DataType.STRING, NSU + "Label"),
            // A Double node read as a string tag: converted, not refused.
            tag("FixedText", DataType.STRING, NSU + "Fixed"));
    OpcUaDriver driver = driver(plc.url());

    driver.start(tags, sink);

    await().atMost(WAIT).until(driver::connected);
    assertThat(sink.connections.get(0).up()).isTrue();
    assertThat(sink.connections.get(0).detail()).contains(plc.url());
    sink.awaitValue("Tank1.Level", 1.5, Quality.GOOD);
    sink.awaitValue("Pump1.Running", false, Quality.GOOD);
    sink.awaitValue("Counter", 0, Quality.GOOD);
    sink.awaitValue("Total", 0L, Quality.GOOD);
    sink.awaitValue("Label", "idle", Quality.GOOD);
    sink.awaitValue("FixedText", "42.0", Quality.GOOD);

    plc.set("Tank1.Level", 3.25);
    plc.set("Pump1.Running", true);
    plc.set("Counter", 17);
    plc.set("Total", 1L << 40);
    plc.set("Label", "filling");

    sink.awaitValue("Tank1.Level", 3.25, Quality.GOOD);
    sink.awaitValue("Pump1.Running", true, Quality.GOOD);
    sink.awaitValue("Counter", 17, Quality.GOOD);
    sink.awaitValue("Total", 1L << 40, Quality.GOOD);
    sink.awaitValue("Label", "filling", Quality.GOOD);
    assertThat(sink.last("Tank1.Level").sourceTime()).isAfter(Instant.now().minusSeconds(60));
  }

  @Test
  void writesReachTheServerInTheNodesType() throws Exception {
    TestPlcServer plc = plc(FreePorts.next());
    var level = tag("Tank1.Level", DataType.DOUBLE, NSU + "Tank1.Level");
    var running = tag("Pump1.Running", DataType.BOOLEAN, NSU + "Pump1.Running");
    var counter = tag("Counter", DataType.INT32, NSU + "Counter");
    var total = tag("Total", DataType.INT64, NSU + "Total");
    var label = tag("Label", DataType.STRING, NSU + "Label");
    var fixed = tag("Fixed", DataType.DOUBLE, NSU + "Fixed");
    var sink = new RecordingSink();
    OpcUaDriver driver = driver(plc.url());
    driver.start(List.of(level, running, counter, total, label, fixed), sink);
    await().atMost(WAIT).until(driver::connected);

    driver.write(level, 7.25).get(10, TimeUnit.SECONDS);
    driver.write(running, true).get(10, TimeUnit.SECONDS);
    driver.write(counter, 5L).get(10, TimeUnit.SECONDS); // a Long into an Int32 node
    driver.write(total, 1L << 35).get(10, TimeUnit.SECONDS);
    driver.write(label, "draining").get(10, TimeUnit.SECONDS);

    assertThat(plc.get("Tank1.Level")).isEqualTo(7.25);
    assertThat(plc.get("Pump1.Running")).isEqualTo(true);
    assertThat(plc.get("Counter")).isEqualTo(5);
    assertThat(plc.get("Total")).isEqualTo(1L << 35);
    assertThat(plc.get("Label")).isEqualTo("draining");
    sink.awaitValue("Tank1.Level", 7.25, Quality.GOOD);

    assertThat(failure(driver.write(fixed, 1.0)))
        .contains("Fixed")
        .containsPattern("Bad_(NotWritable|UserAccessDenied)")
        .doesNotContain("\n");
    assertThat(failure(driver.write(counter, 1e12))).contains("Counter").contains("out of range");
    assertThat(plc.get("Counter")).isEqualTo(5);
  }

  @Test
  void aTagWhoseNodeCannotBeFoundIsBadWhileTheOthersAreGood() throws Exception {
    TestPlcServer plc = plc(FreePorts.next());
    var sink = new RecordingSink();
    OpcUaDriver driver = driver(plc.url());

    driver.start(
        List.of(
            tag("Tank1.Level", DataType.DOUBLE, NSU + "Tank1.Level"),
            tag("Missing", DataType.DOUBLE, NSU + "No.Such.Node"),
            tag("OtherNamespace", DataType.DOUBLE, "nsu=urn:nowhere;s=Tank1.Level"),
            tag("Garbage", DataType.DOUBLE, "not a node id")),
        sink);

    sink.awaitValue("Tank1.Level", 1.5, Quality.GOOD);
    sink.awaitValue("Missing", null, Quality.BAD);
    sink.awaitValue("OtherNamespace", null, Quality.BAD);
    sink.awaitValue("Garbage", null, Quality.BAD);
    assertThat(driver.connected()).isTrue();
  }

  @Test
  void losingTheServerMarksTagsBadAndRegainingItMakesThemGoodAgain() throws Exception {
    int port = FreePorts.next();
    TestPlcServer plc = plc(port);
    var sink = new RecordingSink();
    var level = tag("Tank1.Level", DataType.DOUBLE, NSU + "Tank1.Level");
    var running = tag("Pump1.Running", DataType.BOOLEAN, NSU + "Pump1.Running");
    OpcUaDriver driver = driver(plc.url());
    driver.start(List.of(level, running), sink);
    plc.set("Tank1.Level", 2.5);
    sink.awaitValue("Tank1.Level", 2.5, Quality.GOOD);
    sink.awaitValue("Pump1.Running", false, Quality.GOOD);

    plc.close();

    // The last values stay, marked BAD.
    await().atMost(LOSS).until(() -> !sink.lastConnection().up());
    assertThat(sink.lastConnection().detail()).contains(plc.url());
    await()
        .atMost(LOSS)
        .untilAsserted(
            () -> {
              assertThat(sink.last("Tank1.Level")).matches(v -> v.is(2.5, Quality.BAD));
              assertThat(sink.last("Pump1.Running")).matches(v -> v.is(false, Quality.BAD));
            });
    assertThat(driver.connected()).isFalse();
    assertThat(failure(driver.write(level, 1.0))).isEqualTo("device plc not connected");

    TestPlcServer again = plc(port);
    again.set("Tank1.Level", 9.5);

    // Reconnect attempts 0.5 s, 1.5 s, 3.5 s ... after the loss.
    await().atMost(Timing.seconds(4)).until(() -> sink.lastConnection().up());
    sink.awaitValue("Tank1.Level", 9.5, Quality.GOOD);
    sink.awaitValue("Pump1.Running", false, Quality.GOOD);
    assertThat(driver.connected()).isTrue();
    driver.write(level, 4.0).get(10, TimeUnit.SECONDS);
    assertThat(again.get("Tank1.Level")).isEqualTo(4.0);
  }

  @Test
  void aServerThatFallsSilentIsNoticedByTheKeepAlive() throws Exception {
    TestPlcServer plc = plc(FreePorts.next());
    TcpRelay relay = track(TcpRelay.to(Integer.parseInt(plc.url().split("[:/]")[4])));
    var sink = new RecordingSink();
    // Retries every 100 to 800 ms: connect attempts through the frozen relay take seconds.
    OpcUaDriver driver =
        track(
            new OpcUaDriver(
                new DriverSpec.OpcUa(
                    "plc",
                    "opc.tcp://127.0.0.1:" + relay.port() + "/plc",
                    100,
                    50,
                    "None",
                    "",
                    "",
                    "",
                    100,
                    800,
                    1)));
    driver.start(List.of(tag("Tank1.Level", DataType.DOUBLE, NSU + "Tank1.Level")), sink);
    sink.awaitValue("Tank1.Level", 1.5, Quality.GOOD);

    long frozenAt = System.nanoTime();
    relay.freeze();

    // No FIN, no RST: only the session keep-alive (500 ms, 1 s timeout, 1 failure allowed) tells.
    await().atMost(LOSS).until(() -> !sink.lastConnection().up());
    Duration detected = Duration.ofNanos(System.nanoTime() - frozenAt);
    assertThat(detected).isLessThan(Timing.seconds(3));
    sink.awaitValue("Tank1.Level", 1.5, Quality.BAD);

    relay.thaw();
    plc.set("Tank1.Level", 6.5);
    await().atMost(Timing.seconds(30)).until(() -> sink.lastConnection().up());
    sink.awaitValue("Tank1.Level", 6.5, Quality.GOOD);
  }

  @Test
  void startReturnsAtOnceAndReportsAnUnreachableDevice() throws Exception {
    int port = FreePorts.next();
    var sink = new RecordingSink();
    OpcUaDriver driver = driver("opc.tcp://127.0.0.1:" + port + "/plc");

    long begin = System.nanoTime();
    driver.start(List.of(tag("Tank1.Level", DataType.DOUBLE, NSU + "Tank1.Level")), sink);
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(1));

    await().atMost(WAIT).until(() -> !sink.connections.isEmpty());
    assertThat(sink.lastConnection().up()).isFalse();
    assertThat(sink.lastConnection().detail()).contains("127.0.0.1:" + port).contains("refused");
    sink.awaitValue("Tank1.Level", null, Quality.BAD);

    // It keeps trying: a server that appears later is found.
    plc(port);
    await().atMost(WAIT).until(() -> sink.lastConnection().up());
    sink.awaitValue("Tank1.Level", 1.5, Quality.GOOD);
  }

  @Test
  void aSecurityModeTheServerDoesNotOfferIsReported() throws Exception {
    TestPlcServer plc = plc(FreePorts.next());
    var sink = new RecordingSink();
    OpcUaDriver driver = track(new OpcUaDriver(spec(plc.url(), "SignAndEncrypt", "", "")));

    driver.start(List.of(tag("Tank1.Level", DataType.DOUBLE, NSU + "Tank1.Level")), sink);

    await().atMost(WAIT).until(() -> !sink.connections.isEmpty());
    assertThat(sink.lastConnection().up()).isFalse();
    assertThat(sink.lastConnection().detail())
        .contains("no endpoint with security mode SignAndEncrypt")
        .contains("None");
    assertThat(driver.connected()).isFalse();
  }

  @Test
  void connectsWithSignAndWithSignAndEncryptWhenTheServerOffersThem() throws Exception {
    TestPlcServer plc = track(TestPlcServer.startSecure(FreePorts.next()));
    var level = tag("Tank1.Level", DataType.DOUBLE, NSU + "Tank1.Level");
    for (String mode : List.of("Sign", "SignAndEncrypt")) {
      var sink = new RecordingSink();
      OpcUaDriver driver =
          track(
              new OpcUaDriver(
                  spec(
                      plc.url(),
                      mode,
                      TestPlcServer.USER,
                      TestPlcServer.PASSWORD,
                      plc.fingerprint())));

      driver.start(List.of(level), sink);

      await().atMost(WAIT).until(() -> !sink.connections.isEmpty());
      assertThat(sink.lastConnection().up()).as(sink.lastConnection().detail()).isTrue();
      assertThat(sink.lastConnection().detail())
          .contains("security " + mode + "/Basic256Sha256, user " + TestPlcServer.USER);
      driver.write(level, mode.length() * 1.0).get(10, TimeUnit.SECONDS);
      sink.awaitValue("Tank1.Level", mode.length() * 1.0, Quality.GOOD);
      driver.close();
    }
  }

  @Test
  void logsInWithUserAndPassword() throws Exception {
    TestPlcServer plc = plc(FreePorts.next());
    var good = new RecordingSink();
    var bad = new RecordingSink();
    OpcUaDriver withUser =
        track(new OpcUaDriver(spec(plc.url(), "None", TestPlcServer.USER, TestPlcServer.PASSWORD)));
    OpcUaDriver wrongPassword =
        track(new OpcUaDriver(spec(plc.url(), "None", TestPlcServer.USER, "guess")));
    var level = tag("Tank1.Level", DataType.DOUBLE, NSU + "Tank1.Level");

    withUser.start(List.of(level), good);
    wrongPassword.start(List.of(level), bad);

    await().atMost(WAIT).until(() -> !good.connections.isEmpty());
    assertThat(good.connections).first().matches(Connection::up, "up");
    good.awaitValue("Tank1.Level", 1.5, Quality.GOOD);
    assertThat(good.lastConnection().detail()).contains("user " + TestPlcServer.USER);
    await().atMost(WAIT).until(() -> !bad.connections.isEmpty());
    assertThat(bad.lastConnection().up()).isFalse();
    assertThat(bad.lastConnection().detail()).contains("Bad_");
  }

  @Test
  void closeStopsEverythingAndASecondCloseIsHarmless() throws Exception {
    TestPlcServer plc = plc(FreePorts.next());
    var sink = new RecordingSink();
    var driver = new OpcUaDriver(spec(plc.url(), "None", "", ""));
    driver.start(List.of(tag("Tank1.Level", DataType.DOUBLE, NSU + "Tank1.Level")), sink);
    await().atMost(WAIT).until(driver::connected);

    driver.close();
    assertThatCode(driver::close).doesNotThrowAnyException();

    assertThat(driver.connected()).isFalse();
    await().atMost(Timing.seconds(2)).until(() -> !driverThreadAlive());
    int seen = sink.values.size();
    plc.set("Tank1.Level", 8.0);
    assertThat(failure(driver.write(sink.tag("Tank1.Level"), 1.0))).contains("not connected");
    assertThat(sink.values).hasSize(seen);
  }

  @Test
  void closeWhileReconnectingStopsTheRetries() {
    var sink = new RecordingSink();
    var driver = new OpcUaDriver(spec("opc.tcp://127.0.0.1:1/plc", "None", "", ""));
    driver.start(List.of(), sink);
    await().atMost(WAIT).until(() -> !sink.connections.isEmpty());

    driver.close();
    driver.close();

    await().atMost(Timing.seconds(2)).until(() -> !driverThreadAlive());
  }

  // ---- helpers ----

  private TestPlcServer plc(int port) throws Exception {
    return track(TestPlcServer.start(port));
  }

  private OpcUaDriver driver(String url) {
    return track(new OpcUaDriver(spec(url, "None", "", "")));
  }

  private <T extends AutoCloseable> T track(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  /** The project file's defaults: publishing 100 ms, sampling 50 ms, reconnect 0.5 s to 10 s. */
  static DriverSpec.OpcUa spec(String url, String mode, String user, String password) {
    return spec(url, mode, user, password, "");
  }

  /** As above, pinning the server's certificate by its fingerprint. */
  static DriverSpec.OpcUa spec(
      String url, String mode, String user, String password, String certificate) {
    return new DriverSpec.OpcUa(
        "plc", url, 100, 50, mode, user, password, certificate, 500, 10_000, 1);
  }

  static TagSpec tag(String path, DataType type, String address) {
    return new TagSpec(path, type, "plc", address, "", 0, 0.0, true, null, false);
  }

  private static boolean driverThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("opcua-plc") && t.isAlive());
  }

  /** The message a write failed with; fails the test if it succeeded. */
  private static String failure(CompletableFuture<Void> write) throws Exception {
    try {
      write.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(OpcUaWriteException.class);
      return e.getCause().getMessage();
    }
    throw new AssertionError("the write succeeded");
  }

  /** Everything the driver reported, in order. */
  static final class RecordingSink implements DriverSink {
    record Value(String path, Object value, Quality quality, Instant sourceTime) {
      boolean is(Object expected, Quality expectedQuality) {
        return java.util.Objects.equals(value, expected) && quality == expectedQuality;
      }
    }

    record Connection(String driver, boolean up, String detail) {}

    final List<Value> values = new CopyOnWriteArrayList<>();
    final List<Connection> connections = new CopyOnWriteArrayList<>();

    @Override
    public void value(String path, Object value, Quality quality, Instant sourceTime) {
      values.add(new Value(path, value, quality, sourceTime));
    }

    @Override
    public void connection(String driver, boolean up, String detail) {
      assertThat(driver).isEqualTo("plc");
      connections.add(new Connection(driver, up, detail));
    }

    Value last(String path) {
      Value last = null;
      for (Value v : values) {
        if (v.path().equals(path)) {
          last = v;
        }
      }
      return last;
    }

    Connection lastConnection() {
      return connections.isEmpty() ? null : connections.get(connections.size() - 1);
    }

    /** Waits until the latest value of {@code path} is {@code expected} with {@code quality}. */
    void awaitValue(String path, Object expected, Quality quality) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(last(path))
                      .as("latest value of %s", path)
                      .isNotNull()
                      .matches(v -> v.is(expected, quality), "is " + expected + " " + quality));
      if (expected != null) {
        assertThat(last(path).value()).isInstanceOf(expected.getClass());
      }
    }

    TagSpec tag(String path) {
      return OpcUaDriverTest.tag(path, DataType.DOUBLE, NSU + path);
    }
  }
}
