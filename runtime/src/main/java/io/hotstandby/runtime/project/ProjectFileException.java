package io.hotstandby.runtime.project;

import io.hotstandby.runtime.RuntimeLoadException;
import java.nio.file.Path;

/**
 * A project file that cannot be used. The message is one line naming the file, the element or
 * attribute and the problem, e.g. {@code plant.prj: drivers/driver[@name='plc']/@endpoint: must
 * start with opc.tcp://, not 'http://plc:4840'}.
 */
public class ProjectFileException extends RuntimeLoadException {
  private final Path file;
  private final String field;
  private final String problem;

  public ProjectFileException(Path file, String field, String problem) {
    super(message(file, field, problem));
    this.file = file;
    this.field = field;
    this.problem = oneLine(problem);
  }

  public ProjectFileException(Path file, String field, String problem, Throwable cause) {
    super(message(file, field, problem), cause);
    this.file = file;
    this.field = field;
    this.problem = oneLine(problem);
  }

  // Values from the file (names, addresses, parser messages) may hold line breaks; logs need one.
  private static String message(Path file, String field, String problem) {
    return oneLine(file + ": " + field + ": " + problem);
  }

  private static String oneLine(String s) {
    return String.valueOf(s).replaceAll("\\p{Cntrl}+", " ");
  }

  /** The project file, absolute. */
  public Path file() {
    return file;
  }

  /**
   * The element or attribute, as a path from the root element, e.g. {@code tags/tag[@name='A']}.
   */
  public String field() {
    return field;
  }

  /** What is wrong, without the file and the field. */
  public String problem() {
    return problem;
  }
}
