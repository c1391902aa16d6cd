package io.hotstandby.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.junit.jupiter.api.Test;

class OpcUaErrorTextTest {

  @Test
  void networkFailuresAreNamedThroughTheWrappersOfFutures() {
    assertThat(OpcUaErrorText.describe(new ExecutionException(new TimeoutException()), 300))
        .isEqualTo("no answer within 300 ms");
    assertThat(
            OpcUaErrorText.describe(
                new CompletionException(
                    new ConnectException("Connection refused: /127.0.0.1:4851")),
                300))
        .isEqualTo("connection refused");
    assertThat(OpcUaErrorText.describe(new UnknownHostException("plc.invalid"), 300))
        .isEqualTo("unknown host plc.invalid");
  }

  @Test
  void aStatusIsNamedAndDescribedUnlessMiloSaysMore() {
    assertThat(OpcUaErrorText.describe(new UaException(StatusCodes.Bad_NotWritable), 300))
        .startsWith("Bad_NotWritable (")
        .doesNotContain("\n");
    assertThat(
            OpcUaErrorText.describe(
                new UaException(StatusCodes.Bad_SecurityChecksFailed, "no token policy\nfits"),
                300))
        .isEqualTo("Bad_SecurityChecksFailed: no token policy fits");
  }

  @Test
  void anUnknownStatusIsShownAsMiloPrintsIt() {
    StatusCode unknown = new StatusCode(0x80FF0000L);
    assertThat(OpcUaErrorText.statusName(unknown)).isEqualTo(unknown.toString());
  }
}
