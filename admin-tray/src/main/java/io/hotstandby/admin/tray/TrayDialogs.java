package io.hotstandby.admin.tray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotstandby.admin.client.AdminClient;
import java.awt.BorderLayout;
import java.awt.EventQueue;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.GridLayout;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.swing.JButton;
import javax.swing.JDialog;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.table.DefaultTableModel;

/**
 * The tray's windows, in Swing: the login, the domain's status, the server's events with their
 * acknowledgement, and the endpoint of a remote domain. Each is shown on the AWT event thread.
 */
final class TrayDialogs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrayDialogs() {}

  /**
   * Asks for a user and password in a modal dialog, from any thread but the event thread; null when
   * the operator cancels. The password stays in memory only.
   */
  static AdminClient.Credentials login(String domain, String why) {
    AtomicReference<AdminClient.Credentials> given = new AtomicReference<>();
    try {
      EventQueue.invokeAndWait(() -> given.set(showLogin(domain, why)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (InvocationTargetException e) {
      return null;
    }
    return given.get();
  }

  private static AdminClient.Credentials showLogin(String domain, String why) {
    JTextField user = new JTextField(18);
    JPasswordField password = new JPasswordField(18);
    JPanel fields = new JPanel(new GridLayout(2, 2, 6, 6));
    fields.add(new JLabel("User"));
    fields.add(user);
    fields.add(new JLabel("Password"));
    fields.add(password);
    JPanel body = new JPanel(new BorderLayout(0, 8));
    body.add(new JLabel(why), BorderLayout.NORTH);
    body.add(fields, BorderLayout.CENTER);
    JOptionPane pane =
        new JOptionPane(body, JOptionPane.PLAIN_MESSAGE, JOptionPane.OK_CANCEL_OPTION);
    JDialog dialog = pane.createDialog(null, "Log in to " + domain);
    // The user name first, not the OK button: the operator types at once.
    dialog.addWindowFocusListener(
        new WindowAdapter() {
          @Override
          public void windowGainedFocus(WindowEvent e) {
            if (user.getText().isEmpty()) {
              user.requestFocusInWindow();
            }
          }
        });
    dialog.setVisible(true);
    dialog.dispose();
    if (!Integer.valueOf(JOptionPane.OK_OPTION).equals(pane.getValue())
        || user.getText().isBlank()) {
      return null;
    }
    return new AdminClient.Credentials(user.getText().strip(), password.getPassword());
  }

  /** A window with {@code text} in a fixed-width font, e.g. the {@code domainctl status} table. */
  static void text(String title, String text) {
    JTextArea area = new JTextArea(text);
    area.setEditable(false);
    area.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
    area.setRows(Math.min(30, Math.max(8, (int) text.lines().count() + 1)));
    area.setColumns(Math.min(160, text.lines().mapToInt(String::length).max().orElse(40) + 2));
    JFrame frame = new JFrame(title);
    frame.setDefaultCloseOperation(JFrame.DISPOSE_ON_CLOSE);
    frame.add(new JScrollPane(area));
    frame.pack();
    frame.setLocationRelativeTo(null);
    frame.setVisible(true);
  }

  /**
   * A window listing {@code eventsJson} ({@code Server.Events}), newest first, with a button that
   * hands the ids of the selected events (all open ones when none is selected) to {@code
   * acknowledge}.
   */
  static void events(String title, String eventsJson, Consumer<List<String>> acknowledge) {
    DefaultTableModel rows =
        new DefaultTableModel(
            new Object[] {"TIME", "WEIGHT", "SERVER", "ACK", "MESSAGE", "ID"}, 0) {
          @Override
          public boolean isCellEditable(int row, int column) {
            return false;
          }
        };
    List<String> open = new ArrayList<>();
    for (JsonNode e : parse(eventsJson)) {
      String ack =
          !e.has("acked")
              ? ""
              : e.path("acked").asBoolean() ? "by " + e.path("ackedBy").asText() : "open";
      if ("open".equals(ack)) {
        open.add(e.path("id").asText());
      }
      rows.insertRow(
          0,
          new Object[] {
            e.path("time").asText(),
            e.path("weight").asText(),
            e.path("server").asText(),
            ack,
            e.path("message").asText(),
            e.path("id").asText()
          });
    }
    JTable table = new JTable(rows);
    table.getColumnModel().getColumn(4).setPreferredWidth(420);
    JFrame frame = new JFrame(title);
    frame.setDefaultCloseOperation(JFrame.DISPOSE_ON_CLOSE);
    JButton ack = new JButton("Acknowledge");
    ack.setEnabled(!open.isEmpty());
    ack.setToolTipText("the selected events, or every open one when none is selected");
    ack.addActionListener(
        a -> {
          List<String> ids = new ArrayList<>();
          for (int row : table.getSelectedRows()) {
            if ("open".equals(rows.getValueAt(row, 3))) {
              ids.add((String) rows.getValueAt(row, 5));
            }
          }
          acknowledge.accept(ids.isEmpty() ? open : ids);
          frame.dispose();
        });
    JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT));
    buttons.add(new JLabel(open.size() + " open"));
    buttons.add(ack);
    frame.add(new JScrollPane(table), BorderLayout.CENTER);
    frame.add(buttons, BorderLayout.SOUTH);
    frame.setSize(900, 400);
    frame.setLocationRelativeTo(null);
    frame.setVisible(true);
  }

  /** Asks for the endpoint of another domain's server; null when the operator cancels. */
  static String endpoint(String current) {
    Object answer =
        JOptionPane.showInputDialog(
            null,
            "OPC UA endpoint of a server of the remote domain:",
            "Open remote domain",
            JOptionPane.QUESTION_MESSAGE,
            null,
            null,
            current);
    return answer == null || answer.toString().isBlank() ? null : answer.toString().strip();
  }

  /** Asks the operator to confirm {@code question}; true for OK. */
  static boolean confirm(String title, String question) {
    return JOptionPane.showConfirmDialog(
            null, question, title, JOptionPane.OK_CANCEL_OPTION, JOptionPane.QUESTION_MESSAGE)
        == JOptionPane.OK_OPTION;
  }

  private static JsonNode parse(String json) {
    try {
      JsonNode d = JSON.readTree(json == null ? "" : json);
      return d != null && d.isArray() ? d : JSON.createArrayNode();
    } catch (Exception e) {
      return JSON.createArrayNode();
    }
  }
}
