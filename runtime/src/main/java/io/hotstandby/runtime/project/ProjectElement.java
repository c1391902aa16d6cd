package io.hotstandby.runtime.project;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * One element of a parsed project file with strict accessors: every failure is a {@link
 * ProjectFileException} naming the element or attribute by its path from the root element.
 */
final class ProjectElement {
  private final Path file;
  private final ImmutableNode node;
  private final String path;
  private final String positional;

  private ProjectElement(Path file, ImmutableNode node, String path, String positional) {
    this.file = file;
    this.node = node;
    this.path = path;
    this.positional = positional;
  }

  /** Parses {@code content} with Commons Configuration and returns the root element. */
  static ProjectElement parse(Path file, byte[] content) throws ProjectFileException {
    XMLConfiguration config = new XMLConfiguration();
    config.setDocumentBuilder(documentBuilder());
    try {
      new FileHandler(config).load(new ByteArrayInputStream(content));
    } catch (ConfigurationException e) {
      throw xmlError(file, e);
    }
    ImmutableNode root = config.getNodeModel().getNodeHandler().getRootNode();
    return new ProjectElement(file, root, "", "");
  }

  String name() {
    return node.getNodeName();
  }

  /** The element in messages: its path, or its name for the root (whose path is empty). */
  String label() {
    return path.isEmpty() ? name() : path;
  }

  /** The element's path with its position instead of its key ({@code tags/tag[2]}). */
  String positional() {
    return positional;
  }

  String path() {
    return path;
  }

  String field(String attribute) {
    return ProjectFields.attr(path, attribute);
  }

  ProjectFileException error(String field, String problem) {
    return new ProjectFileException(file, field, problem);
  }

  /** Rejects attributes and child elements not listed, and any text. */
  void expect(Set<String> attributes, Set<String> children) throws ProjectFileException {
    for (String a : node.getAttributes().keySet()) {
      if (!attributes.contains(a)) {
        throw error(field(a), "unknown attribute (allowed: " + allowed(attributes) + ")");
      }
    }
    for (ImmutableNode c : node.getChildren()) {
      if (!children.contains(c.getNodeName())) {
        throw error(
            ProjectFields.child(path, c.getNodeName()),
            "unknown element (allowed: " + allowed(children) + ")");
      }
    }
    Object text = node.getValue();
    if (text != null && !text.toString().isBlank()) {
      throw error(label(), "unexpected text");
    }
  }

  Optional<String> attr(String name) {
    return Optional.ofNullable(node.getAttributes().get(name)).map(Object::toString);
  }

  /** A present attribute must not be blank; absent is {@code required attribute missing}. */
  String requiredAttr(String name) throws ProjectFileException {
    String v = attr(name).orElseThrow(() -> error(field(name), "required attribute missing"));
    if (v.isBlank()) {
      throw error(field(name), "must not be empty");
    }
    return v;
  }

  /** The attribute if present (then not blank), else null. */
  String optionalAttr(String name) throws ProjectFileException {
    return attr(name).isPresent() ? requiredAttr(name) : null;
  }

  int requiredInt(String name) throws ProjectFileException {
    String raw = requiredAttr(name).strip();
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw badWholeNumber(name, raw);
    }
  }

  int intAttr(String name, int defaultValue) throws ProjectFileException {
    return attr(name).isPresent() ? requiredInt(name) : defaultValue;
  }

  long longAttr(String name, long defaultValue) throws ProjectFileException {
    if (attr(name).isEmpty()) {
      return defaultValue;
    }
    String raw = requiredAttr(name).strip();
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw badWholeNumber(name, raw);
    }
  }

  /** A decimal number ({@code 12}, {@code -0.5}, {@code 1e3}); null when absent. */
  Double doubleAttr(String name) throws ProjectFileException {
    if (attr(name).isEmpty()) {
      return null;
    }
    String raw = requiredAttr(name).strip();
    try {
      return DataType.parseDouble(raw);
    } catch (IllegalArgumentException e) {
      throw error(field(name), e.getMessage());
    }
  }

  double doubleAttr(String name, double defaultValue) throws ProjectFileException {
    Double v = doubleAttr(name);
    return v == null ? defaultValue : v;
  }

  boolean boolAttr(String name, boolean defaultValue) throws ProjectFileException {
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

  /** The single child of that name, if any; more than one is an error. */
  Optional<ProjectElement> optional(String childName) throws ProjectFileException {
    List<ImmutableNode> found = node.getChildren(childName);
    if (found.size() > 1) {
      throw error(
          ProjectFields.child(path, childName),
          "element may appear only once, found " + found.size());
    }
    return found.stream()
        .findFirst()
        .map(
            c ->
                new ProjectElement(
                    file,
                    c,
                    ProjectFields.child(path, childName),
                    ProjectFields.child(path, childName)));
  }

  /**
   * Every child element in document order. Each is named by its {@code name} attribute when it has
   * one ({@code driver[@name='plc']}), otherwise by its position among the siblings of the same
   * element name, counted from 1 ({@code driver[2]}).
   */
  List<ProjectElement> children() {
    List<ProjectElement> result = new ArrayList<>();
    Map<String, Integer> counts = new HashMap<>();
    for (ImmutableNode c : node.getChildren()) {
      int index = counts.merge(c.getNodeName(), 1, Integer::sum) - 1;
      String at = ProjectFields.at(c.getNodeName(), index);
      Object key = c.getAttributes().get("name");
      String named =
          key == null || key.toString().isBlank()
              ? at
              : ProjectFields.byName(c.getNodeName(), key.toString());
      result.add(
          new ProjectElement(
              file, c, ProjectFields.child(path, named), ProjectFields.child(path, at)));
    }
    return result;
  }

  private ProjectFileException badWholeNumber(String name, String raw) {
    String why = raw.matches("[+-]?\\d+") ? "number out of range" : "not a whole number";
    return error(field(name), why + ": '" + raw + "'");
  }

  private static String allowed(Set<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names));
  }

  private static ProjectFileException xmlError(Path file, ConfigurationException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SAXParseException sax && sax.getLineNumber() > 0) {
        String where = "line " + sax.getLineNumber() + ", column " + sax.getColumnNumber();
        return new ProjectFileException(file, "xml", where + ": " + sax.getMessage(), e);
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return new ProjectFileException(file, "xml", "not well-formed: " + root.getMessage(), e);
  }

  // A project is copied between servers like the domain file: the parser must not fetch or expand
  // anything a DOCTYPE could point at (external entities, entity expansion).
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
