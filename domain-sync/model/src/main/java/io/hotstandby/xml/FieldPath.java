package io.hotstandby.xml;

/**
 * How error messages spell an element or attribute: a path from the root element in the style of
 * XPath, e.g. {@code servers/server[@name='beta']/opcua/@port} or {@code tags/tag[2]/@type}. Every
 * strict format spells its fields this way, so an operator reads one notation.
 */
public final class FieldPath {
  private FieldPath() {}

  /** The attribute of an element; of the root element when {@code element} is empty. */
  public static String attr(String element, String attribute) {
    return element.isEmpty() ? "@" + attribute : element + "/@" + attribute;
  }

  /** A child of an element; a child of the root element when {@code parent} is empty. */
  public static String child(String parent, String child) {
    return parent.isEmpty() ? child : parent + "/" + child;
  }

  /** An element told apart from its siblings by one of its attributes. */
  public static String byKey(String element, String attribute, String value) {
    return element + "[@" + attribute + "='" + value + "']";
  }

  /** An element told apart by its {@code name} attribute. */
  public static String byName(String element, String name) {
    return byKey(element, "name", name);
  }

  /** The n-th element of its name among its siblings, counted from 0 (shown from 1, as XPath). */
  public static String at(String element, int index) {
    return element + "[" + (index + 1) + "]";
  }
}
