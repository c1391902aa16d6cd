package io.hotstandby.domain.sync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small edits of a domain file as text, for operators' routine changes (a server's maintenance
 * flag, the users): everything else in the file (comments, layout, attribute order) stays as it was
 * written. Elements inside comments, CDATA sections and processing instructions are never touched.
 * The text is handled byte for byte (ISO-8859-1 in, ISO-8859-1 out), so any ASCII-based encoding
 * survives; new attribute values must be ASCII (names are checked by the caller, the edited file is
 * validated by the server before it is put in force).
 *
 * <p>Each edit returns the new content, or throws {@link IllegalArgumentException} with one line
 * saying what is missing or already there.
 */
public final class DomainFileEdit {
  private static final Pattern ATTRIBUTE =
      Pattern.compile("\\s([A-Za-z_][\\w.-]*)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')");

  private final String text;

  private DomainFileEdit(byte[] content) {
    this.text = new String(content, StandardCharsets.ISO_8859_1);
  }

  /** {@code content} with {@code maintenance="true"} on the named server, or without it. */
  public static byte[] setMaintenance(byte[] content, String server, boolean on) {
    DomainFileEdit f = new DomainFileEdit(content);
    Tag tag =
        f.find("server", server)
            .orElseThrow(
                () ->
                    new IllegalArgumentException("the domain declares no server '" + server + "'"));
    return f.bytes(on ? tag.set("maintenance", "true") : tag.remove("maintenance"));
  }

  /**
   * {@code content} with a new {@code <user name role password/>} as the last user; a {@code
   * <users>} element is added before {@code </domain>} if there is none.
   */
  public static byte[] addUser(byte[] content, String name, String role, String passwordHash) {
    DomainFileEdit f = new DomainFileEdit(content);
    if (f.find("user", name).isPresent()) {
      throw new IllegalArgumentException("user '" + name + "' exists already");
    }
    String element =
        "<user name=\"" + name + "\" role=\"" + role + "\" password=\"" + passwordHash + "\"/>";
    List<Tag> users = f.tags("users");
    if (!users.isEmpty()) {
      Tag open = users.get(0);
      if (open.selfClosing()) {
        String indent = f.indentOf(open.start());
        return f.bytes(
            splice(
                f.text,
                open.start(),
                open.end(),
                "<users>\n" + indent + "  " + element + "\n" + indent + "</users>"));
      }
      String indent = f.indentOf(open.start());
      int close = f.closing("users", open);
      int lineStart = f.text.lastIndexOf('\n', close - 1) + 1;
      boolean closeOnOwnLine = f.text.substring(lineStart, close).isBlank();
      String insert =
          closeOnOwnLine
              ? indent + "  " + element + "\n"
              : "\n" + indent + "  " + element + "\n" + indent;
      int at = closeOnOwnLine ? lineStart : close;
      return f.bytes(splice(f.text, at, at, insert));
    }
    int end = f.text.lastIndexOf("</domain>");
    if (end < 0) {
      throw new IllegalArgumentException("no </domain> to add <users> before");
    }
    int lineStart = f.text.lastIndexOf('\n', end - 1) + 1;
    String block = "  <users>\n    " + element + "\n  </users>\n";
    return f.bytes(
        f.text.substring(lineStart, end).isBlank()
            ? splice(f.text, lineStart, lineStart, block)
            : splice(f.text, end, end, "\n" + block));
  }

  /** {@code content} with the named user's password hash replaced. */
  public static byte[] setPassword(byte[] content, String name, String passwordHash) {
    DomainFileEdit f = new DomainFileEdit(content);
    return f.bytes(f.user(name).set("password", passwordHash));
  }

  /** {@code content} with the named user's role replaced. */
  public static byte[] setRole(byte[] content, String name, String role) {
    DomainFileEdit f = new DomainFileEdit(content);
    return f.bytes(f.user(name).set("role", role));
  }

