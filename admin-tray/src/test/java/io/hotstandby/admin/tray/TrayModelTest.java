package io.hotstandby.admin.tray;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.tray.TrayModel.Actions;
import io.hotstandby.admin.tray.TrayModel.Level;
import io.hotstandby.admin.tray.TrayModel.Notification;
import io.hotstandby.admin.tray.TrayModel.Update;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrayModelTest {
  private static final String URL = "opc.tcp://10.0.0.5:4851/hotstandby";
  private static final String PEER_STANDBY =
      "[{\"peer\":\"beta\",\"liveness\":\"ALIVE\",\"state\":\"STANDBY\",\"term\":7}]";

  private final TrayModel model = new TrayModel(URL, null, null);

  @ParameterizedTest(name = "{0} (stopped by \"{1}\", {2} errors, peer {3}) shows {4}")
  @CsvSource({
    "ACTIVE,      '',       0, STANDBY, ACTIVE,      'plant – alpha – ACTIVE'",
    "STANDBY,     '',       0, ACTIVE,  STANDBY,     'plant – alpha – STANDBY'",
    "INACTIVE,    '',       0, DEAD,    INACTIVE,    'plant – alpha – INACTIVE'",
    "STARTING,    '',       0, DEAD,    INACTIVE,    'plant – alpha – STARTING'",
    "MAINTENANCE, '',       0, ACTIVE,  MAINTENANCE, 'plant – alpha – MAINTENANCE'",
    "STOPPED,     operator, 0, ACTIVE,  STOPPED,     'plant – alpha – STOPPED'",
    "STOPPED,     '',       0, ACTIVE,  FAILURE,     'plant – alpha – STOPPED, failure reported'",
    "ACTIVE,      '',       2, STANDBY, FAILURE,     'plant – alpha – ACTIVE, failure reported'",
    "ACTIVE,      '',       0, ACTIVE,  DUAL_ACTIVE, 'plant – alpha – ACTIVE, two servers ACTIVE'",
  })
  void eachDomainStateHasItsIconAndTooltip(
      String state, String stoppedBy, int errors, String peer, TrayStatus icon, String tooltip) {
    String json =
        status("alpha", state, 7)
            .replace(
                "\"links\":[]",
                "\"domainStoppedBy\":\""
                    + stoppedBy
                    + "\",\"unackedErrors\":"
                    + errors
                    + ",\"links\":[{\"peer\":\"beta\",\"liveness\":\""
                    + (peer.equals("DEAD") ? "DEAD" : "ALIVE")
                    + "\",\"state\":\""
                    + peer
                    + "\"}]");

    Update u = model.status(json);

    assertThat(u.snapshot().status()).isEqualTo(icon);
    assertThat(u.snapshot().tooltip()).isEqualTo(tooltip);
  }

  @Test
  void unreachableIsARedCrossAndEveryStatusLooksDifferent() {
    assertThat(model.unreachable("connection refused").snapshot().status())
        .isEqualTo(TrayStatus.UNREACHABLE);
    assertThat(TrayStatus.UNREACHABLE.shape()).isEqualTo(TrayStatus.Shape.CROSS);
    assertThat(
            Arrays.stream(TrayStatus.values())
                .map(s -> s.colour().getRGB() + "/" + s.shape())
                .distinct())
        .hasSize(TrayStatus.values().length);
  }

  @Test
  void beforeTheFirstAnswerTheTooltipNamesWhatIsKnownAndNothingCanBeDone() {
    assertThat(model.snapshot().tooltip()).isEqualTo(URL + " – CONNECTING");
    assertThat(model.snapshot().status()).isEqualTo(TrayStatus.INACTIVE);
    assertThat(model.snapshot().actions()).isEqualTo(Actions.NONE);
    assertThat(new TrayModel(URL, "plant", "alpha").snapshot().tooltip())
        .isEqualTo("plant – alpha – CONNECTING");
  }

  @ParameterizedTest(name = "{0}: start {1}, stop {2}, activate {3}, maint. on {4}, off {5}")
  @CsvSource({
    "ACTIVE,      false, true,  false, true,  false",
    "STANDBY,     false, true,  true,  true,  false",
    "MAINTENANCE, false, true,  false, false, true",
    "STOPPED,     true,  false, false, true,  false",
  })
  void menuItemsAreEnabledOnlyWhenTheyCanAct(
      String state, boolean start, boolean stop, boolean activate, boolean on, boolean off) {
    String json =
        status("alpha", state, 7)
            .replace("\"links\"", "\"domainStoppedBy\":\"operator at 10:00\",\"links\"");
    if (!state.equals("STOPPED")) {
      json = json.replace("operator at 10:00", "");
    }

    Actions a = model.status(json).snapshot().actions();

    assertThat(a).isEqualTo(new Actions(start, stop, true, activate, on, off));
    assertThat(model.unreachable("gone").snapshot().actions()).isEqualTo(Actions.NONE);
  }

  @Test
  void theFirstAnswerIsNoChange() {
    assertThat(model.status(status("alpha", "ACTIVE", 7)).notifications()).isEmpty();
  }

  @Test
  void aRoleChangeIsNotified() {
    model.status(status("alpha", "ACTIVE", 7));

    Update u = model.status(status("alpha", "STANDBY", 7));

    assertThat(u.notifications())
        .containsExactly(
            new Notification(Level.INFO, "plant – alpha", "alpha became STANDBY (term 7)"));
  }

  @Test
  void aFailoverIsNotifiedWithWhoTookOverFromWhom() {
    model.status(
        status("beta", "STANDBY", 7)
            .replace("[]", PEER_STANDBY.replace("beta", "alpha").replace("STANDBY", "ACTIVE")));

    Update u = model.status(status("beta", "ACTIVE", 8));

    assertThat(u.notifications())
        .containsExactly(
            new Notification(Level.INFO, "plant – beta", "beta became ACTIVE (term 8)"),
            new Notification(
                Level.WARNING, "plant – beta", "failover: beta took over from alpha (term 8)"));
  }

  @Test
  void dualActiveIsAWarning() {
    model.status(status("alpha", "ACTIVE", 7).replace("[]", PEER_STANDBY));

    Update u =
        model.status(
            status("alpha", "ACTIVE", 7).replace("[]", PEER_STANDBY.replace("STANDBY", "ACTIVE")));

    assertThat(u.notifications())
        .containsExactly(
            new Notification(Level.WARNING, "plant – alpha", "alpha and beta are both ACTIVE"));
  }

  @Test
  void newEventsWithOpenErrorsAskForTheEventsAndEachErrorIsNotified() {
    model.status(
        status("alpha", "ACTIVE", 7).replace("\"links\"", "\"lastEventSeq\":40,\"links\""));

    Update u =
        model.status(
            status("alpha", "ACTIVE", 7)
                .replace("\"links\"", "\"lastEventSeq\":42,\"unackedErrors\":1,\"links\""));

    assertThat(u.errorsAfterSeq()).isEqualTo(40);
    assertThat(
            model.errorEvents(
                "[{\"weight\":\"INFO\",\"server\":\"alpha\",\"message\":\"fine\"},"
                    + "{\"weight\":\"ERROR\",\"server\":\"alpha\",\"message\":\"disk full\"}]"))
        .containsExactly(new Notification(Level.ERROR, "ERROR on alpha", "disk full"));
  }

  @Test
  void becomingUnreachableIsAWarningOnce() {
    model.status(status("alpha", "ACTIVE", 7));

    Update lost = model.unreachable("cannot connect to " + URL + ": connection refused");
    Update still = model.unreachable("cannot connect to " + URL + ": no answer within 3000 ms");

    assertThat(lost.notifications())
        .containsExactly(
            new Notification(
                Level.WARNING,
                "plant – alpha",
                "alpha is UNREACHABLE: cannot connect to " + URL + ": connection refused"));
    assertThat(lost.snapshot().tooltip()).isEqualTo("plant – alpha – UNREACHABLE");
    assertThat(still.notifications()).isEmpty();
    assertThat(still.snapshot().details()).contains("no answer within 3000 ms");
  }

  @Test
  void comingBackIsNotifiedWithTheNewState() {
    model.status(status("alpha", "ACTIVE", 7));
    model.unreachable("cannot connect to " + URL + ": connection refused");

    Update u = model.status(status("alpha", "STANDBY", 8));

    assertThat(u.notifications())
        .contains(new Notification(Level.INFO, "plant – alpha", "alpha became STANDBY (term 8)"));
  }

  @Test
  void detailsListThePeersFromTheLinks() {
    String json =
        """
        {"name":"alpha","domain":"plant","state":"ACTIVE","term":7,"serviceLevel":255,
         "domainVersion":3,"productVersion":"0.1.0",
         "links":[{"peer":"beta","liveness":"ALIVE","state":"STANDBY","term":7,
                   "paths":[{"path":"lan","up":true,"rttMs":0.42},
                            {"path":"cable","up":false,"rttMs":null}]}]}
        """;

    String details = model.status(json).snapshot().details();

    assertThat(details)
        .isEqualTo(
            "plant – alpha – ACTIVE\n"
                + "term 7, ServiceLevel 255, domain version 3, product version 0.1.0\n"
                + "peers:\n"
                + "  beta: STANDBY (term 7), ALIVE, lan up 0.4 ms, cable down\n");
  }

  @Test
  void answersAreInfoWhenAcceptedAndWarningsWhenRefused() {
    model.status(status("beta", "STANDBY", 7));

    assertThat(model.answered("Activate", new ActivateResult(true, "beta is taking over")))
        .isEqualTo(new Notification(Level.INFO, "Activate beta", "beta is taking over"));
    assertThat(model.answered("Activate", new ActivateResult(false, "refused")).level())
        .isEqualTo(Level.WARNING);
    assertThat(model.failed("Activate", "not connected").level()).isEqualTo(Level.WARNING);
  }

  private static String status(String name, String state, int term) {
    return String.format(
        "{\"name\":\"%s\",\"domain\":\"plant\",\"state\":\"%s\",\"term\":%d,"
            + "\"serviceLevel\":200,\"domainVersion\":1,\"productVersion\":\"0.1.0\","
            + "\"links\":[]}",
        name, state, term);
  }
}
