package io.hotstandby.xml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
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
 * One element of a parsed file in a strict XML format (the domain file, project files) with strict
 * accessors: every failure is an exception of the format, made by its {@link
 * XmlFileException.Factory}, naming the element or attribute by its {@link FieldPath} from the
 * root.
 *
 * @param <E> the format's exception
 */
public final class XmlElement<E extends XmlFileException> {
  private final Path file;
  private final XmlFileException.Factory<E> errors;
  private final ImmutableNode node;
  private final String path;
  private final String positional;

  private XmlElement(
      Path file,
      XmlFileException.Factory<E> errors,
      ImmutableNode node,
      String path,
      String positional) {
    this.file = file;
    this.errors = errors;
    this.node = node;
    this.path = path;
    this.positional = positional;
  }

  /**
   * The bytes of {@code file}; a missing or unreadable file is the format's exception with the
   * field {@code file}.
   */
  public static <E extends XmlFileException> byte[] readFile(
      Path file, XmlFileException.Factory<E> errors) throws E {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw errors.create(file, "file", "not found", e);
    } catch (IOException e) {
      throw errors.create(file, "file", "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Parses {@code content} with Commons Configuration and returns the root element.
   *
   * @param errors makes the format's exception for every problem found
   */
  public static <E extends XmlFileException> XmlElement<E> parse(
      Path file, byte[] content, XmlFileException.Factory<E> errors) throws E {
    XMLConfiguration config = new XMLConfiguration();
    config.setDocumentBuilder(documentBuilder());
    try {
      new FileHandler(config).load(new ByteArrayInputStream(content));
    } catch (ConfigurationException e) {
      throw xmlError(file, errors, e);
    }
    ImmutableNode root = config.getNodeModel().getNodeHandler().getRootNode();
    return new XmlElement<>(file, errors, root, "", "");
  }

  public String name() {
    return node.getNodeName();
  }

  /** The element in messages: its path, or its name for the root (whose path is empty). */
  public String label() {
    return path.isEmpty() ? name() : path;
  }

  /** The element's path from the root, e.g. {@code tags/tag[@name='A']}; empty for the root. */
  public String path() {
    return path;
  }

  /** The element's path with its position instead of its key ({@code tags/tag[2]}). */
  public String positional() {
    return positional;
  }

  /** The field name of one of the element's attributes. */
  public String field(String attribute) {
    return FieldPath.attr(path, attribute);
  }

  public E error(String field, String problem) {
    return errors.create(file, field, problem, null);
  }

  /** Rejects attributes and child elements not listed, and any text. */
  public void expect(Set<String> attributes, Set<String> children) throws E {
    expect(attributes, children, false);
  }

  /** Rejects attributes and child elements not listed, and text unless {@code text} is true. */
  public void expect(Set<String> attributes, Set<String> children, boolean text) throws E {
    for (String a : node.getAttributes().keySet()) {
      if (!attributes.contains(a)) {
        throw error(field(a), "unknown attribute (allowed: " + allowed(attributes) + ")");
      }
    }
    for (ImmutableNode c : node.getChildren()) {
      if (!children.contains(c.getNodeName())) {
        throw error(
            FieldPath.child(path, c.getNodeName()),
            "unknown element (allowed: " + allowed(children) + ")");
      }
    }
    if (!text && text().isPresent()) {
      throw error(label(), "unexpected text");
    }
  }

  /** The element's text, if it has any that is not blank. */
  public Optional<String> text() {
    Object v = node.getValue();
    return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString());
  }

  public Optional<String> attr(String name) {
    return Optional.ofNullable(node.getAttributes().get(name)).map(Object::toString);
  }

  /** A present attribute must not be blank; absent is {@code required attribute missing}. */
  public String requiredAttr(String name) throws E {
    String v = attr(name).orElseThrow(() -> error(field(name), "required attribute missing"));
    if (v.isBlank()) {
      throw error(field(name), "must not be empty");
    }
    return v;
  }

  /** The attribute if present (then not blank), else null. */
  public String optionalAttr(String name) throws E {
    return attr(name).isPresent() ? requiredAttr(name) : null;
  }

  public int requiredInt(String name) throws E {
    return wholeNumber(name, Integer::parseInt);
  }

  public int intAttr(String name, int defaultValue) throws E {
    return attr(name).isPresent() ? requiredInt(name) : defaultValue;
  }

  public long requiredLong(String name) throws E {
    return wholeNumber(name, Long::parseLong);
  }

  public long longAttr(String name, long defaultValue) throws E {
    return attr(name).isPresent() ? requiredLong(name) : defaultValue;
  }

  public boolean boolAttr(String name, boolean defaultValue) throws E {
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
  public XmlElement<E> required(String childName) throws E {
    return optional(childName)
        .orElseThrow(() -> error(FieldPath.child(path, childName), "required element missing"));
  }

  /** The single child of that name, if any; more than one is an error. */
  public Optional<XmlElement<E>> optional(String childName) throws E {
    List<ImmutableNode> found = node.getChildren(childName);
    String at = FieldPath.child(path, childName);
    if (found.size() > 1) {
      throw error(at, "element may appear only once, found " + found.size());
    }
    return found.stream().findFirst().map(c -> new XmlElement<>(file, errors, c, at, at));
  }

  /**
   * Every child of that name. Each is named by its {@code keyAttribute} when it has one (e.g.
   * {@code server[@name='alpha']}), otherwise by its position counted from 1.
   *
   * @param keyAttribute the attribute that tells the children apart, or null
   */
  public List<XmlElement<E>> list(String childName, String keyAttribute) {
    List<XmlElement<E>> result = new ArrayList<>();
    List<ImmutableNode> found = node.getChildren(childName);
    for (int i = 0; i < found.size(); i++) {
      result.add(child(found.get(i), i, keyAttribute));
    }
    return result;
  }

  /**
   * Every child element in document order. Each is named by its {@code name} attribute when it has
   * one ({@code driver[@name='plc']}), otherwise by its position among the siblings of the same
   * element name, counted from 1 ({@code driver[2]}).
   */
  public List<XmlElement<E>> children() {
    List<XmlElement<E>> result = new ArrayList<>();
    Map<String, Integer> counts = new HashMap<>();
    for (ImmutableNode c : node.getChildren()) {
      result.add(child(c, counts.merge(c.getNodeName(), 1, Integer::sum) - 1, "name"));
    }
    return result;
  }

  private XmlElement<E> child(ImmutableNode c, int index, String keyAttribute) {
    String at = FieldPath.at(c.getNodeName(), index);
    Object key = keyAttribute == null ? null : c.getAttributes().get(keyAttribute);
    String named =
        key == null || key.toString().isBlank()
            ? at
            : FieldPath.byKey(c.getNodeName(), keyAttribute, key.toString());
    return new XmlElement<>(
        file, errors, c, FieldPath.child(path, named), FieldPath.child(path, at));
  }

  private <N> N wholeNumber(String name, Function<String, N> parse) throws E {
    String raw = requiredAttr(name).strip();
    try {
      return parse.apply(raw);
    } catch (NumberFormatException e) {
      String why = raw.matches("[+-]?\\d+") ? "number out of range" : "not a whole number";
      throw error(field(name), why + ": '" + raw + "'");
    }
  }

  private static String allowed(Set<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names));
  }

  private static <E extends XmlFileException> E xmlError(
      Path file, XmlFileException.Factory<E> errors, ConfigurationException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SAXParseException sax && sax.getLineNumber() > 0) {
        String where = "line " + sax.getLineNumber() + ", column " + sax.getColumnNumber();
        return errors.create(file, "xml", where + ": " + sax.getMessage(), e);
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return errors.create(file, "xml", "not well-formed: " + root.getMessage(), e);
  }

  // Domain and project files travel between servers, so the parser must not fetch or expand
  // anything a DOCTYPE could point at (external entities, entity expansion bombs).
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
