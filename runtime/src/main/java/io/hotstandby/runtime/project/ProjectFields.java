package io.hotstandby.runtime.project;

import java.util.List;

/**
 * Names of elements and attributes as error messages show them, relative to the root element, e.g.
 * {@code tags/folder[@name='Tank1']/tag[@name='Level']/@type}. The reader and the validator share
 * them so that one field is always spelled the same way.
 */
final class ProjectFields {
  static final String DRIVERS = "drivers";
  static final String TAGS = "tags";
  static final String ALARMS = "alarms";

  private ProjectFields() {}

  static String attr(String element, String attribute) {
    return element.isEmpty() ? "@" + attribute : element + "/@" + attribute;
  }

  static String child(String parent, String child) {
    return parent.isEmpty() ? child : parent + "/" + child;
  }

  static String byName(String element, String name) {
    return element + "[@name='" + name + "']";
  }

  /** The n-th element of its name among its siblings, counted from 0 (shown from 1, as XPath). */
  static String at(String element, int index) {
    return element + "[" + (index + 1) + "]";
  }

  static String driver(String name) {
    return DRIVERS + "/" + byName("driver", name);
  }

  /**
   * The tag element of a dotted tag path: every part but the last is a folder ({@code Tank1.Level}
   * is {@code tags/folder[@name='Tank1']/tag[@name='Level']}).
   */
  static String tag(String path) {
    List<String> parts = List.of(String.valueOf(path).split("\\.", -1));
    StringBuilder b = new StringBuilder(TAGS);
    for (int i = 0; i < parts.size() - 1; i++) {
      b.append('/').append(byName("folder", parts.get(i)));
    }
    return b.append('/').append(byName("tag", parts.get(parts.size() - 1))).toString();
  }

  static String alarm(AlarmSpec a) {
    return ALARMS + "/" + byName(alarmElement(a), a.name());
  }

  static String alarmElement(AlarmSpec a) {
    return a instanceof AlarmSpec.Analog ? "analog" : "digital";
  }
}
