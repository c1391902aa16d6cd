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
    Console console = System.console();
    if (console != null) {
      password = console.readPassword("password: ");
      char[] again = console.readPassword("again: ");
      if (password == null || again == null || !Arrays.equals(password, again)) {
        err.println("domainctl: the passwords differ");
        return Domainctl.NOT_OK;
      }
    } else {
      try {
        String line =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        password = line == null ? new char[0] : line.toCharArray();
      } catch (IOException e) {
        err.println("domainctl: cannot read the password: " + e.getMessage());
        return Domainctl.USAGE;
      }
    }
    if (password.length < 8) {
      err.println("domainctl: a password needs at least 8 characters");
      return Domainctl.NOT_OK;
    }
    out.println(PasswordHash.create(password));
    Arrays.fill(password, '\0');
    return Domainctl.OK;
  }
}
