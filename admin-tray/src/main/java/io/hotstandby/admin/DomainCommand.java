package io.hotstandby.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.admin.Domainctl.Target;
import io.hotstandby.admin.Domainctl.UsageException;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.admin.client.DomainChange;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code domainctl domain apply|history|show|rollback}: administers the domain file through one
 * server (with {@code --domain}, the first of the domain that answers), which passes a change on to
 * the others.
 */
@Command(
    name = "domain",
    description =
        "Applies, lists, shows and rolls back versions of the domain file; starts and stops the"
            + " domain on a server.",
    subcommands = {
      DomainCommand.Apply.class,
      DomainCommand.History.class,
      DomainCommand.Show.class,
      DomainCommand.Rollback.class,
      DomainRunCommand.Start.class,
      DomainRunCommand.Stop.class
    })
final class DomainCommand {
  /** Far below what one OPC UA message carries (2 MiB); no domain file comes near it. */
  static final int MAX_FILE_BYTES = 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String[] HISTORY_COLUMNS = {
    "VERSION", "SHA256", "SERVER", "USER", "TIME", "SOURCE", "STATUS"
  };

  @ParentCommand Domainctl parent;

  /** The one endpoint, or the first server of the domain that answers. */
  AdminClient connect(List<Target> targets) throws UsageException {
    return parent.connectAny(targets);
  }

  /**
   * The history as a table, one version a line, newest first as the server lists them; a missing
   * field shows as "-", a hash as its first 12 hex digits.
   *
   * @throws IllegalArgumentException if {@code json} is not a JSON array
   */
  static String historyTable(String json) {
    JsonNode versions;
    try {
      versions = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the history is not JSON: " + e.getOriginalMessage());
    }
    if (versions == null || !versions.isArray()) {
      throw new IllegalArgumentException("the history is not a JSON array");
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HISTORY_COLUMNS);
    for (JsonNode v : versions) {
      String sha = field(v, "sha256");
      rows.add(
          new String[] {
            field(v, "number"),
            sha.length() > 12 ? sha.substring(0, 12) : sha,
            field(v, "server"),
            field(v, "user"),
            field(v, "time"),
            field(v, "source"),
            field(v, "status")
          });
    }
    int[] widths = new int[HISTORY_COLUMNS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        boolean last = i == row.length - 1;
        b.append(last ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
      }
      b.append(System.lineSeparator());
    }
    return b.toString();
  }

  private static String field(JsonNode version, String name) {
    JsonNode value = version.get(name);
    if (value == null || value.isNull() || value.isContainerNode() || value.asText().isEmpty()) {
      return "-";
    }
    return value.asText();
  }

  /** One line for an I/O failure: "no such file", "permission denied", the system's reason. */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.toString();
    }
    return Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }

  /** The parts every subcommand shares: where to print, whom to ask, and how errors end. */
  abstract static class Sub implements Callable<Integer> {
    @ParentCommand DomainCommand group;

    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    int fail(int exit, String message) {
      err().println("domainctl: " + message);
      return exit;
    }

    @Override
    public final Integer call() {
      List<Target> targets;
      try {
        targets = group.parent.targets();
        prepare();
      } catch (UsageException e) {
        return fail(Domainctl.USAGE, e.getMessage());
      }
      try (AdminClient client = group.connect(targets)) {
        return run(client);
      } catch (UsageException | AdminClientException e) {
        return fail(Domainctl.USAGE, e.getMessage());
      }
    }

    /** Checks what needs no server (e.g. reads a file); runs before connecting. */
    void prepare() throws UsageException {}

    abstract int run(AdminClient client) throws AdminClientException, UsageException;

    /** Prints the outcome of a change; 0 if accepted, 1 if refused. */
    int report(DomainChange change) {
      String message = change.message();
      if (message.isEmpty()) {
        message =
            change.accepted()
                ? "version " + change.version() + " is in force"
                : "refused; version " + change.version() + " stays in force";
      }
      (change.accepted() ? out() : err()).println(message);
      return change.accepted() ? Domainctl.OK : Domainctl.NOT_OK;
    }
  }

  /** {@code domainctl domain apply FILE}. */
  @Command(
      name = "apply",
      description =
          "Sends FILE as the next version of the domain file; the server checks it and, if good,"
              + " makes it the version in force on every server.")
  static final class Apply extends Sub {
    @Parameters(paramLabel = "FILE", description = "the complete new domain file")
    Path file;

    private byte[] content;

    @Override
    void prepare() throws UsageException {
      try {
        if (Files.isDirectory(file)) {
          throw new UsageException(file + ": cannot read: is a directory");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
          throw new UsageException(
              file
                  + ": cannot read: "
                  + size
                  + " bytes is too large for a domain file (at most "
                  + MAX_FILE_BYTES
                  + ")");
        }
        content = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UsageException(file + ": cannot read: " + describe(e));
      }
    }

    @Override
    int run(AdminClient client) throws AdminClientException {
      return report(client.applyDomain(content));
    }
  }

  /** {@code domainctl domain history [--json]}. */
  @Command(name = "history", description = "Lists the versions of the domain file, newest first.")
  static final class History extends Sub {
    @Option(names = "--json", description = "print the server's JSON array for scripts")
    boolean json;

    @Override
    int run(AdminClient client) throws AdminClientException, UsageException {
      String history = client.domainHistoryJson();
      if (json) {
        out().println(history);
        return Domainctl.OK;
      }
      try {
        out().print(historyTable(history));
      } catch (IllegalArgumentException e) {
        throw new UsageException(client.endpointUrl() + ": " + e.getMessage());
      }
      out().flush();
      return Domainctl.OK;
    }
  }

  /** {@code domainctl domain show [VERSION]}. */
  @Command(
      name = "show",
      description =
          "Writes one version of the domain file to standard output, byte for byte (default: the"
              + " version in force).")
  static final class Show extends Sub {
    @Parameters(
        arity = "0..1",
        paramLabel = "VERSION",
        description = "a version number, or a hash prefix of at least 6 hex digits")
    String version;

    @Override
    int run(AdminClient client) throws AdminClientException, UsageException {
      String wanted = version == null ? "" : version;
      Optional<byte[]> content = client.showDomain(wanted);
      if (content.isEmpty()) {
        return fail(
            Domainctl.NOT_OK, wanted.isEmpty() ? "no version in force" : "no version " + wanted);
      }
      try {
        group.parent.writeRaw(out(), content.get());
      } catch (IOException e) {
        throw new UsageException("cannot write to standard output: " + describe(e));
      }
      return Domainctl.OK;
    }
  }

  /** {@code domainctl domain rollback VERSION}. */
  @Command(
      name = "rollback",
      description = "Makes the content of an earlier VERSION the next version of the domain file.")
  static final class Rollback extends Sub {
    @Parameters(
        paramLabel = "VERSION",
        description = "a version number, or a hash prefix of at least 6 hex digits")
    String version;

    @Override
    int run(AdminClient client) throws AdminClientException {
      return report(client.rollbackDomain(version));
    }
  }
}
