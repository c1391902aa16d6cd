package io.hotstandby.runtime.project;

import io.hotstandby.xml.XmlFileException;
import java.nio.file.Path;

/**
 * A project file that cannot be used. The message is one line naming the file, the element or
 * attribute and the problem, e.g. {@code plant.prj: drivers/driver[@name='plc']/@endpoint: must
 * start with opc.tcp://, not 'http://plc:4840'}.
 */
public class ProjectFileException extends XmlFileException {
  public ProjectFileException(Path file, String field, String problem) {
    super(file, field, problem, null);
  }

  public ProjectFileException(Path file, String field, String problem, Throwable cause) {
    super(file, field, problem, cause);
  }
}
