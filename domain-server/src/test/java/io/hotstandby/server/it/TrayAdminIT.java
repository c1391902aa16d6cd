package io.hotstandby.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hotstandby.server.kit.TestDomain;
import io.hotstandby.testkit.Timing;
import java.awt.Color;
import java.awt.Point;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tray admin as an operator uses it: the real launcher on an Xvfb desktop with a tray host,
 * against a real two-server domain. The menus are opened with a right-click on the icon and walked
 * with the keyboard, the dialogs answered by typing, all through {@code xdotool}; what the test
 * checks is what the operator sees (the icon's colour on the screen, the tooltip, which the tray
 * also logs) and what the domain does. Screenshots go to {@code -Dtray.screenshots=DIR} (the
 * README's come from {@code docs/images}), by default under {@code target/}.
 */
class TrayAdminIT {
  // TrayStatus's colours, as the operator sees them on the screen.
  static final Color GREEN = new Color(0x2e, 0xa0, 0x43);
  static final Color BLUE = new Color(0x1f, 0x6f, 0xd1);
  static final Color ORANGE = new Color(0xf0, 0x8c, 0x00);
  static final Color RED = new Color(0xd6, 0x2d, 0x20);

  static TestDomain domain;
  static TrayDesktop desktop;
  static Process tray;
  static final List<String> trayLog = Collections.synchronizedList(new ArrayList<>());
  static Path shots;

  @BeforeAll
  static void start() throws IOException {
    boolean ci = System.getenv("CI") != null;
    assumeTrue(
        ci || TrayDesktop.available(),
        "needs " + TrayDesktop.PROGRAMS + " (xvfb, trayer, xdotool, imagemagick, x11-utils)");
    shots =
        Path.of(System.getProperty("tray.screenshots", "target/tray-screenshots")).toAbsolutePath();
    desktop = TrayDesktop.start();
    domain = TestDomain.builder().name("plant").anonymousRead().build().startAll();
    domain.awaitFormed(java.util.Map.of("alpha", "ACTIVE", "beta", "STANDBY"));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    synchronized (trayLog) {
      System.out.println("admin-tray's output:\n  " + String.join("\n  ", trayLog));
    }
    if (tray != null) {
      tray.destroy();
      if (!tray.waitFor(10, TimeUnit.SECONDS)) {
        tray.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (domain != null) {
      domain.close();
    }
    if (desktop != null) {
      desktop.close();
    }
  }

  @Test
  void theOperatorActivatesAndMaintainsTheServerFromTheTrayMenu() throws Exception {
    // The workstation trusts both servers' certificates already (as after domainctl).
    domain.server("alpha").client();
    domain.server("beta").client();
    startTray("--domain", domain.domainFile("beta").toString(), "--server", "beta");

    Point icon = awaitIcon();
    awaitLook(icon, "plant – beta – STANDBY", BLUE);
    desktop.hover(icon);
    await("the tooltip").atMost(Timing.seconds(10)).until(() -> desktop.visible("^win[0-9]+$"));
    desktop.screenshot(shots.resolve("tray-tooltip.png"), 260, 60);

    // Server → Activate: the first item of the second menu; a confirmation, then a login.
    openMenu(icon);
    desktop.screenshot(shots.resolve("tray-menu.png"), 260, 120);
    openSubmenu(2);
    desktop.screenshot(shots.resolve("tray-server-menu.png"), 320, 140);
    desktop.keys("Return");
    answerConfirmation("Activate beta");
    logIn();
    domain.awaitState("beta", "ACTIVE");
    domain.awaitState("alpha", "STANDBY");
    awaitLook(icon, "plant – beta – ACTIVE", GREEN);
    awaitLogged("notification INFO: plant – beta: beta became ACTIVE");
    awaitLogged("failover: beta took over from alpha");
    await("the notification")
        .atMost(Timing.seconds(10))
        .until(() -> desktop.visible("^win[0-9]+$"));
    desktop.screenshot(shots.resolve("tray-notification.png"), 440, 120);

    // Server → Maintenance on: Activate is disabled on the active, so the first one enabled.
    openMenu(icon);
    openSubmenu(2);
    desktop.screenshot(shots.resolve("tray-server-menu-active.png"), 320, 140);
    desktop.keys("Return");
    answerConfirmation("Maintenance on beta");
    domain.awaitState("beta", "MAINTENANCE");
    domain.awaitState("alpha", "ACTIVE");
    awaitLook(icon, "plant – beta – MAINTENANCE", ORANGE);
    assertThat(trayLog).noneMatch(l -> l.contains("Log in")).as("the login is kept");

    // Server → Maintenance off: now the only item enabled there.
    openMenu(icon);
    openSubmenu(2);
    desktop.screenshot(shots.resolve("tray-server-menu-maintenance.png"), 320, 140);
    desktop.keys("Return");
    domain.awaitState("beta", "STANDBY");
    awaitLook(icon, "plant – beta – STANDBY", BLUE);

    // Domain → Stop (Start is disabled while the domain runs here), then Domain → Start.
    openMenu(icon);
    openSubmenu(1);
    desktop.screenshot(shots.resolve("tray-domain-menu.png"), 360, 200);
    desktop.keys("Return");
    answerConfirmation("Stop the domain on beta");
    domain.awaitState("beta", "STOPPED");
    awaitLook(icon, "plant – beta – STOPPED", RED);
    assertThat(domain.server("beta").alive()).as("the process keeps running").isTrue();
    openMenu(icon);
    openSubmenu(1);
    desktop.keys("Return");
    domain.awaitState("beta", "STANDBY");
    awaitLook(icon, "plant – beta – STANDBY", BLUE);

    // The server goes away: UNREACHABLE, a red cross; back, STANDBY again.
    domain.server("beta").stop();
    awaitLook(icon, "plant – beta – UNREACHABLE", RED);
    desktop.screenshot(shots.resolve("tray-unreachable.png"), 260, 40);
    domain.server("beta").start();
    awaitLook(icon, "plant – beta – STANDBY", BLUE);
  }

  private static void startTray(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(TestDomain.distBin("admin-tray")));
    command.addAll(List.of(args));
    ProcessBuilder b = desktop.command(command.toArray(String[]::new)).redirectErrorStream(true);
    // The known servers of this test JVM: the kit recorded the servers' certificates there.
    b.environment()
        .put(
            "ADMIN_TRAY_OPTS",
            "-Xmx256m -Dhotstandby.knownServers=" + System.getProperty("hotstandby.knownServers"));
    tray = b.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(tray.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  trayLog.add(line);
                }
              } catch (IOException e) {
                trayLog.add("(output lost: " + e + ")");
              }
            },
            "tray-output");
    reader.setDaemon(true);
    reader.start();
  }

  private static Point awaitIcon() {
    Point[] icon = new Point[1];
    await("the tray icon in the tray host")
        .atMost(Timing.seconds(30))
        .until(
            () -> {
              assertThat(tray.isAlive()).as("admin-tray running: %s", trayLog).isTrue();
              icon[0] = desktop.trayIcon();
              return icon[0] != null;
            });
    return icon[0];
  }

  /** Waits until the tooltip reads {@code tooltip} and the icon shows {@code colour}. */
  private static void awaitLook(Point icon, String tooltip, Color colour) {
    awaitLogged("tray: " + tooltip);
    await(tooltip + " in " + colour)
        .atMost(Timing.seconds(20))
        .until(() -> desktop.shows(icon, colour));
    assertThat(lastTooltip()).isEqualTo(tooltip);
  }

  private static String lastTooltip() {
    synchronized (trayLog) {
      for (int i = trayLog.size() - 1; i >= 0; i--) {
        int at = trayLog.get(i).indexOf(" tray: ");
        if (at >= 0) {
          return trayLog.get(i).substring(at + " tray: ".length());
        }
      }
    }
    return null;
  }

  private static void awaitLogged(String text) {
    await("'" + text + "' in the tray's log")
        .atMost(Timing.seconds(60))
        .until(
            () -> {
              synchronized (trayLog) {
                return trayLog.stream().anyMatch(l -> l.contains(text));
              }
            });
  }

  /** Right-clicks the icon; waits for its menu. */
  private static void openMenu(Point icon) {
    await("no menu open")
        .atMost(Timing.seconds(10))
        .until(() -> !desktop.visible("^sun-awt-X11-XPopupMenuPeer$"));
    desktop.rightClick(icon);
    await("the tray menu")
        .atMost(Timing.seconds(10))
        .until(() -> desktop.visible("^sun-awt-X11-XPopupMenuPeer$"));
  }

  /** Opens the {@code n}th menu of the tray menu (1: Domain, 2: Server) with the keyboard. */
  private static void openSubmenu(int n) {
    for (int i = 0; i < n; i++) {
      desktop.keys("Down");
    }
    desktop.keys("Right");
    await("the submenu")
        .atMost(Timing.seconds(10))
        .until(() -> desktop.visible("^sun-awt-X11-XMenuWindow$"));
  }

  private static void answerConfirmation(String title) {
    await("the dialog '" + title + "'")
        .atMost(Timing.seconds(20))
        .until(() -> desktop.visible("^" + title + "$"));
    desktop.keys("Return");
    await("the dialog '" + title + "' closed")
        .atMost(Timing.seconds(20))
        .until(() -> !desktop.visible("^" + title + "$"));
  }

  private static void logIn() {
    await("the login dialog")
        .atMost(Timing.seconds(20))
        .until(() -> desktop.visible("^Log in to plant$"));
    desktop.type(TestDomain.OPERATOR);
    desktop.keys("Tab");
    desktop.type(TestDomain.OPERATOR_PASSWORD);
    desktop.screenshotMiddle(shots.resolve("tray-login.png"), 420, 200);
    desktop.keys("Return");
  }
}
