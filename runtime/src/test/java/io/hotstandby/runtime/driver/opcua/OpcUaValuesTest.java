package io.hotstandby.runtime.driver.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import io.hotstandby.runtime.driver.opcua.OpcUaValues.Builtin;
import io.hotstandby.runtime.project.DataType;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.junit.jupiter.api.Test;

class OpcUaValuesTest {

  @Test
  void deviceValuesBecomeTheTagsType() {
    assertThat(OpcUaValues.toTag(2.5f, DataType.DOUBLE)).isEqualTo(2.5);
    assertThat(OpcUaValues.toTag(ushort(7), DataType.DOUBLE)).isEqualTo(7.0);
    assertThat(OpcUaValues.toTag((short) -3, DataType.INT32)).isEqualTo(-3);
    assertThat(OpcUaValues.toTag(uint(4_000_000_000L), DataType.INT64)).isEqualTo(4_000_000_000L);
    assertThat(OpcUaValues.toTag(2.5, DataType.INT32)).isEqualTo(3);
    assertThat(OpcUaValues.toTag(ubyte(0), DataType.BOOLEAN)).isEqualTo(false);
    assertThat(OpcUaValues.toTag(1, DataType.BOOLEAN)).isEqualTo(true);
    assertThat(OpcUaValues.toTag(true, DataType.INT64)).isEqualTo(1L);
    assertThat(OpcUaValues.toTag(LocalizedText.english("on"), DataType.STRING)).isEqualTo("on");
    assertThat(OpcUaValues.toTag(12, DataType.STRING)).isEqualTo("12");
  }

  @Test
  void valuesThatDoNotFitAreRefusedWithAReason() {
    assertThatThrownBy(() -> OpcUaValues.toTag(uint(4_000_000_000L), DataType.INT32))
        .hasMessageContaining("out of range for Int32");
    assertThatThrownBy(() -> OpcUaValues.toTag(ulong(-1L), DataType.INT64))
        .hasMessageContaining("18446744073709551615");
    assertThatThrownBy(() -> OpcUaValues.toTag(Double.NaN, DataType.INT32))
        .hasMessageContaining("not a finite number");
    assertThatThrownBy(() -> OpcUaValues.toTag("maybe", DataType.BOOLEAN))
        .hasMessageContaining("\"maybe\" is not a Boolean");
  }

  @Test
  void writesUseTheNodesBuiltInTypeElseTheTagsType() {
    assertThat(OpcUaValues.builtinFor(NodeIds.Float, DataType.DOUBLE)).isEqualTo(Builtin.FLOAT);
    assertThat(OpcUaValues.builtinFor(NodeIds.UInt16, DataType.INT32)).isEqualTo(Builtin.UINT16);
    assertThat(OpcUaValues.builtinFor(null, DataType.INT64)).isEqualTo(Builtin.INT64);
    assertThat(OpcUaValues.builtinFor(NodeIds.Structure, DataType.STRING))
        .isEqualTo(Builtin.STRING);

    assertThat(OpcUaValues.toVariant(7, Builtin.DOUBLE).value()).isEqualTo(7.0);
    assertThat(OpcUaValues.toVariant(7.0, Builtin.INT32).value()).isEqualTo(7);
    assertThat(OpcUaValues.toVariant("12", Builtin.INT64).value()).isEqualTo(12L);
    assertThat(OpcUaValues.toVariant(1.25, Builtin.FLOAT).value()).isEqualTo(1.25f);
    assertThat(OpcUaValues.toVariant(200, Builtin.BYTE).value()).isEqualTo(ubyte(200));
    assertThat(OpcUaValues.toVariant("true", Builtin.BOOLEAN).value()).isEqualTo(true);
    assertThat(OpcUaValues.toVariant(3.5, Builtin.STRING).value()).isEqualTo("3.5");
    assertThatThrownBy(() -> OpcUaValues.toVariant(70000, Builtin.INT16))
        .hasMessage("70000 is out of range for Int16");
    assertThatThrownBy(() -> OpcUaValues.toVariant(-1, Builtin.UINT32))
        .hasMessage("-1 is out of range for UInt32");
    assertThatThrownBy(() -> OpcUaValues.toVariant(null, Builtin.DOUBLE))
        .hasMessage("no value to write");
  }

  @Test
  void addressesByIndexOrByNamespaceUri() {
    var table = new NamespaceTable();
    table.add("urn:vendor:plc");

    assertThat(OpcUaAddress.resolve("ns=2;s=Tank1.Level", table))
        .isEqualTo(new NodeId(2, "Tank1.Level"));
    assertThat(OpcUaAddress.resolve(" nsu=urn:vendor:plc;s=Tank1.Level ", table))
        .isEqualTo(new NodeId(table.getIndex("urn:vendor:plc"), "Tank1.Level"));
    assertThat(OpcUaAddress.resolve("ns=3;i=1001", table)).isEqualTo(new NodeId(3, 1001));
    assertThatThrownBy(() -> OpcUaAddress.resolve("nsu=urn:other;s=X", table))
        .hasMessageContaining("no namespace urn:other");
    assertThatThrownBy(() -> OpcUaAddress.resolve("Tank1.Level", table))
        .hasMessageContaining("is not a NodeId");
    assertThatThrownBy(() -> OpcUaAddress.resolve("", table)).hasMessage("no address");
  }
}
