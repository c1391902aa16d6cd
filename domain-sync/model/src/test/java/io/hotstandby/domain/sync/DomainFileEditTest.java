package io.hotstandby.domain.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DomainFileEditTest {
  static final String FILE =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <domain name="d" version="3">
        <!-- <server name="alpha" maintenance="true"/> is only a comment -->
        <servers>
          <server name="alpha" host="127.0.0.1">
            <opcua port="4851"/>
          </server>
          <server name='beta' host="127.0.0.1" maintenance="true"/>
        </servers>
        <users>
          <user name="olga" role="operator" password="h1"/>
          <!-- Ines administers -->
          <user name="ines" role="administrator" password="h2"/>
        </users>
      </domain>
      """;

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void maintenanceIsSetAndClearedOnTheNamedServerOnlyNotInComments() {
    String on = text(DomainFileEdit.setMaintenance(bytes(FILE), "alpha", true));
    assertThat(on)
        .contains("<server name=\"alpha\" host=\"127.0.0.1\" maintenance=\"true\">")
        .contains("<!-- <server name=\"alpha\" maintenance=\"true\"/> is only a comment -->");
    assertThat(text(DomainFileEdit.setMaintenance(bytes(on), "alpha", false))).isEqualTo(FILE);

    String off = text(DomainFileEdit.setMaintenance(bytes(FILE), "beta", false));
    assertThat(off).contains("<server name='beta' host=\"127.0.0.1\"/>");
    assertThat(text(DomainFileEdit.setMaintenance(bytes(FILE), "beta", true))).isEqualTo(FILE);
  }

  @Test
  void anUnknownServerIsNamed() {
    assertThatThrownBy(() -> DomainFileEdit.setMaintenance(bytes(FILE), "gamma", true))
        .hasMessage("the domain declares no server 'gamma'");
  }

  @Test
  void usersAreAddedChangedAndRemovedKeepingTheRestAsWritten() {
    String added = text(DomainFileEdit.addUser(bytes(FILE), "vic", "viewer", "h3"));
    assertThat(added)
        .contains(
            "    <user name=\"ines\" role=\"administrator\" password=\"h2\"/>\n"
                + "    <user name=\"vic\" role=\"viewer\" password=\"h3\"/>\n"
                + "  </users>");
    String changed = text(DomainFileEdit.setPassword(bytes(added), "vic", "h4"));
    assertThat(changed).contains("<user name=\"vic\" role=\"viewer\" password=\"h4\"/>");
    String promoted = text(DomainFileEdit.setRole(bytes(changed), "vic", "operator"));
    assertThat(promoted).contains("<user name=\"vic\" role=\"operator\" password=\"h4\"/>");
    assertThat(text(DomainFileEdit.removeUser(bytes(added), "vic"))).isEqualTo(FILE);
    assertThat(text(DomainFileEdit.removeUser(bytes(FILE), "olga")))
        .doesNotContain("olga")
        .contains("  <users>\n    <!-- Ines administers -->\n");
  }

  @Test
  void aFileWithoutUsersGetsTheElement() {
    String none = "<domain name=\"d\" version=\"1\">\n  <servers/>\n</domain>\n";
    assertThat(text(DomainFileEdit.addUser(bytes(none), "ines", "administrator", "h")))
        .isEqualTo(
            "<domain name=\"d\" version=\"1\">\n  <servers/>\n  <users>\n"
                + "    <user name=\"ines\" role=\"administrator\" password=\"h\"/>\n"
                + "  </users>\n</domain>\n");
    String empty = "<domain>\n  <users/>\n</domain>\n";
    assertThat(text(DomainFileEdit.addUser(bytes(empty), "a", "viewer", "h")))
        .isEqualTo(
            "<domain>\n  <users>\n    <user name=\"a\" role=\"viewer\" password=\"h\"/>\n"
                + "  </users>\n</domain>\n");
  }

  @Test
  void duplicatesAndMissingUsersAreRefusedWithTheName() {
    assertThatThrownBy(() -> DomainFileEdit.addUser(bytes(FILE), "olga", "viewer", "h"))
        .hasMessage("user 'olga' exists already");
    assertThatThrownBy(() -> DomainFileEdit.removeUser(bytes(FILE), "nobody"))
        .hasMessage("no user 'nobody' in the domain");
    assertThatThrownBy(() -> DomainFileEdit.setPassword(bytes(FILE), "nobody", "h"))
        .hasMessage("no user 'nobody' in the domain");
  }
}
