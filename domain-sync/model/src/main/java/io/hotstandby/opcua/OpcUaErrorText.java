package io.hotstandby.opcua;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/**
 * What went wrong in a call through Milo, as one line for an operator: "connection refused", "no
 * answer within 5000 ms", a status by its name and description. The driver of a PLC and the admin
 * client describe their failures the same way.
 */
public final class OpcUaErrorText {
  private OpcUaErrorText() {}

  /**
   * One line for a failed call or connection.
   *
   * @param waitMs how long the caller waited, named when the failure is that no answer came
   */
  public static String describe(Throwable e, long waitMs) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException) {
        return "no answer within " + waitMs + " ms";
      }
      if (c instanceof ConnectException) {
        // Netty appends ": /host:port", which the caller's message already names.
        String m = c.getMessage();
        return m == null ? "connection refused" : lowerFirst(m.split(": /")[0]);
      }
      if (c instanceof UnknownHostException) {
        return "unknown host " + c.getMessage();
      }
      if (c.getCause() == c) {
        break;
      }
    }
    Optional<UaException> ua = UaException.extract(t);
    if (ua.isPresent()) {
      // Milo's own message when it says more than the status, e.g. which token policy failed.
      String m = ua.get().getMessage();
      Throwable cause = ua.get().getCause();
      boolean says =
          m != null && !m.startsWith("status=") && (cause == null || !m.equals(cause.toString()));
      StatusCode code = ua.get().getStatusCode();
      return says ? statusName(code) + ": " + oneLine(m) : status(code);
    }
    Optional<StatusCode> code = UaException.extractStatusCode(t);
    if (code.isPresent()) {
      return status(code.get());
    }
    String m = t.getMessage();
    return m == null ? t.toString() : lowerFirst(oneLine(m));
  }

  /** A status as its name and description, e.g. "Bad_NotWritable (The access level ...)". */
  public static String status(StatusCode code) {
    return StatusCodes.lookup(code.getValue())
        .map(s -> s[0] + (s.length > 1 && !s[1].isEmpty() ? " (" + s[1] + ")" : ""))
        .orElse(code.toString());
  }

  /** A status by its name alone, e.g. "Bad_NotWritable". */
  public static String statusName(StatusCode code) {
    return StatusCodes.lookup(code.getValue()).map(s -> s[0]).orElse(code.toString());
  }

  private static String oneLine(String s) {
    return s.replaceAll("[\\r\\n]+", " ").strip();
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
