package io.hotstandby.server.vip;

import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.function.LongSupplier;

/**
 * How an IPv6 virtual address is announced: by the kernel itself. There is no packaged tool for an
 * unsolicited neighbour advertisement (iputils' {@code arping} is IPv4 only), but Linux sends one
 * when an address it added leaves the "tentative" state, if the interface's {@code ndisc_notify} is
 * on. With duplicate address detection that takes a second or two; with {@code accept_dad} off, a
 * few milliseconds. So, around the {@code ip addr add}: {@code ndisc_notify} is switched on and
 * stays on (it only adds advertisements when addresses or the link change), and {@code accept_dad}
 * is switched off and put back as soon as the address is no longer tentative (the kernel reads it
 * before it clears the flag). Reads and writes {@code /proc}, which shows the network namespace of
 * the server's process.
 */
final class NeighbourAdvert {
  /** Where the kernel lists the IPv6 addresses, with their flags. */
  static final Path ADDRESSES = Path.of("/proc/net/if_inet6");

  /** Where the per-interface IPv6 settings are. */
  static final Path SETTINGS = Path.of("/proc/sys/net/ipv6/conf");

  private static final int IFA_F_TENTATIVE = 0x40;

  private final Path addresses;
  private final Path settings;
  private final LongSupplier millis;

  NeighbourAdvert(Path addresses, Path settings, LongSupplier millis) {
    this.addresses = addresses;
    this.settings = settings;
    this.millis = millis;
  }

  /** On the real {@code /proc}. */
  static NeighbourAdvert kernel() {
    return new NeighbourAdvert(ADDRESSES, SETTINGS, System::currentTimeMillis);
  }

  /** What {@link #prepare} changed, to be put back by {@link #restore}. */
  record Prepared(String device, String acceptDad) {}

  /**
   * Switches {@code ndisc_notify} on and {@code accept_dad} off for {@code device}, before the
   * address is added.
   *
   * @throws IOException when a setting cannot be read or written (no CAP_NET_ADMIN, no IPv6)
   */
  Prepared prepare(String device) throws IOException {
    // Detection is skipped only when both the interface's setting and "all" are below 1.
    String all = read(settings.resolve("all").resolve("accept_dad"));
    if (Integer.parseInt(all) > 0) {
      throw new IOException(
          "net.ipv6.conf.all.accept_dad is "
              + all
              + ", so detection cannot be skipped for a moment");
    }
    Path dir = settings.resolve(device);
    String acceptDad = read(dir.resolve("accept_dad"));
    write(dir.resolve("ndisc_notify"), "1");
    write(dir.resolve("accept_dad"), "0");
    return new Prepared(device, acceptDad);
  }

  /**
   * Waits at most {@code timeoutMillis} until {@code address} on {@code device} is no longer
   * tentative, which is when the kernel advertises it. Returns whether it got there.
   */
  boolean awaitAdvertised(String address, String device, long timeoutMillis)
      throws IOException, InterruptedException {
    String hex = hex(address);
    long until = millis.getAsLong() + timeoutMillis;
    while (true) {
      if (!tentative(hex, device)) {
        return true;
      }
      if (millis.getAsLong() >= until) {
        return false;
      }
      Thread.sleep(5);
    }
  }

  /** Puts {@code accept_dad} back as it was. */
  void restore(Prepared prepared) throws IOException {
    write(settings.resolve(prepared.device()).resolve("accept_dad"), prepared.acceptDad());
  }

  /** Whether the address is listed as tentative; an address not listed is not. */
  private boolean tentative(String hex, String device) throws IOException {
    for (String line : Files.readAllLines(addresses, StandardCharsets.US_ASCII)) {
      // address, interface index, prefix length, scope, flags, name
      String[] f = line.trim().split("\\s+");
      if (f.length == 6 && f[0].equals(hex) && f[5].equals(device)) {
        try {
          return (Integer.parseInt(f[4], 16) & IFA_F_TENTATIVE) != 0;
        } catch (NumberFormatException e) {
          throw new IOException(addresses + ": flags '" + f[4] + "'", e);
        }
      }
    }
    return false;
  }

  /** The address as {@code /proc/net/if_inet6} writes it: 32 hex digits. */
  static String hex(String address) throws UnknownHostException {
    // A literal: no name is looked up.
    return HexFormat.of().formatHex(InetAddress.getByName(address).getAddress());
  }

  private static String read(Path setting) throws IOException {
    String value = Files.readString(setting, StandardCharsets.US_ASCII).strip();
    if (!value.matches("-?[0-9]{1,9}")) {
      throw new IOException(setting + ": not a number: '" + value + "'");
    }
    return value;
  }

  /**
   * A stream, not a channel: an interrupt (the server stopping mid-add) must not keep a setting
   * from being put back.
   */
  private static void write(Path setting, String value) throws IOException {
    try (FileOutputStream out = new FileOutputStream(setting.toFile())) {
      out.write((value + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }
}
