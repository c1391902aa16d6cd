package io.hotstandby.plantsim;

import io.hotstandby.opcua.SampledNamespace;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.model.variables.BaseAnalogType;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.eclipse.milo.opcua.stack.core.types.structured.Range;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;

/**
 * Shows a {@link PlantModel} in OPC UA, namespace {@value #URI}: the folder {@code Objects/Plant}
 * (NodeId {@value #ROOT_ID}) holds one folder per {@link PlantTag#FOLDERS folder} (NodeId = its
 * name), which holds that folder's {@link PlantTag variables}.
 *
 * <p>{@link #tick()} advances the model and updates every variable whose value changed, so
 * subscriptions see it. Writes to writable variables go to the model at once: the value must have
 * the variable's exact built-in type (else {@code Bad_TypeMismatch}), a speed must be 0..100 (else
 * {@code Bad_OutOfRange}); each accepted write is recorded in {@code Plant.LastWriter}.
 */
final class PlantNamespace extends SampledNamespace {
  /** The namespace URI; clients find its index in the server's namespace array. */
  static final String URI = "urn:hotstandby:plant-simulator";

  /** The string NodeId of {@code Objects/Plant}. */
  static final String ROOT_ID = "PlantSimulator";

  private static final String UNITS_URI = "http://www.opcfoundation.org/UA/units/un/cefact";

  private final double samplingMs;

  // Guards the model, lastWriter and the values of the nodes.
  private final Object lock = new Object();
  private final PlantModel model;
  private final Map<PlantTag, UaVariableNode> nodes = new EnumMap<>(PlantTag.class);
  private final Map<NodeId, PlantTag> tagsByNodeId = new HashMap<>();
  private String lastWriter = "";

  /**
   * @param model the plant; from now on only this namespace touches it
   * @param samplingMs how often the model ticks: the fastest sampling worth offering
   */
  PlantNamespace(OpcUaServer server, PlantModel model, double samplingMs) {
    super(server, URI);
    this.model = Objects.requireNonNull(model, "model");
    this.samplingMs = samplingMs;
    getLifecycleManager().addStartupTask(this::addNodes);
  }

  /** Advances the plant by one tick and shows the result. */
  void tick() {
    synchronized (lock) {
      model.tick();
      publish();
    }
  }

  /** The plant as it is now. */
  PlantState state() {
    synchronized (lock) {
      return model.state();
    }
  }

  /** What {@code Plant.LastWriter} reads: "" until the first accepted write. */
  String lastWriter() {
    synchronized (lock) {
      return lastWriter;
    }
  }

  @Override
  public List<StatusCode> write(WriteContext context, List<WriteValue> writeValues) {
    List<StatusCode> results = new ArrayList<>(writeValues.size());
    for (WriteValue wv : writeValues) {
      PlantTag tag = tagsByNodeId.get(wv.getNodeId());
      if (tag != null && AttributeId.Value.uid().equals(wv.getAttributeId())) {
        results.add(writeTag(tag, wv));
      } else {
        // Other attributes and the folders: Milo answers (not writable).
        results.addAll(super.write(context, List.of(wv)));
      }
    }
    return results;
  }

  private StatusCode writeTag(PlantTag tag, WriteValue wv) {
    if (!tag.writable()) {
      return new StatusCode(StatusCodes.Bad_NotWritable);
    }
    if (wv.getIndexRange() != null && !wv.getIndexRange().isEmpty()) {
      return new StatusCode(StatusCodes.Bad_IndexRangeInvalid);
    }
    DataValue dv = wv.getValue();
    Object value = dv == null || dv.value() == null ? null : dv.value().value();
    if (!tag.type().javaType().isInstance(value)) {
      return new StatusCode(StatusCodes.Bad_TypeMismatch);
    }
    synchronized (lock) {
      switch (tag) {
        case TANK1_INLET_OPEN -> model.setInletOpen((Boolean) value);
        case PUMP1_RUN -> model.setPumpRun((Boolean) value);
        case PUMP1_SPEED -> {
          double speed = (Double) value;
          if (!PlantModel.isValidSpeed(speed)) {
            return new StatusCode(StatusCodes.Bad_OutOfRange);
          }
          model.setPumpSpeed(speed);
        }
        case PUMP1_RESET -> {
          if ((Boolean) value) {
            model.resetPumpFault();
          }
        }
        case VALVE1_OPEN -> model.setValveOpen((Boolean) value);
        default -> {
          return new StatusCode(StatusCodes.Bad_NotWritable);
        }
      }
      lastWriter = tag.id() + "=" + value + " at " + Instant.now().truncatedTo(ChronoUnit.MILLIS);
      publish();
    }
    return StatusCode.GOOD;
  }

