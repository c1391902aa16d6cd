package io.hotstandby.admin.tray;

import io.hotstandby.admin.client.KnownServers;
import java.awt.EventQueue;
import java.lang.reflect.InvocationTargetException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.swing.JOptionPane;

/**
 * How the tray confirms a server certificate this workstation does not know yet: it asks the
 * operator, showing the endpoint, the server's application URI and the SHA-256 fingerprint to
 * compare with the server's ({@code domainctl} prints the same). A declined fingerprint is not
 * asked for again while the tray runs. A certificate other than the one recorded for the endpoint
 * is never confirmed here: replacing a recorded certificate takes {@code domainctl
 * --accept-certificate}, so a dialog clicked away in a hurry cannot do it.
 */
final class CertificateTrust implements KnownServers.Confirmation {
  /** Asks the operator a yes/no question; true for yes. */
  @FunctionalInterface
  interface Dialog {
    boolean ask(String title, String message);
  }

  private final Dialog dialog;
  private final Set<String> declined = ConcurrentHashMap.newKeySet();

  /**
   * @param dialog the question to the operator, or null where none can be shown (no display): then
   *     nothing is confirmed and the refusal says how to trust the certificate with domainctl
   */
  CertificateTrust(Dialog dialog) {
    this.dialog = dialog;
  }

  @Override
  public boolean confirm(KnownServers.Offer offer) {
    if (offer.changed() || dialog == null || declined.contains(offer.fingerprint())) {
      return false;
    }
    boolean yes = dialog.ask("Unknown server certificate", message(offer));
    if (!yes) {
      declined.add(offer.fingerprint());
    }
    return yes;
  }

  /** The question, with what the operator compares. */
  static String message(KnownServers.Offer offer) {
    return "The server at "
        + offer.endpointUrl()
        + "\n("
        + offer.applicationUri()
        + ")\npresents a certificate this workstation does not know yet.\n\nSHA-256 fingerprint:\n"
        + grouped(offer.fingerprint())
        + "\n\nTrust it only if it is the fingerprint of the server's certificate\n"
        + "(on the server: its PKI folder, or ask its administrator).\nTrust this certificate?";
  }

  /** The fingerprint in groups of four digits, two lines, easier to compare by eye. */
  static String grouped(String fingerprint) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fingerprint.length(); i += 4) {
      b.append(fingerprint, i, Math.min(fingerprint.length(), i + 4))
          .append(i + 4 == fingerprint.length() / 2 ? "\n" : " ");
    }
    return b.toString().strip();
  }

  /** A modal Swing yes/no dialog on the AWT event thread; "no" when it cannot be shown. */
  static Dialog swing() {
    return (title, message) -> {
      AtomicBoolean yes = new AtomicBoolean();
      try {
        EventQueue.invokeAndWait(
            () ->
                yes.set(
                    JOptionPane.showConfirmDialog(
                            null,
                            message,
                            title,
                            JOptionPane.YES_NO_OPTION,
                            JOptionPane.WARNING_MESSAGE)
                        == JOptionPane.YES_OPTION));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (InvocationTargetException e) {
        return false;
      }
      return yes.get();
    };
  }
}