  /** {@code content} without the named user's element (and its line, when it has one alone). */
  public static byte[] removeUser(byte[] content, String name) {
    DomainFileEdit f = new DomainFileEdit(content);
    Tag tag = f.user(name);
    int end = tag.selfClosing() ? tag.end() : f.closing("user", tag) + "</user>".length();
    int lineStart = f.text.lastIndexOf('\n', tag.start() - 1) + 1;
    int lineEnd = f.text.indexOf('\n', end);
    if (f.text.substring(lineStart, tag.start()).isBlank()
        && lineEnd >= 0
        && f.text.substring(end, lineEnd).isBlank()) {
      return f.bytes(splice(f.text, lineStart, lineEnd + 1, ""));
    }
    return f.bytes(splice(f.text, tag.start(), end, ""));
  }

  private Tag user(String name) {
    return find("user", name)
        .orElseThrow(() -> new IllegalArgumentException("no user '" + name + "' in the domain"));
  }

  private byte[] bytes(String edited) {
    return edited.getBytes(StandardCharsets.ISO_8859_1);
  }

  private Optional<Tag> find(String element, String name) {
    return tags(element).stream().filter(t -> name.equals(t.attributes().get("name"))).findFirst();
  }

  /** The start tags of {@code element} outside comments, CDATA and processing instructions. */
  private List<Tag> tags(String element) {
    List<Tag> found = new ArrayList<>();
    int i = 0;
    while ((i = text.indexOf('<', i)) >= 0) {
      if (text.startsWith("<!--", i)) {
        i = skipPast("-->", i);
      } else if (text.startsWith("<![CDATA[", i)) {
        i = skipPast("]]>", i);
      } else if (text.startsWith("<?", i) || text.startsWith("<!", i)) {
        i = skipPast(">", i);
      } else {
        int end = tagEnd(i);
        String head = text.substring(i + 1, Math.min(end, i + 1 + element.length() + 1));
        if (head.startsWith(element)
            && (head.length() == element.length()
                || !Character.isLetterOrDigit(head.charAt(element.length())))) {
          found.add(new Tag(this, i, end, text.charAt(end - 2) == '/'));
        }
        i = end;
      }
    }
    return found;
  }

  private int skipPast(String marker, int from) {
    int at = text.indexOf(marker, from);
    return at < 0 ? text.length() : at + marker.length();
  }

  /** The index just past the {@code >} closing the tag at {@code start}, quotes respected. */
  private int tagEnd(int start) {
    char quote = 0;
    for (int i = start + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("a tag is not closed at offset " + start);
  }

  /** Where the end tag of {@code element} opened by {@code open} starts. */
  private int closing(String element, Tag open) {
    int at = text.indexOf("</" + element, open.end());
    if (at < 0) {
      throw new IllegalArgumentException("<" + element + "> is not closed");
    }
    return at;
  }

  private String indentOf(int offset) {
    int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    String before = text.substring(lineStart, offset);
    return before.isBlank() ? before : "";
  }

  private static String splice(String text, int from, int to, String with) {
    return text.substring(0, from) + with + text.substring(to);
  }

  /** A start tag: where it is and its attributes. */
  private record Tag(DomainFileEdit file, int start, int end, boolean selfClosing) {
    String source() {
      return file.text.substring(start, end);
    }

    Map<String, String> attributes() {
      Map<String, String> a = new LinkedHashMap<>();
      Matcher m = ATTRIBUTE.matcher(source());
      while (m.find()) {
        a.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
      }
      return a;
    }

    /** The whole text with this tag's attribute set (replaced, or added after the last one). */
    String set(String name, String value) {
      Matcher m = ATTRIBUTE.matcher(source());
      while (m.find()) {
        if (m.group(1).equals(name)) {
          return splice(
              file.text, start + m.start(), start + m.end(), " " + name + "=\"" + value + "\"");
        }
      }
      int at = end - (selfClosing ? 2 : 1);
      while (at > start && Character.isWhitespace(file.text.charAt(at - 1))) {
        at--;
      }
      return splice(file.text, at, at, " " + name + "=\"" + value + "\"");
    }

    /** The whole text with this tag's attribute removed (unchanged when it has none). */
    String remove(String name) {
      Matcher m = ATTRIBUTE.matcher(source());
      while (m.find()) {
        if (m.group(1).equals(name)) {
          return splice(file.text, start + m.start(), start + m.end(), "");
        }
      }
      return file.text;
    }
  }
}
