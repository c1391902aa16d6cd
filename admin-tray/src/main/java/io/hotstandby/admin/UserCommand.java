package io.hotstandby.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.admin.Domainctl.UsageException;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.client.AdminClientException;
import io.hotstandby.admin.client.DomainChange;
import io.hotstandby.domain.PasswordHash;
import io.hotstandby.domain.sync.DomainFileEdit;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code domainctl user list|add|passwd|remove}: the users of the domain, changed through a new
 * version of the domain file (read with {@code Domain.Show}, edited as text so the rest of the file
 * stays as written, put in force with {@code Domain.Apply}); needs an administrator.
 */
@Command(
    name = "user",
    description =
        "Lists, adds, removes users and sets their passwords, through a change of the domain"
            + " file; needs --user of an administrator.",
    subcommands = {
      UserCommand.ListUsers.class,
      UserCommand.Add.class,
      UserCommand.Passwd.class,
      UserCommand.Remove.class
    })
final class UserCommand {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  @ParentCommand Domainctl parent;

  /** A user of the domain file as listed. */
  record User(String name, String role) {}

  /** The users declared in a domain file's content. */
  static List<User> users(byte[] content) throws UsageException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      NodeList list =
          f.newDocumentBuilder()
              .parse(new ByteArrayInputStream(content))
              .getElementsByTagName("user");
      List<User> users = new ArrayList<>();
      for (int i = 0; i < list.getLength(); i++) {
        Element e = (Element) list.item(i);
        users.add(new User(e.getAttribute("name"), e.getAttribute("role")));
      }
      return users;
    } catch (Exception e) {
      throw new UsageException("the domain file in force cannot be read: " + e.getMessage());
    }
  }

  /** The content of the domain file version in force on the server. */
  static byte[] inForce(AdminClient client) throws AdminClientException, UsageException {
    return client
        .showDomain("")
        .orElseThrow(() -> new UsageException("the server has no domain file in force"));
  }

  /** Reads the version in force, edits it, applies it; prints the outcome. */
  int change(CommandSpec spec, Edit edit) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (AdminClient client = parent.connectAny(parent.targets())) {
      byte[] current = inForce(client);
      byte[] next;
      try {
        next = edit.apply(current);
      } catch (IllegalArgumentException e) {
        err.println("domainctl: " + e.getMessage());
        return Domainctl.NOT_OK;
      }
      DomainChange r = client.applyDomain(next);
      (r.accepted() ? out : err).println(r.message());
      return r.accepted() ? Domainctl.OK : Domainctl.NOT_OK;
    } catch (AdminClientException | UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.USAGE;
    }
  }

  /** {@code --new-password-file}, or the password asked for twice. */
  static final class NewPassword {
    @Option(
        names = "--new-password-file",
        paramLabel = "FILE",
        description = "the new password's file (first line); else asked for twice")
    Path file;

    /** The hash of the new password for the domain file. */
    String hash() throws UsageException {
      char[] password = HashPasswordCommand.newPassword(file);
      try {
        return PasswordHash.create(password);
      } finally {
        Arrays.fill(password, '\0');
      }
    }
  }

  @FunctionalInterface
  interface Edit {
    byte[] apply(byte[] content) throws UsageException;
  }

  static String checkedName(String name) throws UsageException {
    if (!NAME.matcher(name).matches()) {
      throw new UsageException(
          "user name '" + name + "': letters, digits and . _ @ - only, at most 64");
    }
    return name;
  }

  @Command(name = "list", description = "Lists the users and their roles.")
  static final class ListUsers implements Callable<Integer> {
    @ParentCommand UserCommand group;

    @Spec CommandSpec spec;

    @Option(names = "--json", description = "print a JSON array for scripts")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Domainctl parent = group.parent;
      try (AdminClient client = parent.connectAny(parent.targets())) {
        byte[] current = inForce(client);
        List<User> users = users(current);
        if (json) {
          ArrayNode a = EventsCommand.JSON.createArrayNode();
          for (User u : users) {
            ObjectNode o = a.addObject();
            o.put("name", u.name());
            o.put("role", u.role());
          }
          out.println(a.toPrettyString());
        } else {
          out.printf("%-24s %s%n", "USER", "ROLE");
          users.forEach(u -> out.printf("%-24s %s%n", u.name(), u.role()));
        }
        return Domainctl.OK;
      } catch (AdminClientException | UsageException e) {
        err.println("domainctl: " + e.getMessage());
        return Domainctl.USAGE;
      }
    }
  }

  @Command(name = "add", description = "Adds a user with a role and a password.")
  static final class Add implements Callable<Integer> {
    @ParentCommand UserCommand group;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the new user's name")
    String name;

    @Option(names = "--role", required = true, description = "viewer, operator or administrator")
    String role;

    @Mixin NewPassword password;

    @Override
    public Integer call() {
      String r = role.toLowerCase(Locale.ROOT);
      if (!List.of("viewer", "operator", "administrator").contains(r)) {
        spec.commandLine()
            .getErr()
            .println("domainctl: --role '" + role + "': give viewer, operator or administrator");
        return Domainctl.USAGE;
      }
      return group.change(
          spec, content -> DomainFileEdit.addUser(content, checkedName(name), r, password.hash()));
    }
  }

  @Command(name = "passwd", description = "Sets a user's password.")
  static final class Passwd implements Callable<Integer> {
    @ParentCommand UserCommand group;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the user")
    String name;

    @Mixin NewPassword password;

    @Override
    public Integer call() {
      return group.change(
          spec, content -> DomainFileEdit.setPassword(content, name, password.hash()));
    }
  }

  @Command(name = "remove", description = "Removes a user; it can no longer log in.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand UserCommand group;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the user")
    String name;

    @Override
    public Integer call() {
      return group.change(spec, content -> DomainFileEdit.removeUser(content, name));
    }
  }
}
