package io.hotstandby.domain;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * One element of a parsed domain file with strict accessors: every accessor failure is a {@link
 * DomainFileException} naming the element or attribute by its path from the root.
 */
final class XmlElement {
  private final Path file;
  private final ImmutableNode node;
  private final String path;

  private XmlElement(Path file, ImmutableNode node, String path) {
    this.file = file;
    this.node = node;
    this.path = path;
  }

  /** Parses {@code content} with Commons Configuration and returns the root element. */
  static XmlElement parse(Path file, byte[] content) throws DomainFileException {
    XMLConfiguration config = new XMLConfiguration();
    config.setDocumentBuilder(documentBuilder());
    try {
      new FileHandler(config).load(new ByteArrayInputStream(content));
    } catch (ConfigurationException e) {
      throw xmlError(file, e);
    }
    return new XmlElement(file, config.getNodeModel().getNodeHandler().getRootNode(), "");
  }

  String name() {
    return node.getNodeName();
  }

  /** The element's own name in messages; the root has an empty path but a name. */
  String label() {
    return path.isEmpty() ? name() : path;
  }

  String field(String attribute) {
    return Fields.attr(path, attribute);
  }

  DomainFileException error(String field, String problem) {
    return new DomainFileException(file, field, problem);
  }

  /** Rejects attributes and child elements not listed, and text unless {@code text} is true. */
  void expect(Set<String> attributes, Set<String> children, boolean text)
      throws DomainFileException {
    for (String a : node.getAttributes().keySet()) {
      if (!attributes.contains(a)) {
        throw error(field(a), "unknown attribute (allowed: " + allowed(attributes) + ")");
      }
    }
    for (ImmutableNode c : node.getChildren()) {
      if (!children.contains(c.getNodeName())) {
        throw error(child(c.getNodeName()), "unknown element (allowed: " + allowed(children) + ")");
      }
    }
    if (!text && text().isPresent()) {
      throw error(label(), "unexpected text");
    }
  }

  /** The element's trimmed text, if it has any. */
  Optional<String> text() {
    Object v = node.getValue();
    return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString());
  }

  Optional<String> attr(String name) {
    Object v = node.getAttributes().get(name);
    return Optional.ofNullable(v).map(Object::toString);
  }

  String requiredAttr(String name) throws DomainFileException {
    String v = attr(name).orElseThrow(() -> error(field(name), "required attribute missing"));
    if (v.isBlank()) {
      throw error(field(name), "must not be empty");
    }
    return v;
  }

  int intAttr(String name, int defaultValue) throws DomainFileException {
    return attr(name).isPresent() ? requiredInt(name) : defaultValue;
  }

  int requiredInt(String name) throws DomainFileException {
    String raw = requiredAttr(name).strip();
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw badNumber(name, raw);
    }
  }

  long longAttr(String name, long defaultValue) throws DomainFileException {
    return attr(name).isPresent() ? requiredLong(name) : defaultValue;
  }

  long requiredLong(String name) throws DomainFileException {
    String raw = requiredAttr(name).strip();
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw badNumber(name, raw);
    }
  }

  boolean boolAttr(String name, boolean defaultValue) throws DomainFileException {
    Optional<String> raw = attr(name).map(String::strip);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    return switch (raw.get()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error(field(name), "not true or false: '" + raw.get() + "'");
    };
  }

  /** The single child of that name; absent is an error. */
  XmlElement required(String childName) throws DomainFileException {
    return optional(childName)
        .orElseThrow(() -> error(child(childName), "required element missing"));
  }

  /** The child of that name if there is one; more than one is an error. */
  Optional<XmlElement> optional(String childName) throws DomainFileException {
    List<ImmutableNode> found = node.getChildren(childName);
    if (found.size() > 1) {
      throw error(child(childName), "element may appear only once, found " + found.size());
    }
    return found.stream().findFirst().map(c -> new XmlElement(file, c, child(childName)));
  }

  /**
   * Every child of that name. Each is named by its {@code keyAttribute} when it has one (e.g.
   * {@code server[@name='alpha']}), otherwise by its position counted from 1.
   */
  List<XmlElement> list(String childName, String keyAttribute) {
    List<XmlElement> result = new ArrayList<>();
    List<ImmutableNode> found = node.getChildren(childName);
    for (int i = 0; i < found.size(); i++) {
      ImmutableNode c = found.get(i);
      Object key = keyAttribute == null ? null : c.getAttributes().get(keyAttribute);
      String selector =
          key == null || key.toString().isBlank()
              ? "[" + (i + 1) + "]"
              : "[@" + keyAttribute + "='" + key + "']";
      result.add(new XmlElement(file, c, child(childName) + selector));
    }
    return result;
  }

  private String child(String childName) {
    return path.isEmpty() ? childName : path + "/" + childName;
  }

  private DomainFileException badNumber(String name, String raw) {
    String why = raw.matches("[+-]?\\d+") ? "number out of range" : "not a whole number";
    return error(field(name), why + ": '" + raw + "'");
  }

  private static String allowed(Set<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names));
  }

  private static DomainFileException xmlError(Path file, ConfigurationException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SAXParseException sax && sax.getLineNumber() > 0) {
        String where = "line " + sax.getLineNumber() + ", column " + sax.getColumnNumber();
        return new DomainFileException(file, "xml", where + ": " + sax.getMessage(), e);
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return new DomainFileException(file, "xml", "not well-formed: " + root.getMessage(), e);
  }

  // Domain files travel between servers, so the parser must not fetch or expand anything a
  // DOCTYPE could point at (external entities, entity expansion bombs).
  private static DocumentBuilder documentBuilder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(
          new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {}

            @Override
            public void error(SAXParseException e) throws SAXParseException {
              throw e;
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXParseException {
              throw e;
            }
          });
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a required feature", e);
    }
  }
}
