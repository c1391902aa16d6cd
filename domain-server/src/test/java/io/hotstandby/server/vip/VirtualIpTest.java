package io.hotstandby.server.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hotstandby.domain.VirtualIpSpec;
import io.hotstandby.events.Weight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtualIpTest {
  static final AddressCommands V4 = new AddressCommands("10.0.0.100", 24, "eth0");

  /** An interface in memory: {@code ip addr add/del} as the kernel answers them. */
  final class FakeIp implements Commands {
    volatile boolean present;
    volatile String refuse = "";
    volatile Runnable onAdd = () -> {};
    final List<String> ran = new CopyOnWriteArrayList<>();

    @Override
    public Result run(List<String> command, long timeoutMillis) {
      String line = String.join(" ", command);
      ran.add(line);
      if (!refuse.isEmpty()) {
        return new Result(2, refuse);
      }
      if (line.startsWith("ip addr add")) {
        if (present) {
          return new Result(2, "RTNETLINK answers: File exists");
        }
        onAdd.run();
        present = true;
      } else if (line.startsWith("ip addr del")) {
        if (!present) {
          return new Result(2, "RTNETLINK answers: Cannot assign requested address");
        }
        present = false;
      }
      return new Result(0, "");
    }

    @Override
    public boolean present(AddressCommands address) {
      return present;
    }

    @Override
    public CompletableFuture<Result> start(List<String> command, long timeoutMillis) {
      return CompletableFuture.completedFuture(run(command, timeoutMillis));
    }
  }

  record Event(Weight weight, String message) {}

  final FakeIp ip = new FakeIp();
  final List<Event> events = new CopyOnWriteArrayList<>();
  final AtomicInteger weightChanges = new AtomicInteger();
  VirtualIp vip;

  @TempDir Path proc;

  VirtualIp start() throws Exception {
    return start(V4);
  }

  VirtualIp start(AddressCommands address) throws Exception {
    vip =
        new VirtualIp(
            "alpha",
            address,
            ip,
            new NeighbourAdvert(
                proc.resolve("if_inet6"), proc.resolve("conf"), System::currentTimeMillis),
            (w, m, d) -> events.add(new Event(w, m)),
            weightChanges::incrementAndGet,
            System::nanoTime);
    vip.start();
    return vip;
  }

  @AfterEach
  void stop() {
    if (vip != null) {
      vip.stop();
    }
  }

  @Test
  void aStartRemovesACopyLeftByAnEarlierRun() throws Exception {
    ip.present = true;

    start();

    assertThat(ip.present).isFalse();
    assertThat(events)
        .containsExactly(
            new Event(
                Weight.WARNING,
                "removed virtual IP 10.0.0.100/24 from eth0, left by an earlier run"));
  }

  @Test
  void aStartWithoutAStaleCopyReportsNothing() throws Exception {
    start();

    assertThat(events).isEmpty();
    assertThat(vip.failureWeight()).isZero();
  }

  @Test
  void holdAddsAndAnnouncesDropRemoves() throws Exception {
    start();

    vip.hold();
    await().atMost(Duration.ofSeconds(5)).until(() -> ip.ran.size() == 3);
    assertThat(ip.present).isTrue();
    assertThat(ip.ran.subList(1, 3))
        .containsExactly("ip addr add 10.0.0.100/24 dev eth0", "arping -U -c 2 -I eth0 10.0.0.100");

    vip.drop();
    await().atMost(Duration.ofSeconds(5)).until(() -> !ip.present);
    assertThat(events)
        .extracting(Event::message)
        .containsExactly(
            "virtual IP 10.0.0.100/24 added on eth0", "virtual IP 10.0.0.100/24 removed from eth0");
  }

  @Test
  void aFailedAddIsAnErrorThatWeighsUntilAnAttemptWorks() throws Exception {
    start();
    ip.refuse = "RTNETLINK answers: Operation not permitted";

    vip.hold();

    await().atMost(Duration.ofSeconds(5)).until(() -> vip.failureWeight() == 50);
    assertThat(events)
        .contains(
            new Event(
                Weight.ERROR,
                "cannot add virtual IP 10.0.0.100/24 on eth0: RTNETLINK answers: Operation not"
                    + " permitted"));
    assertThat(weightChanges).hasValue(1);

    ip.refuse = "";
    await("the retry")
        .atMost(Duration.ofMillis(VirtualIp.RETRY_MILLIS * 3))
        .until(() -> vip.failureWeight() == 0 && ip.present);
    assertThat(weightChanges).hasValue(2);
  }

  @Test
  void theLastWordWins() throws Exception {
    start();

    for (int i = 0; i < 20; i++) {
      vip.hold();
      vip.drop();
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> ip.ran.stream().anyMatch(l -> true));
    vip.stop();
    assertThat(ip.present).isFalse();
    assertThat(vip.failureWeight()).isZero();
  }

  @Test
  void anAddressRemovedByHandFromTheActiveIsAddedAgain() throws Exception {
    start();
    vip.hold();
    await().atMost(Duration.ofSeconds(5)).until(() -> ip.present);

    ip.present = false;

    await()
        .atMost(Duration.ofMillis(VirtualIp.CHECK_MILLIS * 5))
        .until(() -> ip.present && events.size() == 3);
    assertThat(events.get(1))
        .isEqualTo(
            new Event(
                Weight.WARNING,
                "virtual IP 10.0.0.100/24 was removed from eth0 by something else; adding it"
                    + " again"));
    assertThat(ip.ran)
        .endsWith("ip addr add 10.0.0.100/24 dev eth0", "arping -U -c 2 -I eth0 10.0.0.100");
  }

  @Test
  void anAddressAddedByHandOnAServerNotActiveIsRemoved() throws Exception {
    start();

    ip.present = true;

    await().atMost(Duration.ofMillis(VirtualIp.CHECK_MILLIS * 5)).until(() -> !ip.present);
    assertThat(events.get(0).message())
        .isEqualTo(
            "virtual IP 10.0.0.100/24 is on eth0 though this server is not ACTIVE; removing it");
    assertThat(vip.failureWeight()).isZero();
  }

  @Test
  void aStopRemovesTheAddress() throws Exception {
    start();
    vip.hold();
    await().atMost(Duration.ofSeconds(5)).until(() -> ip.present);

    vip.stop();

    assertThat(ip.present).isFalse();
  }

  @Test
  void bothWordingsOfIpRouteCountAsAlreadyDone() {
    assertThat(AddressCommands.alreadyThere("RTNETLINK answers: File exists")).isTrue();
    assertThat(AddressCommands.alreadyThere("Error: ipv4: Address already assigned.")).isTrue();
    assertThat(AddressCommands.notThere("RTNETLINK answers: Cannot assign requested address"))
        .isTrue();
    assertThat(AddressCommands.notThere("Error: ipv4: Address not found.")).isTrue();
    assertThat(AddressCommands.notThere("Cannot find device \"eth9\"")).isFalse();
  }

  @Test
  void ipv6AddsWithOrWithoutDuplicateDetection() {
    AddressCommands v6 =
        AddressCommands.of(new VirtualIpSpec("fd00::100", 64, "eth1", Map.of()), "beta");

    assertThat(v6.add(false)).containsExactly("ip", "addr", "add", "fd00::100/64", "dev", "eth1");
    assertThat(v6.add(true))
        .containsExactly("ip", "addr", "add", "fd00::100/64", "dev", "eth1", "nodad");
    assertThat(v6.delete()).containsExactly("ip", "addr", "del", "fd00::100/64", "dev", "eth1");
    assertThat(V4.add(true)).containsExactly("ip", "addr", "add", "10.0.0.100/24", "dev", "eth0");
  }

  static final AddressCommands V6 = new AddressCommands("fd00::100", 64, "eth1");

  /** {@code /proc} as the kernel shows an interface eth1 with duplicate address detection on. */
  void procWithEth1() throws Exception {
    Path all = Files.createDirectories(proc.resolve("conf/all"));
    Files.writeString(all.resolve("accept_dad"), "0\n");
    Path eth1 = Files.createDirectories(proc.resolve("conf/eth1"));
    Files.writeString(eth1.resolve("accept_dad"), "1\n");
    Files.writeString(eth1.resolve("ndisc_notify"), "0\n");
    // What the fake ip's add leaves: the address, no longer tentative (flags 0x80, permanent).
    Files.writeString(
        proc.resolve("if_inet6"),
        NeighbourAdvert.hex("fd00::100")
            + " 08 40 00 80     eth1\n"
            + NeighbourAdvert.hex("fe80::1")
            + " 08 40 20 c0     eth1\n");
  }

  @Test
  void anIpv6AddressIsAdvertisedByTheKernelWithDetectionOffForTheMoment() throws Exception {
    procWithEth1();
    start(V6);
    List<String> duringAdd = new CopyOnWriteArrayList<>();
    ip.onAdd =
        () -> duringAdd.add(read("conf/eth1/accept_dad") + "/" + read("conf/eth1/ndisc_notify"));

    vip.hold();

    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    assertThat(ip.ran)
        .containsExactly("ip addr del fd00::100/64 dev eth1", "ip addr add fd00::100/64 dev eth1");
    assertThat(duringAdd).as("accept_dad/ndisc_notify while adding").containsExactly("0/1");
    assertThat(read("conf/eth1/accept_dad")).as("accept_dad put back").isEqualTo("1");
    assertThat(read("conf/eth1/ndisc_notify")).isEqualTo("1");
    assertThat(events)
        .containsExactly(new Event(Weight.NOTICE, "virtual IP fd00::100/64 added on eth1"));
  }

  @Test
  void withoutTheSettingsAnIpv6AddressIsAddedUnadvertised() throws Exception {
    start(V6);

    vip.hold();

    await().atMost(Duration.ofSeconds(5)).until(() -> ip.present && events.size() == 2);
    assertThat(ip.ran).endsWith("ip addr add fd00::100/64 dev eth1 nodad");
    assertThat(events.get(0).weight()).isEqualTo(Weight.WARNING);
    assertThat(events.get(0).message())
        .startsWith("virtual IP fd00::100 not advertised to the neighbours (cannot switch")
        .endsWith("they find it when they probe again");
    assertThat(vip.failureWeight()).isZero();
  }

  @Test
  void whereDetectionIsOnForAllInterfacesTheAddressIsAddedUnadvertised() throws Exception {
    procWithEth1();
    Files.writeString(proc.resolve("conf/all/accept_dad"), "1\n");
    start(V6);

    vip.hold();

    await().atMost(Duration.ofSeconds(5)).until(() -> ip.present && events.size() == 2);
    assertThat(ip.ran).endsWith("ip addr add fd00::100/64 dev eth1 nodad");
    assertThat(events.get(0).message()).contains("net.ipv6.conf.all.accept_dad is 1");
    assertThat(read("conf/eth1/accept_dad")).as("untouched").isEqualTo("1");
  }

  @Test
  void theKernelsAddressListIsReadAsItWritesIt() throws Exception {
    assertThat(NeighbourAdvert.hex("fd00::100")).isEqualTo("fd000000000000000000000000000100");
    procWithEth1();
    NeighbourAdvert advert =
        new NeighbourAdvert(proc.resolve("if_inet6"), proc.resolve("conf"), () -> 0L);

    assertThat(advert.awaitAdvertised("fd00::100", "eth1", 0)).isTrue();
    assertThat(advert.awaitAdvertised("fe80::1", "eth1", 0)).as("tentative").isFalse();
  }

  private String read(String file) {
    try {
      return Files.readString(proc.resolve(file)).strip();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aServerWithoutAnInterfaceHoldsNoAddress() {
    VirtualIpSpec spec = new VirtualIpSpec("10.0.0.100", 24, "", Map.of("alpha", "eth0"));

    assertThat(VirtualIp.of(spec, "witness", (w, m, d) -> {}, () -> {})).isNull();
    assertThat(VirtualIp.of(VirtualIpSpec.NONE, "alpha", (w, m, d) -> {}, () -> {})).isNull();
    assertThat(VirtualIp.of(spec, "alpha", (w, m, d) -> {}, () -> {})).isNotNull();
  }
}
