package io.hotstandby.rec;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The source addresses a path accepts datagrams from: the addresses the domain file declares for
 * the peers on that path, or any loopback address when a declared one is loopback (test domains put
 * relays on loopback in front of every REC port, so the source is the relay's, not the peer's).
 * Checked before the MAC, so a flood from anywhere else costs a hash-set lookup. Immutable.
 */
final class DeclaredSources {
  private final Map<String, Set<InetAddress>> byPath = new HashMap<>();
  private final Set<String> loopbackPaths = new HashSet<>();

  DeclaredSources(Map<String, Map<String, InetSocketAddress>> peers) {
    peers
        .values()
        .forEach(
            paths ->
                paths.forEach(
                    (path, target) -> {
                      InetAddress a = target.getAddress();
                      if (a == null) {
                        return; // unresolved: nothing can match it
                      }
                      byPath.computeIfAbsent(path, p -> new HashSet<>()).add(a);
                      if (a.isLoopbackAddress()) {
                        loopbackPaths.add(path);
                      }
                    }));
  }

  /** Whether any peer may send from {@code source} on {@code path}. */
  boolean admits(String path, SocketAddress source) {
    if (!(source instanceof InetSocketAddress s) || s.getAddress() == null) {
      return false;
    }
    InetAddress a = s.getAddress();
    if (a.isLoopbackAddress()) {
      return loopbackPaths.contains(path);
    }
    Set<InetAddress> set = byPath.get(path);
    return set != null && set.contains(a);
  }

  /** Whether {@code source} may carry the heartbeats of the peer declared at {@code target}. */
  static boolean matches(InetSocketAddress target, SocketAddress source) {
    if (!(source instanceof InetSocketAddress s) || s.getAddress() == null) {
      return false;
    }
    InetAddress declared = target.getAddress();
    if (declared == null) {
      return false;
    }
    return declared.isLoopbackAddress()
        ? s.getAddress().isLoopbackAddress()
        : declared.equals(s.getAddress());
  }
}
