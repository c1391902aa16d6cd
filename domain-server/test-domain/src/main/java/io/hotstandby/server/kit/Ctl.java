package io.hotstandby.server.kit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.admin.Domainctl;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Runs {@code domainctl} in the test's JVM and keeps what it printed and its exit code. */
public record Ctl(int exit, String out, String err) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static Ctl run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Domainctl.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Ctl(exit, out.toString(), err.toString());
  }

  /** The standard output parsed as JSON (for {@code --json}). */
  public JsonNode json() {
    try {
      return JSON.readTree(out);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + out + err, e);
    }
  }
}
