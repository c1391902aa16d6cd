package io.hotstandby.plantsim;

import java.util.List;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * Every variable the simulator serves, in namespace {@value PlantNamespace#URI}, with a string
 * NodeId {@code <Folder>.<Name>} (e.g. {@code Tank1.Level}) and its place in {@code
 * Objects/Plant/<Folder>/<Name>}. Clients hard-code these ids and resolve the namespace index by
 * URI.
 */
public enum PlantTag {
  TANK1_LEVEL("Tank1", "Level", Type.DOUBLE, Unit.METRE, false, "Tank1 level"),
  TANK1_INLET_OPEN("Tank1", "InletOpen", Type.BOOLEAN, null, true, "Tank1 inlet open"),
  TANK2_LEVEL("Tank2", "Level", Type.DOUBLE, Unit.METRE, false, "Tank2 level"),
  PUMP1_RUN("Pump1", "Run", Type.BOOLEAN, null, true, "Pump1 run command"),
  PUMP1_SPEED("Pump1", "Speed", Type.DOUBLE, Unit.PERCENT, true, "Pump1 speed, 0..100 %"),
  PUMP1_FAULT(
      "Pump1",
      "Fault",
      Type.BOOLEAN,
      null,
      false,
      "Pump1 dry-run fault; write Reset=true to clear"),
  PUMP1_RESET(
      "Pump1", "Reset", Type.BOOLEAN, null, true, "Write true to clear Pump1's fault; reads false"),
  VALVE1_OPEN("Valve1", "Open", Type.BOOLEAN, null, true, "Valve1 open (drains Tank2)"),
  FLOW_RATE("Flow", "Rate", Type.DOUBLE, Unit.CUBIC_METRE_PER_HOUR, false, "Pump flow rate"),
  FLOW_TOTAL("Flow", "Total", Type.DOUBLE, Unit.CUBIC_METRE, false, "Pump flow totaliser"),
  PLANT_HEARTBEAT("Plant", "Heartbeat", Type.INT64, null, false, "Counts up by one every tick"),
  PLANT_LAST_WRITER(
      "Plant", "LastWriter", Type.STRING, null, false, "The last write: node=value at time");

  /** The folders under {@code Objects/Plant}, in browse order. */
  public static final List<String> FOLDERS =
      List.of("Tank1", "Tank2", "Pump1", "Valve1", "Flow", "Plant");

  /** The OPC UA built-in type of a tag and the Java class its values have. */
  public enum Type {
    BOOLEAN(NodeIds.Boolean, Boolean.class),
    DOUBLE(NodeIds.Double, Double.class),
    INT64(NodeIds.Int64, Long.class),
    STRING(NodeIds.String, String.class);

    private final NodeId dataType;
    private final Class<?> javaType;

    Type(NodeId dataType, Class<?> javaType) {
      this.dataType = dataType;
      this.javaType = javaType;
    }

    public NodeId dataType() {
      return dataType;
    }

    public Class<?> javaType() {
      return javaType;
    }
  }

  /** Engineering units, as UNECE common codes (what OPC UA's EUInformation carries). */
  public enum Unit {
    METRE("MTR", "m", "metre"),
    PERCENT("P1", "%", "percent"),
    CUBIC_METRE("MTQ", "m³", "cubic metre"),
    CUBIC_METRE_PER_HOUR("MQH", "m³/h", "cubic metre per hour");

    private final String commonCode;
    private final String symbol;
    private final String description;

    Unit(String commonCode, String symbol, String description) {
      this.commonCode = commonCode;
      this.symbol = symbol;
      this.description = description;
    }

    /** The OPC UA unit id: the common code's characters packed into an int, first one highest. */
    public int unitId() {
      int id = 0;
      for (char c : commonCode.toCharArray()) {
        id = (id << 8) | c;
      }
      return id;
    }

    public String symbol() {
      return symbol;
    }

    public String description() {
      return description;
    }
  }

  private final String folder;
  private final String name;
  private final Type type;
  private final Unit unit;
  private final boolean writable;
  private final String description;

  PlantTag(String folder, String name, Type type, Unit unit, boolean writable, String description) {
    this.folder = folder;
    this.name = name;
    this.type = type;
    this.unit = unit;
    this.writable = writable;
    this.description = description;
  }

  /** The string NodeId identifier, e.g. {@code Tank1.Level}. */
  public String id() {
    return folder + "." + name;
  }

  /** The folder under {@code Objects/Plant} that holds the variable. */
  public String folder() {
    return folder;
  }

  /** The browse name within the folder. */
  public String browseName() {
    return name;
  }

  public Type type() {
    return type;
  }

  /** The engineering unit, or null for booleans, counters and text. */
  public Unit unit() {
    return unit;
  }

  /** Whether clients may write the value. */
  public boolean writable() {
    return writable;
  }

  public String description() {
    return description;
  }
}
