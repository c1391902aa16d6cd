package io.hotstandby.xml;

import java.nio.file.Path;

/**
 * A file in one of the product's strict XML formats (a domain file, a project file) that cannot be
 * used. The message is one line naming the file, the element or attribute and the problem, e.g.
 * {@code demo.dom: hotStandby/@backup: unknown server 'gamma'}; each format has its own subclass.
 */
public abstract class XmlFileException extends Exception {
  private final Path file;
  private final String field;
  private final String problem;

  protected XmlFileException(Path file, String field, String problem, Throwable cause) {
    super(oneLine(file + ": " + field + ": " + problem), cause);
    this.file = file;
    this.field = field;
    this.problem = oneLine(problem);
  }

  // Values from the file (names, addresses, parser messages) may hold line breaks; logs need one.
  private static String oneLine(String s) {
    return String.valueOf(s).replaceAll("\\p{Cntrl}+", " ");
  }

  /** The file, as the reader was given it. */
  public Path file() {
    return file;
  }

  /**
   * The element or attribute, as a path from the root element, e.g. {@code
   * servers/server[@name='beta']/opcua/@port}.
   */
  public String field() {
    return field;
  }

  /** What is wrong, without the file and the field. */
  public String problem() {
    return problem;
  }

  /** Makes the exception of one file format; the strict reader reports through it. */
  @FunctionalInterface
  public interface Factory<E extends XmlFileException> {
    E create(Path file, String field, String problem, Throwable cause);
  }
}
