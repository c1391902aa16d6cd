package io.hotstandby.domain;

import java.nio.file.Path;

/**
 * A domain file that cannot be used. The message is one line naming the file, the element or
 * attribute and the problem, e.g. {@code demo.dom: hotStandby/@backup: unknown server 'gamma'}.
 */
public class DomainFileException extends Exception {
  private final Path file;
  private final String field;

  public DomainFileException(Path file, String field, String problem) {
    super(message(file, field, problem));
    this.file = file;
    this.field = field;
  }

  public DomainFileException(Path file, String field, String problem, Throwable cause) {
    super(message(file, field, problem), cause);
    this.file = file;
    this.field = field;
  }

  // Values from the file (names, parser messages) may hold line breaks; logs need one line.
  private static String message(Path file, String field, String problem) {
    return (file + ": " + field + ": " + problem).replaceAll("\\p{Cntrl}+", " ");
  }

  public Path file() {
    return file;
  }

  public String field() {
    return field;
  }
}
