package io.hotstandby.server.vip;

import io.hotstandby.domain.VirtualIpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The commands that put the virtual IP address on this server's interface, take it off and tell the
 * neighbours where it now is: {@code ip} from iproute2 (Java has no netlink) and {@code arping}
 * from iputils for IPv4. An IPv6 address is announced by the kernel ({@link NeighbourAdvert}).
 *
 * @param address the address, e.g. {@code 10.0.0.100}
 * @param prefixLength its prefix length
 * @param device the interface, e.g. {@code eth0}
 */
record AddressCommands(String address, int prefixLength, String device) {

  static AddressCommands of(VirtualIpSpec spec, String server) {
    return new AddressCommands(
        spec.address(),
        spec.prefixLength(),
        spec.interfaceOf(server)
            .orElseThrow(() -> new IllegalArgumentException("no interface for " + server)));
  }

  boolean ipv6() {
    return address.contains(":");
  }

  /** The address with its prefix. */
  String cidr() {
    return address + "/" + prefixLength;
  }

  /**
   * Adds the address. {@code nodad} (IPv6 only) skips duplicate address detection, which would hold
   * the address back for a second (the old holder is the very duplicate being replaced), but the
   * kernel then sends no neighbour advertisement for it either: the fallback when {@link
   * NeighbourAdvert} cannot switch detection off for a moment.
   */
  List<String> add(boolean nodad) {
    List<String> c = new ArrayList<>(List.of("ip", "addr", "add", cidr(), "dev", device));
    if (nodad && ipv6()) {
      c.add("nodad");
    }
    return c;
  }

  /** Removes the address. */
  List<String> delete() {
    return List.of("ip", "addr", "del", cidr(), "dev", device);
  }

  /**
   * Tells the neighbours that an IPv4 address moved here: gratuitous ARP requests (which every
   * Linux, Windows and switch updates an existing cache entry from), two of them in case one is
   * lost.
   */
  List<String> announce() {
    return List.of("arping", "-U", "-c", "2", "-I", device, address);
  }

  /** {@code ip addr add} found the address there already (older and newer iproute2 wording). */
  static boolean alreadyThere(String error) {
    return error.contains("File exists")
        || error.toLowerCase(Locale.ROOT).contains("already assigned");
  }

  /** {@code ip addr del} found no such address on the interface. */
  static boolean notThere(String error) {
    return error.contains("Cannot assign requested address")
        || error.toLowerCase(Locale.ROOT).contains("address not found");
  }
}