  // Under lock.
  private void publish() {
    PlantState state = model.state();
    DateTime now = DateTime.now();
    nodes.forEach(
        (tag, node) -> {
          Object value = valueOf(tag, state);
          if (!Objects.equals(node.getValue().value().value(), value)) {
            node.setValue(new DataValue(new Variant(value), StatusCode.GOOD, now, now));
          }
        });
  }

  private Object valueOf(PlantTag tag, PlantState s) {
    return switch (tag) {
      case TANK1_LEVEL -> s.tank1Level();
      case TANK1_INLET_OPEN -> s.inletOpen();
      case TANK2_LEVEL -> s.tank2Level();
      case PUMP1_RUN -> s.pumpRun();
      case PUMP1_SPEED -> s.pumpSpeed();
      case PUMP1_FAULT -> s.pumpFault();
      case PUMP1_RESET -> false; // a command: reads false
      case VALVE1_OPEN -> s.valveOpen();
      case FLOW_RATE -> s.flowRate();
      case FLOW_TOTAL -> s.flowTotal();
      case PLANT_HEARTBEAT -> s.heartbeat();
      case PLANT_LAST_WRITER -> lastWriter;
    };
  }

  private void addNodes() {
    synchronized (lock) {
      UaFolderNode root = folder(ROOT_ID, "Plant");
      root.addReference(
          new Reference(
              root.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
      Map<String, UaFolderNode> folders = new LinkedHashMap<>();
      for (String name : PlantTag.FOLDERS) {
        UaFolderNode f = folder(name, name);
        root.addOrganizes(f);
        folders.put(name, f);
      }
      PlantState state = model.state();
      DateTime now = DateTime.now();
      for (PlantTag tag : PlantTag.values()) {
        UaVariableNode node = variable(tag, valueOf(tag, state), now);
        folders.get(tag.folder()).addOrganizes(node);
        nodes.put(tag, node);
        tagsByNodeId.put(node.getNodeId(), tag);
      }
    }
  }

  private UaFolderNode folder(String id, String name) {
    var node =
        new UaFolderNode(
            getNodeContext(), newNodeId(id), newQualifiedName(name), LocalizedText.english(name));
    getNodeManager().addNode(node);
    return node;
  }

  private UaVariableNode variable(PlantTag tag, Object initial, DateTime now) {
    Set<AccessLevel> access = tag.writable() ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY;
    boolean analog = tag.type() == PlantTag.Type.DOUBLE;
    UaVariableNode node =
        new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
            .setNodeId(newNodeId(tag.id()))
            .setBrowseName(newQualifiedName(tag.browseName()))
            .setDisplayName(LocalizedText.english(tag.browseName()))
            .setDescription(LocalizedText.english(tag.description()))
            .setDataType(tag.type().dataType())
            .setTypeDefinition(analog ? NodeIds.BaseAnalogType : NodeIds.BaseDataVariableType)
            .setAccessLevel(access)
            .setUserAccessLevel(access)
            .setMinimumSamplingInterval(samplingMs)
            .setValue(new DataValue(new Variant(initial), StatusCode.GOOD, now, now))
            .build();
    getNodeManager().addNode(node);
    PlantTag.Unit unit = tag.unit();
    if (unit != null) {
      node.setProperty(
          BaseAnalogType.ENGINEERING_UNITS,
          new EUInformation(
              UNITS_URI,
              unit.unitId(),
              LocalizedText.english(unit.symbol()),
              LocalizedText.english(unit.description())));
    }
    Range range = euRange(tag);
    if (range != null) {
      node.setProperty(BaseAnalogType.EU_RANGE, range);
    }
    return node;
  }

  private static Range euRange(PlantTag tag) {
    return switch (tag) {
      case TANK1_LEVEL, TANK2_LEVEL -> new Range(0.0, PlantModel.MAX_LEVEL_M);
      case PUMP1_SPEED -> new Range(0.0, 100.0);
      default -> null;
    };
  }
}
