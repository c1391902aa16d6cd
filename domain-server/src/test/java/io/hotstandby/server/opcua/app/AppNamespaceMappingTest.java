package io.hotstandby.server.opcua.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.runtime.project.DataType;
import io.hotstandby.runtime.tags.Quality;
import io.hotstandby.runtime.tags.TagValue;
import java.time.Instant;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.junit.jupiter.api.Test;

/** How outcomes and values map to OPC UA, without a server. */
class AppNamespaceMappingTest {

  @Test
  void outcomesMapToStatusCodesByTheRuntimesConvention() {
    assertThat(code(new WriteOutcome(true, "written"))).isEqualTo(StatusCodes.Good);
    assertThat(code(WriteOutcome.refused("this server is not ACTIVE")))
        .isEqualTo(StatusCodes.Bad_InvalidState);
    assertThat(code(WriteOutcome.failed("write of Tank1.Level refused by plc: Bad_TypeMismatch")))
        .isEqualTo(StatusCodes.Bad_CommunicationError);
    assertThat(code(WriteOutcome.refused("permission denied for role Viewer")))
        .isEqualTo(StatusCodes.Bad_UserAccessDenied);
    assertThat(code(WriteOutcome.refused("tag is read-only")))
        .isEqualTo(StatusCodes.Bad_NotWritable);
    assertThat(code(WriteOutcome.refused("unknown tag Tank9.Level")))
        .isEqualTo(StatusCodes.Bad_NodeIdUnknown);
    assertThat(code(WriteOutcome.refused("cannot convert \"abc\" to DOUBLE")))
        .isEqualTo(StatusCodes.Bad_TypeMismatch);
    assertThat(code(WriteOutcome.refused("value out of range")))
        .isEqualTo(StatusCodes.Bad_OutOfRange);
    assertThat(code(WriteOutcome.refused("something else")))
        .isEqualTo(StatusCodes.Bad_RequestNotAllowed);
    assertThat(code(new WriteOutcome(false, null))).isEqualTo(StatusCodes.Bad_UnexpectedError);
    assertThat(code(null)).isEqualTo(StatusCodes.Bad_UnexpectedError);
  }

  @Test
  void clientValuesAreAcceptedInTheirTypeOrOneThatWidensWithoutLoss() {
    assertThat(AppMapping.fromClient(DataType.INT32, (short) 3)).isEqualTo(3);
    assertThat(AppMapping.fromClient(DataType.INT32, UByte.valueOf(200))).isEqualTo(200);
    assertThat(AppMapping.fromClient(DataType.INT32, 5L)).isNull();
    assertThat(AppMapping.fromClient(DataType.INT64, UInteger.valueOf(4_000_000_000L)))
        .isEqualTo(4_000_000_000L);
    assertThat(AppMapping.fromClient(DataType.INT64, ULong.valueOf(1))).isNull();
    assertThat(AppMapping.fromClient(DataType.DOUBLE, 1.5f)).isEqualTo(1.5);
    assertThat(AppMapping.fromClient(DataType.DOUBLE, 2)).isNull();
    assertThat(AppMapping.fromClient(DataType.BOOLEAN, "true")).isNull();
    assertThat(AppMapping.fromClient(DataType.STRING, 1)).isNull();
    assertThat(AppMapping.fromClient(DataType.STRING, null)).isNull();
  }

  @Test
  void tagValuesBecomeDataValuesOfTheTagsType() {
    Instant t = Instant.parse("2025-01-01T00:00:00Z");
    DataValue widened = AppMapping.toDataValue(DataType.INT64, new TagValue(7, Quality.GOOD, t, t));
    assertThat(widened.value().value()).isEqualTo(7L);

    DataValue tooBig =
        AppMapping.toDataValue(DataType.INT32, new TagValue(1L << 40, Quality.GOOD, t, t));
    assertThat(tooBig.value().isNull()).isTrue();
    assertThat(tooBig.statusCode().value()).isEqualTo(StatusCodes.Bad_TypeMismatch);

    DataValue none =
        AppMapping.toDataValue(DataType.DOUBLE, new TagValue(null, Quality.BAD, t, null));
    assertThat(none.value().isNull()).isTrue();
    assertThat(none.statusCode()).isEqualTo(StatusCode.BAD);
    assertThat(none.serverTime()).isNotNull();
  }

  private static long code(WriteOutcome outcome) {
    return AppMapping.statusOf(outcome).value();
  }
}
