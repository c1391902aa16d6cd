package io.hotstandby.domain.sync;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and rewrites the {@code version} attribute of a domain file's root element as text, so that
 * everything else in the file (comments, layout, attribute order) stays as the operator wrote it.
 * The text is handled byte for byte, whatever the file's encoding.
 */
public final class VersionStamp {
  private static final Pattern ROOT_VERSION =
      Pattern.compile("(<domain\\b[^>]*?\\bversion\\s*=\\s*)([\"'])\\s*\\+?(\\d{1,18})\\s*\\2");

  private VersionStamp() {}

  /** The version number written in {@code content}, if its root element has one. */
  public static OptionalLong read(byte[] content) {
    Matcher m = ROOT_VERSION.matcher(new String(content, StandardCharsets.ISO_8859_1));
    return m.find() ? OptionalLong.of(Long.parseLong(m.group(3))) : OptionalLong.empty();
  }

  /**
   * {@code content} with its root element's version set to {@code number}.
   *
   * @throws IllegalArgumentException if the root element has no numeric version attribute
   */
  public static byte[] write(byte[] content, long number) {
    String text = new String(content, StandardCharsets.ISO_8859_1);
    Matcher m = ROOT_VERSION.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("no version attribute on <domain>");
    }
    String stamped = text.substring(0, m.start(3)) + number + text.substring(m.end(3));
    return stamped.getBytes(StandardCharsets.ISO_8859_1);
  }
}
