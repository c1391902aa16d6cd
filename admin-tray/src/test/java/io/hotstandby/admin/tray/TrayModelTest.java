package io.hotstandby.admin.tray;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.admin.client.ActivateResult;
import io.hotstandby.admin.tray.TrayModel.Level;
import io.hotstandby.admin.tray.TrayModel.Notification;
import io.hotstandby.admin.tray.TrayModel.Update;
import java.awt.Color;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrayModelTest {
  private static final String URL = "opc.tcp://10.0.0.5:4851/hotstandby";

  private final TrayModel model = new TrayModel(URL, null, null);

  @ParameterizedTest
  @CsvSource({
    "ACTIVE, GREEN",
    "STANDBY, BLUE",
    "STARTING, GREY",
    "INACTIVE, GREY",
    "MAINTENANCE, ORANGE",
    "UNREACHABLE, RED",
    "STOPPED, RED",
    "SOMETHING_NEW, GREY"
  })
  void eachStateHasItsColour(String state, String colour) {
    Map<String, Color> named =
        Map.of(
            "GREEN", TrayModel.GREEN,
            "BLUE", TrayModel.BLUE,
            "GREY", TrayModel.GREY,
            "ORANGE", TrayModel.ORANGE,
            "RED", TrayModel.RED);

    assertThat(TrayModel.colour(state)).isEqualTo(named.get(colour));
  }

  @Test
  void theColoursReadAsTheirNames() {
    assertThat(TrayModel.GREEN.getGreen()).isGreaterThan(TrayModel.GREEN.getRed());
    assertThat(TrayModel.BLUE.getBlue()).isGreaterThan(TrayModel.BLUE.getRed());
    assertThat(TrayModel.RED.getRed()).isGreaterThan(TrayModel.RED.getGreen());
    assertThat(TrayModel.ORANGE.getRed()).isGreaterThan(TrayModel.ORANGE.getGreen());
    assertThat(TrayModel.GREY.getRed()).isBetween(100, 160);
  }

  @Test
  void tooltipNamesDomainServerStateTermAndServiceLevel() {
    Update u = model.status(status("beta", "STANDBY", 7, 199));

    assertThat(u.snapshot().tooltip())
        .isEqualTo("plant / beta: STANDBY (term 7, ServiceLevel 199)");
    assertThat(u.snapshot().state()).isEqualTo("STANDBY");
    assertThat(u.snapshot().label()).isEqualTo("beta");
    assertThat(u.snapshot().colour()).isEqualTo(TrayModel.BLUE);
  }

  @Test
  void beforeTheFirstAnswerTheTooltipNamesWhatIsKnown() {
    assertThat(model.snapshot().tooltip()).isEqualTo(URL + ": CONNECTING");
    assertThat(model.snapshot().colour()).isEqualTo(TrayModel.GREY);
    assertThat(new TrayModel(URL, "plant", "alpha").snapshot().tooltip())
        .isEqualTo("plant / alpha: CONNECTING");
  }

  @Test
  void theFirstAnswerIsNoChange() {
    assertThat(model.status(status("alpha", "ACTIVE", 7, 255)).notification()).isEmpty();
  }

  @Test
  void standbyBecomingActiveIsNotified() {
    model.status(status("beta", "STANDBY", 7, 199));

    Update u = model.status(status("beta", "ACTIVE", 8, 255));

    assertThat(u.notification())
        .contains(new Notification(Level.INFO, "plant / beta", "beta became ACTIVE (term 8)"));
    assertThat(u.snapshot().colour()).isEqualTo(TrayModel.GREEN);
    assertThat(u.snapshot().tooltip()).isEqualTo("plant / beta: ACTIVE (term 8, ServiceLevel 255)");
  }

  @Test
  void activeBecomingStandbyIsNotified() {
    model.status(status("alpha", "ACTIVE", 7, 255));

    Update u = model.status(status("alpha", "STANDBY", 7, 199));

    assertThat(u.notification())
        .contains(new Notification(Level.INFO, "plant / alpha", "alpha became STANDBY (term 7)"));
  }

  @Test
  void nothingChangedNothingNotified() {
    model.status(status("alpha", "ACTIVE", 7, 255));

    Update u = model.status(status("alpha", "ACTIVE", 7, 254));

    assertThat(u.notification()).isEmpty();
    assertThat(u.snapshot().tooltip())
        .isEqualTo("plant / alpha: ACTIVE (term 7, ServiceLevel 254)");
  }

  @Test
  void becomingUnreachableIsAWarningOnce() {
    model.status(status("alpha", "ACTIVE", 7, 255));

    Update lost = model.unreachable("cannot connect to " + URL + ": connection refused");
    Update still = model.unreachable("cannot connect to " + URL + ": no answer within 3000 ms");

    assertThat(lost.notification())
        .contains(
            new Notification(
                Level.WARNING,
                "plant / alpha",
                "alpha is UNREACHABLE: cannot connect to " + URL + ": connection refused"));
    assertThat(lost.snapshot().tooltip()).isEqualTo("plant / alpha: UNREACHABLE");
    assertThat(lost.snapshot().colour()).isEqualTo(TrayModel.RED);
    assertThat(still.notification()).isEmpty();
    assertThat(still.snapshot().details()).contains("no answer within 3000 ms");
  }

  @Test
  void unreachableFromTheStartIsAWarning() {
    Update u = model.unreachable("cannot connect to " + URL + ": connection refused");

    assertThat(u.notification()).map(Notification::level).contains(Level.WARNING);
    assertThat(u.snapshot().tooltip()).isEqualTo(URL + ": UNREACHABLE");
  }

  @Test
  void comingBackIsNotifiedWithTheNewState() {
    model.status(status("alpha", "ACTIVE", 7, 255));
    model.unreachable("cannot connect to " + URL + ": connection refused");

    Update u = model.status(status("alpha", "STANDBY", 8, 199));

    assertThat(u.notification())
        .contains(new Notification(Level.INFO, "plant / alpha", "alpha became STANDBY (term 8)"));
  }

  @Test
  void stoppingIsAWarning() {
    model.status(status("alpha", "ACTIVE", 7, 255));

    assertThat(model.status(status("alpha", "STOPPED", 7, 0)).notification())
        .map(Notification::level)
        .contains(Level.WARNING);
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
            "plant / alpha: ACTIVE (term 7, ServiceLevel 255)\n"
                + "domain version 3, product version 0.1.0\n"
                + "peers:\n"
                + "  beta: STANDBY (term 7), ALIVE, lan up 0.4 ms, cable down\n");
  }

  @Test
  void aDocumentThatIsNotJsonShowsAnUnknownState() {
    Update u = model.status("not json");

    assertThat(u.snapshot().state()).isEqualTo("UNKNOWN");
    assertThat(u.snapshot().colour()).isEqualTo(TrayModel.GREY);
  }

  @Test
  void activateAnswersAreInfoWhenAcceptedAndWarningsWhenRefused() {
    model.status(status("beta", "STANDBY", 7, 199));

    assertThat(model.activated(new ActivateResult(true, "beta is taking over")))
        .isEqualTo(new Notification(Level.INFO, "Activate beta", "beta is taking over"));
    assertThat(model.activated(new ActivateResult(false, "refused: runtime not ready")).level())
        .isEqualTo(Level.WARNING);
    assertThat(model.activateFailed("not connected to the server").level())
        .isEqualTo(Level.WARNING);
  }

  private static String status(String name, String state, int term, int serviceLevel) {
    return String.format(
        "{\"name\":\"%s\",\"domain\":\"plant\",\"state\":\"%s\",\"term\":%d,"
            + "\"serviceLevel\":%d,\"domainVersion\":1,\"productVersion\":\"0.1.0\","
            + "\"links\":[]}",
        name, state, term, serviceLevel);
  }
}
