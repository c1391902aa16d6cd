package io.hotstandby.domain;

import io.hotstandby.xml.XmlFileException;
import java.nio.file.Path;

/**
 * A domain file that cannot be used. The message is one line naming the file, the element or
 * attribute and the problem, e.g. {@code demo.dom: hotStandby/@backup: unknown server 'gamma'}.
 */
public class DomainFileException extends XmlFileException {
  public DomainFileException(Path file, String field, String problem) {
    super(file, field, problem, null);
  }

  public DomainFileException(Path file, String field, String problem, Throwable cause) {
    super(file, field, problem, cause);
  }
}
