package io.hotstandby.admin.tray;

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
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.TrayIcon.MessageType;
import java.awt.image.BufferedImage;
import javax.swing.JOptionPane;

/**
 * The tray icon of one server and its menu, in AWT: shows what {@link TrayModel} computed and hands
 * the operator's choices to the callbacks. Every change is applied on the AWT event thread.
 */
final class TrayView {
  private final TrayIcon icon;
  private final int size;
  private final Runnable onActivate;
  private Snapshot shown;

  /** Builds the icon and its menu; call on the AWT event thread. */
  TrayView(Snapshot initial, Runnable onActivate, Runnable onExit) {
    this.onActivate = onActivate;
    Dimension d = SystemTray.getSystemTray().getTrayIconSize();
    size = Math.max(16, Math.min(24, Math.min(d.width, d.height)));
    icon = new TrayIcon(image(initial.colour(), size), initial.tooltip(), menu(onExit));
    icon.setImageAutoSize(true);
    icon.addActionListener(e -> showStatus());
    shown = initial;
  }

  /** Puts the icon in the tray; call on the AWT event thread. */
  void install() throws AWTException {
    SystemTray.getSystemTray().add(icon);
  }

  /** Takes the icon out of the tray; call on the AWT event thread. */
  void remove() {
    SystemTray.getSystemTray().remove(icon);
  }

  /** Shows a new snapshot and its notification, if any; from any thread. */
  void show(Update update) {
    EventQueue.invokeLater(
        () -> {
          Snapshot s = update.snapshot();
          if (!s.colour().equals(shown.colour())) {
            icon.setImage(image(s.colour(), size));
          }
          icon.setToolTip(s.tooltip());
          shown = s;
        });
    update.notification().ifPresent(this::notify);
  }

  /** Shows a notification next to the icon; from any thread. */
  void notify(Notification n) {
    MessageType type =
        n.level() == TrayModel.Level.WARNING ? MessageType.WARNING : MessageType.INFO;
    EventQueue.invokeLater(() -> icon.displayMessage(n.caption(), n.text(), type));
  }

  /** A filled circle of {@code colour} with a darker rim, {@code size} pixels square. */
  static BufferedImage image(Color colour, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      int inset = Math.max(1, size / 8);
      int diameter = size - 2 * inset;
      g.setColor(colour);
      g.fillOval(inset, inset, diameter, diameter);
      g.setColor(colour.darker());
      g.setStroke(new BasicStroke(1f));
      g.drawOval(inset, inset, diameter - 1, diameter - 1);
    } finally {
      g.dispose();
    }
    return image;
  }

  private PopupMenu menu(Runnable onExit) {
    PopupMenu popup = new PopupMenu();
    Menu domain = new Menu("Domain");
    domain.add(item("Status", this::showStatus));
    popup.add(domain);
    Menu server = new Menu("Server");
    server.add(item("Activate", this::confirmActivate));
    popup.add(server);
    popup.addSeparator();
    popup.add(item("Exit", onExit));
    return popup;
  }

  private static MenuItem item(String label, Runnable action) {
    MenuItem item = new MenuItem(label);
    item.addActionListener(e -> action.run());
    return item;
  }

  private void showStatus() {
    JOptionPane.showMessageDialog(
        null, shown.details(), "Status of " + shown.label(), JOptionPane.INFORMATION_MESSAGE);
  }

  private void confirmActivate() {
    int answer =
        JOptionPane.showConfirmDialog(
            null,
            "Ask " + shown.label() + " to become the active server of the domain?",
            "Activate " + shown.label(),
            JOptionPane.OK_CANCEL_OPTION,
            JOptionPane.QUESTION_MESSAGE);
    if (answer == JOptionPane.OK_OPTION) {
      onActivate.run();
    }
  }
}
