package io.hotstandby.server.it;

import static org.awaitility.Awaitility.await;

import io.hotstandby.testkit.Timing;
import java.awt.Color;
import java.awt.Point;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * A desktop of its own for a tray test: an Xvfb display on a free number, the {@code trayer} tray
 * host at its top right, and what a user does there through {@code xdotool} (hover, right-click,
 * keys, typing) and sees ({@code import} screenshots, {@code xwininfo} windows). Everything it
 * starts it stops on {@link #close}.
 */
final class TrayDesktop implements AutoCloseable {
  static final int WIDTH = 1024;
  static final int HEIGHT = 640;

  /** The programs it needs, with their Debian packages (.ci/run installs them). */
  static final List<String> PROGRAMS = List.of("Xvfb", "trayer", "xdotool", "import", "xwininfo");

  private final List<Process> started = new ArrayList<>();
  private final String display;

  private TrayDesktop(String display) {
    this.display = display;
  }

  /** Whether every program of {@link #PROGRAMS} is on the PATH. */
  static boolean available() {
    return PROGRAMS.stream().allMatch(TrayDesktop::onPath);
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** Starts Xvfb on a free display and the tray host on it. */
  static TrayDesktop start() throws IOException {
    // -displayfd: Xvfb picks a free display number and writes it once it accepts clients.
    Process x =
        new ProcessBuilder(
                "Xvfb",
                "-displayfd",
                "1",
                "-screen",
                "0",
                WIDTH + "x" + HEIGHT + "x24",
                "-nolisten",
                "tcp")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String number =
        new BufferedReader(new InputStreamReader(x.getInputStream(), StandardCharsets.US_ASCII))
            .readLine();
    TrayDesktop desktop = new TrayDesktop(":" + (number == null ? "" : number.strip()));
    desktop.started.add(x);
    if (number == null) {
      desktop.close();
      throw new IOException("Xvfb did not start");
    }
    desktop.started.add(
        desktop
            .command(
                "trayer",
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "request",
                "--height",
                "26",
                "--SetDockType",
                "false",
                "--transparent",
                "true",
                "--alpha",
                "0",
                "--tint",
                "0x30343c")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start());
    await("the tray host")
        .atMost(Timing.seconds(20))
        .until(() -> desktop.tree().contains("\"panel\""));
    return desktop;
  }

  String display() {
    return display;
  }

  /** A process builder for {@code command} on this display. */
  ProcessBuilder command(String... command) {
    ProcessBuilder b = new ProcessBuilder(command);
    b.environment().put("DISPLAY", display);
    return b;
  }

  /** Runs {@code command} on this display; its standard output. */
  String run(String... command) {
    try {
      Process p = command(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end");
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every window, as {@code xwininfo -root -tree} lists them. */
  String tree() {
    return run("xwininfo", "-root", "-tree");
  }

  private static final Pattern EMBEDDED =
      Pattern.compile(
          "\"JavaEmbeddedFrame\".*?\\s(\\d+)x(\\d+)\\+-?\\d+\\+-?\\d+\\s+\\+(-?\\d+)\\+(-?\\d+)");

  /**
   * The centre of the Java tray icon embedded in the tray host, on the screen; null while the tray
   * host holds none.
   */
  Point trayIcon() {
    String tree = tree();
    int panel = tree.indexOf("\"panel\"");
    if (panel < 0) {
      return null;
    }
    Matcher m = EMBEDDED.matcher(tree.substring(panel));
    if (!m.find()) {
      return null;
    }
    int w = Integer.parseInt(m.group(1));
    int h = Integer.parseInt(m.group(2));
    return new Point(Integer.parseInt(m.group(3)) + w / 2, Integer.parseInt(m.group(4)) + h / 2);
  }

  /** Whether a window whose name matches {@code regex} is mapped. */
  boolean visible(String regex) {
    return !run("xdotool", "search", "--onlyvisible", "--name", regex).isBlank();
  }

  void hover(Point p) {
    run("xdotool", "mousemove", String.valueOf(p.x), String.valueOf(p.y));
  }

  void rightClick(Point p) {
    hover(p);
    run("xdotool", "click", "3");
  }

  /** Presses keys, e.g. {@code Down}, {@code Right}, {@code Return}, one after another. */
  void keys(String... keys) {
    for (String k : keys) {
      run("xdotool", "key", k);
    }
  }

  void type(String text) {
    run("xdotool", "type", "--delay", "30", text);
  }

  /** The whole screen as it is now. */
  BufferedImage screen() {
    try {
      Process p = command("import", "-window", "root", "png:-").start();
      byte[] png = p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      if (image == null) {
        throw new IOException("import gave no picture");
      }
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether the pixel at {@code p} is {@code colour}, give or take a little. */
  boolean shows(Point p, Color colour) {
    Color c = new Color(screen().getRGB(p.x, p.y));
    return Math.abs(c.getRed() - colour.getRed()) < 24
        && Math.abs(c.getGreen() - colour.getGreen()) < 24
        && Math.abs(c.getBlue() - colour.getBlue()) < 24;
  }

  /** Saves the top right part of the screen, {@code width} by {@code height}, as a PNG. */
  void screenshot(Path file, int width, int height) {
    screenshot(file, WIDTH - width, 0, width, height);
  }

  /** Saves the middle of the screen, {@code width} by {@code height}, as a PNG. */
  void screenshotMiddle(Path file, int width, int height) {
    screenshot(file, (WIDTH - width) / 2, (HEIGHT - height) / 2, width, height);
  }

  private void screenshot(Path file, int x, int y, int width, int height) {
    BufferedImage part = screen().getSubimage(x, y, width, height);
    try {
      Files.createDirectories(file.getParent());
      ImageIO.write(part, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the tray host and the display, last started first. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
