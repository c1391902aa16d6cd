package io.hotstandby.runtime.driver.opcua;

import java.util.function.Function;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.UaRuntimeException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * A tag's address as an OPC UA NodeId: {@code ns=2;s=Tank1.Level} (namespace by index) or {@code
 * nsu=urn:vendor:plc;s=Tank1.Level} (namespace by URI, resolved against the server's namespace
 * table of the current session, since indexes may change when a server restarts).
 */
final class OpcUaAddress {
  private OpcUaAddress() {}

  /** Whether {@code address} names its namespace by URI. */
  static boolean byUri(String address) {
    return address != null && address.trim().startsWith("nsu=");
  }

  /**
   * The NodeId {@code address} names on the server whose namespaces are {@code namespaces}.
   *
   * @throws IllegalArgumentException with a one-line reason: no address, not a NodeId, namespace
   *     URI unknown to the server
   */
  static NodeId resolve(String address, NamespaceTable namespaces) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("no address");
    }
    String text = address.trim();
    if (!byUri(text)) {
      return parse(text, NodeId::parse);
    }
    ExpandedNodeId expanded = parse(text, ExpandedNodeId::parse);
    return expanded
        .toNodeId(namespaces)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the server has no namespace "
                        + expanded.getNamespaceUri()
                        + " (address "
                        + text
                        + ")"));
  }

  private static <T> T parse(String text, Function<String, T> parser) {
    try {
      T id = parser.apply(text);
      if (id == null) {
        throw new IllegalArgumentException("null");
      }
      return id;
    } catch (UaRuntimeException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "address " + text + " is not a NodeId (like ns=2;s=Tank1.Level)", e);
    }
  }
}
