package io.hotstandby.admin.tray;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/** Whether a host of the domain file is this machine: a loopback or one of its own addresses. */
final class LocalHost {
  private LocalHost() {}

  /** True when {@code host} resolves to an address of this machine; false when it cannot say. */
  static boolean isThisMachine(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (a.isLoopbackAddress()
            || a.isAnyLocalAddress()
            || NetworkInterface.getByInetAddress(a) != null) {
          return true;
        }
      }
    } catch (UnknownHostException | SocketException e) {
      return false;
    }
    return false;
  }
}
