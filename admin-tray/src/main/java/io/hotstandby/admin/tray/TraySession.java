package io.hotstandby.admin.tray;

import io.hotstandby.admin.Domainctl;
import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.client.AdminClient;
import io.hotstandby.admin.tray.AdminTray.Target;
import io.hotstandby.admin.tray.ServerWatch.LoginPolicy;
import io.hotstandby.admin.tray.ServerWatch.Request;
import io.hotstandby.admin.tray.TrayModel.Level;
import io.hotstandby.admin.tray.TrayModel.Notification;
import io.hotstandby.admin.tray.TrayModel.Update;
import java.awt.AWTException;
import java.awt.EventQueue;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * The running tray: one icon, and the server it watches with its model; the menu's choices become
 * requests to that server. "Open remote domain…" points the same icon at another server. The model
 * is used on the watch's thread only; the view on the AWT event thread.
 */
final class TraySession implements TrayView.Operator {
  private static final int RECENT_EVENTS = 200;

  private final CertificateTrust trust;
  private final PrintStream log;
  private TrayView view;
  private volatile Watched watched;

  /** One server watched: where, its model, its watch. */
  private record Watched(Target target, TrayModel model, ServerWatch watch) {}

  TraySession(Target target, CertificateTrust trust, PrintStream log) {
    this.trust = trust;
    this.log = log;
    this.watched = watched(target);
  }

  /**
   * Puts the icon in the tray and starts watching.
   *
   * @throws IllegalStateException naming why the icon cannot be shown
   */
  void start() {
    try {
      EventQueue.invokeAndWait(
          () -> {
            view = new TrayView(watched.model().snapshot(), this, log);
            try {
              view.install();
            } catch (AWTException e) {
              throw new IllegalStateException(e.getMessage(), e);
            }
          });
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new IllegalStateException(
          cause.getMessage() != null ? cause.getMessage() : cause.toString(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    watched.watch().start();
  }

  private Watched watched(Target target) {
    TrayModel model = new TrayModel(target.endpoint(), target.domain(), target.server());
    ServerWatch[] watch = new ServerWatch[1];
    watch[0] =
        new ServerWatch(
            ServerWatch.connector(target.endpoints(), AdminTray.TIMEOUT, trust),
            target.login(),
            why -> TrayDialogs.login(target.domain() == null ? "the domain" : target.domain(), why),
            json -> statusOf(model, watch[0], json),
            why -> view.show(model.unreachable(why)));
    return new Watched(target, model, watch[0]);
  }

  /** A new status: shown, and the new ERROR events fetched to be notified one by one. */
  private void statusOf(TrayModel model, ServerWatch watch, String json) {
    Update u = model.status(json);
    view.show(u);
    if (u.errorsAfterSeq() >= 0) {
      watch.request(
          LoginPolicy.NEVER,
          c -> c.eventsJson(u.errorsAfterSeq(), 50),
          events -> model.errorEvents(events).forEach(view::notify),
          why -> view.notify(model.failed("ERROR events of", "new ones, unread: " + why)));
    }
  }

  @Override
  public void activate() {
    String label = view.shown().label();
    if (TrayDialogs.confirm(
        "Activate " + label, "Ask " + label + " to become the active server of the domain?")) {
      act("Activate", LoginPolicy.FIRST, ServerWatch.Connection::activate);
    }
  }

  @Override
  public void maintenance(boolean on) {
    String server = view.shown().server();
    if (server == null) {
      return;
    }
    if (on
        && !TrayDialogs.confirm(
            "Maintenance on " + server,
            "Put "
                + server
                + " into maintenance? If it is the active server, the standby takes over first.")) {
      return;
    }
    act("Maintenance " + (on ? "on" : "off"), LoginPolicy.FIRST, c -> c.setMaintenance(server, on));
  }

  @Override
  public void stopDomain() {
    String label = view.shown().label();
    if (TrayDialogs.confirm(
        "Stop the domain on " + label,
        "Stop the domain on "
            + label
            + "? It leaves the domain's roles (an active hands over first); its process keeps"
            + " running.")) {
      act("Stop the domain on", LoginPolicy.FIRST, ServerWatch.Connection::stopDomain);
    }
  }

  @Override
  public void startDomain() {
    act("Start the domain on", LoginPolicy.FIRST, ServerWatch.Connection::startDomain);
  }

  private void act(String action, LoginPolicy policy, Request<ActivateResult> request) {
    Watched w = watched;
    view.log("request: " + action + " " + view.shown().label());
    w.watch()
        .request(
            policy,
            request,
            r -> view.notify(w.model().answered(action, r)),
            why -> view.notify(w.model().failed(action, why)));
  }

  @Override
  public void status() {
    Watched w = watched;
    String details = view.shown().details();
    String title = "Status of " + view.shown().label();
    Thread t =
        new Thread(
            () -> {
              String text = details + "\n" + domainctlStatus(w.target(), w.watch().login());
              EventQueue.invokeLater(() -> TrayDialogs.text(title, text));
            },
            "admin-tray-status");
    t.setDaemon(true);
    t.start();
  }

  /**
   * What {@code domainctl status} prints for the domain (its file) or the server watched, logged in
   * as the tray is (anonymously before its first login).
   */
  static String domainctlStatus(Target target, AdminClient.Credentials login) {
    List<String> args =
        target.domainFile() != null
            ? List.of("--domain", target.domainFile().toString(), "status")
            : List.of("--endpoint", target.endpoint(), "status");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Domainctl.run(args.toArray(String[]::new), login, new PrintWriter(out), new PrintWriter(err));
    return "$ domainctl " + String.join(" ", args) + "\n" + out + err;
  }

  @Override
  public void events() {
    Watched w = watched;
    String title = "Events of " + view.shown().label();
    w.watch()
        .request(
            LoginPolicy.WHEN_REFUSED,
            c -> c.eventsJson(0, RECENT_EVENTS),
            json ->
                EventQueue.invokeLater(() -> TrayDialogs.events(title, json, ids -> ack(w, ids))),
            why -> view.notify(w.model().failed("Events of", why)));
  }

  private void ack(Watched w, List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    act("Acknowledge events of", LoginPolicy.FIRST, c -> c.acknowledgeEvents(ids));
  }

  @Override
  public void openRemote() {
    String endpoint = TrayDialogs.endpoint(watched.target().endpoint());
    if (endpoint == null) {
      return;
    }
    Thread t = new Thread(() -> switchTo(endpoint), "admin-tray-switch");
    t.setDaemon(true);
    t.start();
  }

  /** Points the icon at the server at {@code endpoint}; the login is not carried over. */
  void switchTo(String endpoint) {
    Watched old = watched;
    old.watch().close();
    Watched now = watched(new Target(endpoint, null, null));
    watched = now;
    view.show(now.model().snapshot());
    view.notify(new Notification(Level.INFO, "admin-tray", "now watching " + endpoint));
    now.watch().start();
  }

  @Override
  public void exit() {
    view.remove();
    watched.watch().close();
    System.exit(AdminTray.OK);
  }
}
