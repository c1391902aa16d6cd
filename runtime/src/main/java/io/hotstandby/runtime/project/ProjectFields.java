package io.hotstandby.runtime.project;

import io.hotstandby.xml.FieldPath;
import java.util.List;

/**
 * The project file's elements as error messages show them, spelled as every strict format spells
 * its fields ({@link FieldPath}), e.g. {@code tags/folder[@name='Tank1']/tag[@name='Level']/@type}.
 * The reader and the validator share them so that one field is always spelled the same way.
 */
final class ProjectFields {
  static final String DRIVERS = "drivers";
  static final String TAGS = "tags";
  static final String ALARMS = "alarms";

  private ProjectFields() {}

  static String driver(String name) {
    return DRIVERS + "/" + FieldPath.byName("driver", name);
  }

  /**
   * The tag element of a dotted tag path: every part but the last is a folder ({@code Tank1.Level}
   * is {@code tags/folder[@name='Tank1']/tag[@name='Level']}).
   */
  static String tag(String path) {
    List<String> parts = List.of(String.valueOf(path).split("\\.", -1));
    StringBuilder b = new StringBuilder(TAGS);
    for (int i = 0; i < parts.size() - 1; i++) {
      b.append('/').append(FieldPath.byName("folder", parts.get(i)));
    }
    return b.append('/').append(FieldPath.byName("tag", parts.get(parts.size() - 1))).toString();
  }

  static String alarm(AlarmSpec a) {
    return ALARMS + "/" + FieldPath.byName(alarmElement(a), a.name());
  }

  static String alarmElement(AlarmSpec a) {
    return a instanceof AlarmSpec.Analog ? "analog" : "digital";
  }
}
