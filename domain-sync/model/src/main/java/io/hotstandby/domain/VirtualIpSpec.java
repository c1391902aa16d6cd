package io.hotstandby.domain;

import java.util.Map;
import java.util.Optional;

/**
 * The domain's virtual IP address ({@code hotStandby/virtualIp}): the address that the ACTIVE
 * server holds, so clients that know one address always reach the active.
 *
 * @param address the address without its prefix, IPv4 or IPv6, "" when the domain has none
 * @param prefixLength the prefix length the address is added with (e.g. 24)
 * @param defaultInterface the network interface the address goes on, "" when every server names its
 *     own
 * @param interfaces per server, an interface other than {@code defaultInterface}
 */
public record VirtualIpSpec(
    String address, int prefixLength, String defaultInterface, Map<String, String> interfaces) {

  /** No virtual IP address. */
  public static final VirtualIpSpec NONE = new VirtualIpSpec("", 0, "", Map.of());

  public VirtualIpSpec {
    address = address == null ? "" : address;
    defaultInterface = defaultInterface == null ? "" : defaultInterface;
    interfaces = Map.copyOf(interfaces);
  }

  /** Whether the domain has a virtual IP address. */
  public boolean enabled() {
    return !address.isEmpty();
  }

  /** Whether the address is an IPv6 address. */
  public boolean ipv6() {
    return address.contains(":");
  }

  /** The address with its prefix, as {@code ip addr} takes it: {@code 10.0.0.100/24}. */
  public String cidr() {
    return address + "/" + prefixLength;
  }

  /** The interface {@code server} puts the address on, if it has one. */
  public Optional<String> interfaceOf(String server) {
    String own = interfaces.get(server);
    if (own != null) {
      return Optional.of(own);
    }
    return defaultInterface.isEmpty() ? Optional.empty() : Optional.of(defaultInterface);
  }
}
