package io.hotstandby.domain;

import io.hotstandby.xml.FieldPath;

/**
 * The domain file's elements as error messages show them, spelled as every strict format spells its
 * fields ({@link FieldPath}), e.g. {@code servers/server[@name='beta']/opcua/@port}. The reader and
 * the validator share them so that one field is always spelled the same way.
 */
final class Fields {
  static final String SECRET = "secret";
  static final String HOT_STANDBY = "hotStandby";

  private Fields() {}

  static String server(String name) {
    return FieldPath.child("servers", FieldPath.byName("server", name));
  }

  /** The n-th server, counted from 0, for when its name does not tell it apart. */
  static String serverAt(int index) {
    return FieldPath.child("servers", FieldPath.at("server", index));
  }

  static String rec(String server, String path) {
    return FieldPath.child(server(server), FieldPath.byKey("rec", "path", path));
  }

  /** The n-th integrity address, counted from 0 (shown from 1, as XPath does). */
  static String integrity(int index) {
    return FieldPath.child(HOT_STANDBY, FieldPath.at("integrity", index));
  }

  /** The n-th project, counted from 0 (shown from 1, as XPath does). */
  static String project(int index) {
    return FieldPath.child("projects", FieldPath.at("project", index));
  }
}
