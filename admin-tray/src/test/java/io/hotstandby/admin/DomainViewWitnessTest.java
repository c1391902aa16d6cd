package io.hotstandby.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WITNESS line of {@code domainctl status}: the quorum witness as each server sees it. */
class DomainViewWitnessTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static ServerStatus server(String name, String witness) throws Exception {
    return new ServerStatus(
        new Domainctl.Target(name, "opc.tcp://127.0.0.1:1/hotstandby"),
        JSON.readTree("{\"name\":\"" + name + "\",\"witness\":" + witness + "}"),
        null);
  }

  @Test
  void showsTheLeaseHolderAndWhichServersReachTheWitness() throws Exception {
    String line =
        DomainView.witness(
            List.of(
                server(
                    "alpha",
                    "{\"name\":\"wit\",\"reachable\":true,\"leaseHolder\":\"alpha\","
                        + "\"leaseHeld\":true}"),
                server(
                    "beta",
                    "{\"name\":\"wit\",\"reachable\":false,\"leaseHolder\":\"\","
                        + "\"leaseHeld\":false}")));
    assertThat(line)
        .isEqualTo("WITNESS wit: lease held by alpha (alpha: reachable, beta: NOT reachable)");
  }

  @Test
  void aDomainWithoutAWitnessHasNoLine() throws Exception {
    assertThat(DomainView.witness(List.of(server("alpha", "null"), server("beta", "null"))))
        .isEmpty();
  }
}
