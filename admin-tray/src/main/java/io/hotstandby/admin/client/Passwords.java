package io.hotstandby.admin.client;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The credentials of {@code --user}, as every operator tool reads them: the password from {@code
 * --password-file} (its first line), else the {@code DOMAINCTL_PASSWORD} environment variable, else
 * asked for on the console.
 */
public final class Passwords {
  private Passwords() {}

  /**
   * The credentials to log in with, or null for an anonymous session (no {@code user}).
   *
   * @throws IllegalArgumentException in one line, when there is no password or the file cannot be
   *     read
   */
  public static AdminClient.Credentials login(String user, Path passwordFile) {
    if (user == null) {
      return null;
    }
    return new AdminClient.Credentials(user, password(user, passwordFile));
  }

  private static char[] password(String user, Path passwordFile) {
    if (passwordFile != null) {
      try {
        List<String> lines = Files.readAllLines(passwordFile);
        return (lines.isEmpty() ? "" : lines.get(0)).toCharArray();
      } catch (IOException e) {
        throw new IllegalArgumentException(passwordFile + ": cannot read: " + e.getMessage());
      }
    }
    String env = System.getenv("DOMAINCTL_PASSWORD");
    if (env != null) {
      return env.toCharArray();
    }
    Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException(
          "no password for " + user + ": give --password-file or set DOMAINCTL_PASSWORD");
    }
    char[] typed = console.readPassword("password for %s: ", user);
    if (typed == null) {
      throw new IllegalArgumentException("no password for " + user);
    }
    return typed;
  }
}
