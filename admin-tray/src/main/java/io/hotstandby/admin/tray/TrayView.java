package io.hotstandby.admin.tray;

import io.hotstandby.admin.tray.TrayModel.Actions;
import io.hotstandby.admin.tray.TrayModel.Notification;
import io.hotstandby.admin.tray.TrayModel.Snapshot;
import io.hotstandby.admin.tray.TrayModel.Update;
import java.awt.AWTException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.Graphics2D;
import java.awt.Menu;
import java.awt.MenuItem;
import java.awt.Polygon;
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.TrayIcon.MessageType;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The tray icon of one server and its menu, in AWT: shows what {@link TrayModel} computed, enables
 * the items that can act, and hands the operator's choices to an {@link Operator}. Every change is
 * applied on the AWT event thread; every tooltip change and notification is also logged, one line
 * each, on standard output.
 */
final class TrayView {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  /** What the operator can choose in the menu; called on the AWT event thread. */
  interface Operator {
    void startDomain();

    void stopDomain();

    void status();

    void events();

    void openRemote();

    void activate();

    void maintenance(boolean on);

    void exit();
  }

  private final TrayIcon icon;
  private final int size;
  private final PrintStream log;
  private final MenuItem start = new MenuItem("Start");
  private final MenuItem stop = new MenuItem("Stop");
  private final MenuItem events = new MenuItem("Events\u2026");
  private final MenuItem activate = new MenuItem("Activate");
  private final MenuItem maintenanceOn = new MenuItem("Maintenance on");
  private final MenuItem maintenanceOff = new MenuItem("Maintenance off");
  private Snapshot shown;

  /** Builds the icon and its menu; call on the AWT event thread. */
  TrayView(Snapshot initial, Operator operator, PrintStream log) {
    this.log = log;
    Dimension d = SystemTray.getSystemTray().getTrayIconSize();
    size = Math.max(16, Math.min(24, Math.min(d.width, d.height)));
    icon = new TrayIcon(image(initial.status(), size), initial.tooltip(), menu(operator));
    icon.setImageAutoSize(true);
    icon.addActionListener(e -> operator.status());
    enable(initial.actions());
    shown = initial;
    log("tray: " + initial.tooltip());
  }

  /** Puts the icon in the tray; call on the AWT event thread. */
  void install() throws AWTException {
    SystemTray.getSystemTray().add(icon);
  }

  /** Takes the icon out of the tray; call on the AWT event thread. */
  void remove() {
    SystemTray.getSystemTray().remove(icon);
  }

  /** What is shown now; on the AWT event thread. */
  Snapshot shown() {
    return shown;
  }

  /** Shows a new snapshot and its notifications; from any thread. */
  void show(Update update) {
    show(update.snapshot());
    update.notifications().forEach(this::notify);
  }

  /** Shows a new snapshot; from any thread. */
  void show(Snapshot s) {
    EventQueue.invokeLater(
        () -> {
          if (s.status() != shown.status()) {
            icon.setImage(image(s.status(), size));
          }
          if (!s.tooltip().equals(shown.tooltip())) {
            icon.setToolTip(s.tooltip());
            log("tray: " + s.tooltip());
          }
          enable(s.actions());
          shown = s;
        });
  }

  /** Shows a notification next to the icon and logs it; from any thread. */
  void notify(Notification n) {
    MessageType type =
        switch (n.level()) {
          case ERROR -> MessageType.ERROR;
          case WARNING -> MessageType.WARNING;
          case INFO -> MessageType.INFO;
        };
    log("notification " + n.level() + ": " + n.caption() + ": " + n.text());
    EventQueue.invokeLater(() -> icon.displayMessage(n.caption(), n.text(), type));
  }

  private void enable(Actions a) {
    start.setEnabled(a.start());
    stop.setEnabled(a.stop());
    events.setEnabled(a.events());
    activate.setEnabled(a.activate());
    maintenanceOn.setEnabled(a.maintenanceOn());
    maintenanceOff.setEnabled(a.maintenanceOff());
  }

  /** Logs one line with the time. */
  synchronized void log(String line) {
    log.println(LocalTime.now().format(CLOCK) + " " + line);
    log.flush();
  }

  /**
   * The icon of {@code status}, {@code size} pixels square on a transparent ground: its shape
   * filled with its colour (the centre pixel always of that colour), with a darker rim.
   */
  static BufferedImage image(TrayStatus status, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      int inset = Math.max(1, size / 8);
      int w = size - 2 * inset;
      int lo = inset;
      int hi = size - inset;
      int mid = size / 2;
      Color c = status.colour();
      g.setStroke(new BasicStroke(Math.max(2f, size / 6f)));
      switch (status.shape()) {
        case CIRCLE -> {
          g.setColor(c);
          g.fillOval(lo, lo, w, w);
          rim(g, c).drawOval(lo, lo, w - 1, w - 1);
        }
        case RING -> {
          g.setColor(c);
          g.drawOval(lo + 1, lo + 1, w - 3, w - 3);
          g.fillOval(mid - size / 6, mid - size / 6, size / 3, size / 3);
        }
        case SQUARE -> {
          g.setColor(c);
          g.fillRoundRect(lo, lo, w, w, size / 4, size / 4);
          g.setStroke(new BasicStroke(1f));
          rim(g, c).drawRoundRect(lo, lo, w - 1, w - 1, size / 4, size / 4);
        }
        case TRIANGLE -> fillPolygon(g, c, new int[] {mid, hi, lo}, new int[] {lo, hi, hi});
        case DIAMOND ->
            fillPolygon(g, c, new int[] {mid, hi, mid, lo}, new int[] {lo, mid, hi, mid});
        case CROSS -> {
          g.setColor(c);
          g.drawLine(lo + 1, lo + 1, hi - 2, hi - 2);
          g.drawLine(hi - 2, lo + 1, lo + 1, hi - 2);
        }
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  private static Graphics2D rim(Graphics2D g, Color c) {
    g.setColor(c.darker());
    g.setStroke(new BasicStroke(1f));
    return g;
  }

  private static void fillPolygon(Graphics2D g, Color c, int[] xs, int[] ys) {
    Polygon p = new Polygon(xs, ys, xs.length);
    g.setColor(c);
    g.fillPolygon(p);
    rim(g, c).drawPolygon(p);
  }

  private PopupMenu menu(Operator operator) {
    PopupMenu popup = new PopupMenu();
    Menu domain = new Menu("Domain");
    domain.add(on(start, operator::startDomain));
    domain.add(on(stop, operator::stopDomain));
    domain.addSeparator();
    domain.add(on(new MenuItem("Status\u2026"), operator::status));
    domain.add(on(events, operator::events));
    domain.addSeparator();
    domain.add(on(new MenuItem("Open remote domain\u2026"), operator::openRemote));
    popup.add(domain);
    Menu server = new Menu("Server");
    server.add(on(activate, operator::activate));
    server.add(on(maintenanceOn, () -> operator.maintenance(true)));
    server.add(on(maintenanceOff, () -> operator.maintenance(false)));
    popup.add(server);
    popup.addSeparator();
    popup.add(on(new MenuItem("Exit"), operator::exit));
    return popup;
  }

  private static MenuItem on(MenuItem item, Runnable action) {
    item.addActionListener(e -> action.run());
    return item;
  }
}
