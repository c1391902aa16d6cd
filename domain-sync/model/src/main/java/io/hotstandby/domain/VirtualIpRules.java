package io.hotstandby.domain;

import io.hotstandby.xml.FieldPath;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules for {@code hotStandby/virtualIp}: a literal IPv4 or IPv6 address (never a name: it is
 * added as it is written) with a prefix that fits it, an interface for the main and the backup, and
 * no server of the domain at that address.
 */
final class VirtualIpRules {
  static final String FIELD = FieldPath.child(Fields.HOT_STANDBY, "virtualIp");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** Linux interface names: at most 15 bytes, no slash, colon or white space. */
  static final Pattern INTERFACE =
      Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9_][A-Za-z0-9_.@-]{0,14}");

  private VirtualIpRules() {}

  static List<DomainFileException> check(Domain d) {
    List<DomainFileException> problems = new ArrayList<>();
    VirtualIpSpec v = d.hotStandby().virtualIp();
    if (!v.enabled()) {
      return problems;
    }
    String address = FieldPath.attr(FIELD, "address");
    boolean literal = IPV4.matcher(v.address()).matches() || isIpv6(v.address());
    int max = v.ipv6() ? 128 : 32;
    if (!literal) {
      problems.add(error(d, address, "'" + v.address() + "' is not an IPv4 or IPv6 address"));
    } else if (v.prefixLength() < 1 || v.prefixLength() > max) {
      problems.add(error(d, address, "prefix " + v.prefixLength() + " is outside 1.." + max));
    }
    for (ServerSpec s : d.servers()) {
      if (literal && sameAddress(s.host(), v.address())) {
        problems.add(
            error(d, address, v.address() + " is the address of server '" + s.name() + "'"));
      }
    }
    if (!v.defaultInterface().isEmpty() && !INTERFACE.matcher(v.defaultInterface()).matches()) {
      problems.add(
          error(
              d,
              FieldPath.attr(FIELD, "interface"),
              "'" + v.defaultInterface() + "' is not a network interface name"));
    }
    for (Map.Entry<String, String> e : v.interfaces().entrySet()) {
      String at = FieldPath.child(FIELD, FieldPath.byKey("interface", "server", e.getKey()));
      if (d.server(e.getKey()).isEmpty()) {
        problems.add(error(d, FieldPath.attr(at, "server"), "unknown server '" + e.getKey() + "'"));
      }
      if (!INTERFACE.matcher(e.getValue()).matches()) {
        problems.add(
            error(
                d,
                FieldPath.attr(at, "name"),
                "'" + e.getValue() + "' is not a network interface name"));
      }
    }
    HotStandbySpec h = d.hotStandby();
    for (String server : new String[] {h.main(), h.backup()}) {
      if (server != null && v.interfaceOf(server).isEmpty()) {
        problems.add(
            error(
                d,
                FieldPath.attr(FIELD, "interface"),
                "server '"
                    + server
                    + "' has no interface for the address: give @interface or"
                    + " <interface server=\""
                    + server
                    + "\" name=\"...\"/>"));
      }
    }
    return problems;
  }

  private static boolean isIpv6(String text) {
    if (!IPV6.matcher(text).matches()) {
      return false;
    }
    try {
      // A literal with a colon is parsed, never looked up.
      return InetAddress.getByName(text).getAddress().length == 16;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean sameAddress(String host, String address) {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase(address)) {
      return true;
    }
    if (!address.contains(":") || !host.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(host).equals(InetAddress.getByName(address));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static DomainFileException error(Domain d, String field, String text) {
    return new DomainFileException(d.file(), field, text);
  }
}
