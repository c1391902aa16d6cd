package io.hotstandby.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The MIRROR column of {@code domainctl status}: what an operator reads about each server. */
class DomainViewMirrorTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static String column(String json) throws Exception {
    return DomainView.mirror(JSON.readTree(json));
  }

  @Test
  void theActiveShowsWhatItSentAndAStandbyHowFarBehindItIs() throws Exception {
    assertThat(column("{\"mode\":\"publishing\",\"active\":\"alpha\",\"seq\":1234}"))
        .isEqualTo("sent 1234");
    assertThat(
            column(
                "{\"mode\":\"following\",\"active\":\"alpha\",\"seq\":1234,\"lagEntries\":0,"
                    + "\"lagMs\":0,\"ready\":true}"))
        .isEqualTo("ok 1234");
    assertThat(
            column(
                "{\"mode\":\"following\",\"active\":\"alpha\",\"seq\":1200,\"lagEntries\":34,"
                    + "\"lagMs\":1830,\"ready\":false}"))
        .isEqualTo("lag 34/1830ms");
    assertThat(
            column(
                "{\"mode\":\"following\",\"active\":\"alpha\",\"seq\":0,\"lagEntries\":-1,"
                    + "\"lagMs\":900,\"ready\":false}"))
        .isEqualTo("no snapshot");
    assertThat(column("{\"mode\":\"following\",\"active\":\"\",\"lagEntries\":-1}")).isEqualTo("-");
    assertThat(column("{}")).isEqualTo("-");
  }
}
