package io.hotstandby.domain;

/**
 * Names of elements and attributes as error messages show them, relative to the root element, e.g.
 * {@code servers/server[@name='beta']/opcua/@port}. The reader and the validator share them so that
 * one field is always spelled the same way.
 */
final class Fields {
  static final String SECRET = "secret";
  static final String HOT_STANDBY = "hotStandby";

  private Fields() {}

  static String attr(String element, String attribute) {
    return element.isEmpty() ? "@" + attribute : element + "/@" + attribute;
  }

  static String server(String name) {
    return "servers/server[@name='" + name + "']";
  }

  /** The n-th server, counted from 0, for when its name does not tell it apart. */
  static String serverAt(int index) {
    return "servers/server[" + (index + 1) + "]";
  }

  static String rec(String server, String path) {
    return server(server) + "/rec[@path='" + path + "']";
  }

  /** The n-th integrity address, counted from 0 (shown from 1, as XPath does). */
  static String integrity(int index) {
    return HOT_STANDBY + "/integrity[" + (index + 1) + "]";
  }

  /** The n-th project, counted from 0 (shown from 1, as XPath does). */
  static String project(int index) {
    return "projects/project[" + (index + 1) + "]";
  }
}
