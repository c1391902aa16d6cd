package io.hotstandby.admin;

import io.hotstandby.domain.PasswordHash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code domainctl hash-password}: asks for a password (twice, on a terminal; one line from
 * standard input otherwise) and prints the hash to put in {@code <user password="...">}.
 */
@Command(
    name = "hash-password",
    description = "Prints the hash of a password for <user password=\"...\"> in the domain file.")
final class HashPasswordCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    char[] password;
    try {
      password = newPassword(null);
    } catch (Domainctl.UsageException e) {
      err.println("domainctl: " + e.getMessage());
      return Domainctl.NOT_OK;
    }
    out.println(PasswordHash.create(password));
    Arrays.fill(password, '\0');
    return Domainctl.OK;
  }

  /**
   * A new password: the first line of {@code file} if given, else typed twice on a terminal, else
   * one line of standard input; at least 8 characters.
   */
  static char[] newPassword(java.nio.file.Path file) throws Domainctl.UsageException {
    char[] password;
    Console console = System.console();
    if (file != null) {
      try {
        java.util.List<String> lines = java.nio.file.Files.readAllLines(file);
        password = (lines.isEmpty() ? "" : lines.get(0)).toCharArray();
      } catch (IOException e) {
        throw new Domainctl.UsageException(file + ": cannot read: " + e.getMessage());
      }
    } else if (console != null) {
      password = console.readPassword("new password: ");
      char[] again = console.readPassword("again: ");
      if (password == null || again == null || !Arrays.equals(password, again)) {
        throw new Domainctl.UsageException("the passwords differ");
      }
    } else {
      try {
        String line =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        password = line == null ? new char[0] : line.toCharArray();
      } catch (IOException e) {
        throw new Domainctl.UsageException("cannot read the password: " + e.getMessage());
      }
    }
    if (password.length < 8) {
      throw new Domainctl.UsageException("a password needs at least 8 characters");
    }
    return password;
  }
}
