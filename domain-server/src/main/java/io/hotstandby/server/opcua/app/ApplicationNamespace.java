package io.hotstandby.server.opcua.app;

import io.hotstandby.opcua.SampledNamespace;
import io.hotstandby.runtime.project.TagSpec;
import io.hotstandby.runtime.tags.TagValue;
import io.hotstandby.server.opcua.AccessPolicy;
import io.hotstandby.server.opcua.SessionUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.methods.MethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.model.variables.AnalogUnitType;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilters;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DiagnosticInfo;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application namespace ({@value #URI}): the runtime's tags and alarms, seen through an {@link
 * ApplicationView}.
 *
 * <p>Address space (string NodeIds; clients may hard-code them):
 *
 * <ul>
 *   <li>{@code Objects/Application} (folder {@code Application}); below it one folder per dotted
 *       part of a tag path and the tag's variable: {@code Tank1.Level} is the variable {@code
 *       Level} (NodeId {@code Tank1.Level}) in the folder {@code Tank1} (NodeId {@code Tank1}).
 *       DataType Boolean/Int32/Int64/Double/String from the tag type, an EngineeringUnits property
 *       when the tag has a unit, Value with the tag's quality (Good/Uncertain/Bad) and the
 *       runtime's source and server timestamps, updated on every change the view reports.
 *   <li>{@code Objects/Application/Alarms} (folder {@code Alarms}) with the method {@code
 *       Alarms.Acknowledge(Name, Comment) -> (Ok, Status)} and one object per alarm ({@code
 *       Alarms.<name>}) with the variables Active, Acknowledged, Severity (UInt16), Message, Limit,
 *       Tag, EventId (ByteString, {@link AlarmIdentity}), AckUser, AckComment and AckTime (null
 *       until acknowledged) ({@code Alarms.<name>.Active} ...).
 * </ul>
 *
 * <p>Tags whose first path part is {@code Application} or {@code Alarms}, or whose path clashes
 * with another tag's folder, are left out with a warning in the log.
 *
 * <p>Writes: a write to a tag's Value needs the Operator role ({@link AccessPolicy}); a session
 * without it gets Bad_UserAccessDenied for that value, and the refusal is in the audit log. An
 * allowed write to a writable tag goes to {@link ApplicationView#write} with the session's user;
 * the client's Write call waits for the outcome up to the write timeout and gets Good, or a Bad
 * status chosen from the outcome's text (a standby's {@code refused: this server is not ACTIVE} is
 * Bad_InvalidState), with the text as the operation's DiagnosticInfo AdditionalInfo. A read-only
 * tag or alarm variable answers Bad_NotWritable; a value of another type Bad_TypeMismatch; no
 * outcome in time Bad_Timeout (the write may still complete).
 *
 * <p>Alarms & Conditions: every alarm state change is also an AlarmConditionType event from the
 * Server object ({@link AlarmEvents}) whose EventId and ConditionId ({@code Alarms.<name>}) are the
 * same on every server holding that state; ConditionType's ConditionRefresh and ConditionRefresh2
 * replay the retained alarms to the caller's subscription ({@link AlarmRefreshMethods});
 * AcknowledgeableConditionType's Acknowledge on an alarm's object acknowledges it ({@link
 * ConditionAcknowledgeMethod}); {@link #announceRefreshRequired} posts a RefreshRequiredEventType
 * event.
 */
public final class ApplicationNamespace extends SampledNamespace {
  public static final String URI = "urn:hotstandby:application";

  /** How long a client's write waits for the runtime's outcome unless told otherwise. */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(5);

  static final String ROOT = "Application";
  static final String ALARMS = "Alarms";

  private static final Logger log = LoggerFactory.getLogger(ApplicationNamespace.class);

  // Values change only when the view reports; sampling faster than this buys nothing.
  private static final double MIN_SAMPLING_MS = 50.0;

  /*
   * Milo's access check answers Bad_UserAccessDenied, before the node's AccessLevel is looked at,
   * whenever UserAccessLevel lacks CurrentWrite. UserAccessLevel therefore grants read and write,
   * so that a read-only tag answers Bad_NotWritable as OPC UA asks; the session's role is checked
   * by writeLater (the AccessPolicy), which every tag write goes through.
   */
  private static final AccessLevel[] USER_ACCESS = {
    AccessLevel.CurrentRead, AccessLevel.CurrentWrite
  };

  private record Tag(TagSpec spec, UaVariableNode node) {}

  private final ApplicationView view;
  private final Duration writeTimeout;
  private final AccessPolicy access;
  private final AlarmEvents events;
  private volatile ConditionAcknowledgeMethod conditionAcknowledge;

  // Filled once while holding buildLock, only read afterwards.
  private final Map<String, Tag> tagsByPath = new ConcurrentHashMap<>();
  private final Map<NodeId, Tag> tagsByNode = new ConcurrentHashMap<>();
  private final Map<String, List<UaVariableNode>> alarmsByName = new ConcurrentHashMap<>();

  // Changes reported before the nodes exist; guarded by buildLock, used until built.
  private final Object buildLock = new Object();
  private final Map<String, TagValue> earlyTags = new HashMap<>();
  private final Map<String, AlarmView> earlyAlarms = new HashMap<>();
  private volatile boolean built;
  private volatile boolean closed;

  /**
   * The namespace is registered with {@code server} now; its nodes are built from {@code view} and
   * its listeners added when {@link #startup} is called.
   *
   * @param writeTimeout how long a client's write waits for {@link ApplicationView#write}
   * @param access who may write and acknowledge
   */
  public ApplicationNamespace(
      OpcUaServer server, ApplicationView view, Duration writeTimeout, AccessPolicy access) {
    super(server, URI);
    this.view = Objects.requireNonNull(view, "view");
    this.writeTimeout = Objects.requireNonNull(writeTimeout, "writeTimeout");
    this.access = Objects.requireNonNull(access, "access");
    this.events =
        new AlarmEvents(
            server,
            getNamespaceIndex().intValue(),
            name -> newNodeId(ALARMS + "." + name),
            this::sourceOf);
    getLifecycleManager().addStartupTask(this::build);
    getLifecycleManager()
        .addShutdownTask(
            () -> {
              closed = true;
              events.close();
            });
  }

  // region building

  private void build() {
    // Listen first, then read: a change reported before the nodes exist is kept (the latest per
    // tag) and shown instead of the value read, so nothing between reading and listening is lost.
    // The view is never called while buildLock is held: a runtime that notifies under its own lock
    // must not wait for us while we wait for it.
    view.addTagListener(this::onTagChange);
    view.addAlarmListener(this::onAlarmChange);
    List<TagSpec> specs = listSafely("tags", view::tags);
    Map<String, TagValue> values = new HashMap<>();
    for (TagSpec spec : specs) {
      if (spec != null && spec.path() != null) {
        values.put(spec.path(), readSafely(spec.path()));
      }
    }
    List<AlarmView> alarmViews = listSafely("alarms", view::alarms);
    synchronized (buildLock) {
      try {
        values.putAll(earlyTags);
        alarmViews =
            alarmViews.stream()
                .map(
                    a ->
                        a != null && earlyAlarms.containsKey(a.name())
                            ? earlyAlarms.get(a.name())
                            : a)
                .toList();
        UaFolderNode root = folder(ROOT, ROOT);
        root.addReference(
            new Reference(
                root.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
        // Created before the tags so that a tag folder cannot take its NodeId.
        UaFolderNode alarms = folder(ALARMS, ALARMS);
        Map<String, UaFolderNode> folders = new HashMap<>();
        for (TagSpec spec : specs) {
          if (spec != null) {
            addTag(root, folders, spec, values.get(spec.path()));
          }
        }
        root.addOrganizes(alarms);
        AcknowledgeMethod.addTo(
            alarms,
            newNodeId(ALARMS + ".Acknowledge"),
            newQualifiedName("Acknowledge"),
            view,
            access);
        for (AlarmView alarm : alarmViews) {
          if (alarm != null) {
            addAlarm(alarms, alarm);
          }
        }
        AlarmRefreshMethods.install(getServer(), events);
        conditionAcknowledge =
            ConditionAcknowledgeMethod.create(getServer(), this::alarmOf, events, view, access);
        log.info(
            "OPC UA application namespace: {} tags, {} alarms",
            tagsByPath.size(),
            alarmsByName.size());
      } finally {
        built = true;
        earlyTags.clear();
        earlyAlarms.clear();
      }
    }
  }

  private <T> List<T> listSafely(String what, Supplier<List<T>> get) {
    try {
      List<T> list = get.get();
      return list == null ? List.of() : new ArrayList<>(list);
    } catch (RuntimeException e) {
      log.error("OPC UA application namespace: cannot list the {}: {}", what, e.toString());
      return List.of();
    }
  }

  private void addTag(
      UaFolderNode root, Map<String, UaFolderNode> folders, TagSpec spec, TagValue value) {
    String path = spec.path();
    String problem = tagProblem(spec, folders);
    if (problem != null) {
      log.warn("OPC UA application namespace: tag {} left out: {}", path, problem);
      return;
    }
    String[] parts = path.split("\\.", -1);
    UaFolderNode parent = root;
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      if (i > 0) {
        prefix.append('.');
      }
      prefix.append(parts[i]);
      String id = prefix.toString();
      UaFolderNode folder = folders.get(id);
      if (folder == null) {
        folder = folder(id, parts[i]);
        parent.addOrganizes(folder);
        folders.put(id, folder);
      }
      parent = folder;
    }
    String name = parts[parts.length - 1];
    DataValue initial = AppMapping.toDataValue(spec.type(), value);
    UaVariableNode node =
        new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
            .setNodeId(newNodeId(path))
            .setBrowseName(newQualifiedName(name))
            .setDisplayName(LocalizedText.english(name))
            .setDataType(AppMapping.dataType(spec.type()))
            .setValueRank(ValueRanks.Scalar)
            .setTypeDefinition(NodeIds.BaseDataVariableType)
            .setAccessLevel(spec.writable() ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
            .setUserAccessLevel(USER_ACCESS)
            .setMinimumSamplingInterval(MIN_SAMPLING_MS)
            .setValue(initial)
            .build();
    // Milo stamps a stored value's ServerTimestamp with the time of the read; the runtime's own
    // server time (when it received the value) is kept instead.
    var current = new AtomicReference<>(initial);
    node.getFilterChain()
        .addLast(AttributeFilters.getSetValue(ctx -> current.get(), (ctx, v) -> current.set(v)));
    getNodeManager().addNode(node);
    parent.addOrganizes(node);
    if (spec.unit() != null && !spec.unit().isBlank()) {
      // No UNECE code is known for a free-text unit: unitId -1, namespace empty.
      node.setProperty(
          AnalogUnitType.ENGINEERING_UNITS,
          new EUInformation(
              "", -1, LocalizedText.english(spec.unit()), LocalizedText.english(spec.unit())));
    }
    Tag tag = new Tag(spec, node);
    tagsByPath.put(path, tag);
    tagsByNode.put(node.getNodeId(), tag);
  }

  /** Why the tag cannot be shown, or null. */
  private String tagProblem(TagSpec spec, Map<String, UaFolderNode> folders) {
    String path = spec.path();
    if (path == null || path.isEmpty()) {
      return "no path";
    }
    if (spec.type() == null) {
      return "no type";
    }
    String[] parts = path.split("\\.", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        return "empty part in the path";
      }
    }
    if (parts[0].equals(ROOT) || parts[0].equals(ALARMS)) {
      return "'" + parts[0] + "' is reserved at the top of the application namespace";
    }
    String prefix = "";
    for (int i = 0; i < parts.length - 1; i++) {
      prefix = i == 0 ? parts[0] : prefix + "." + parts[i];
      if (!folders.containsKey(prefix) && getNodeManager().containsNode(newNodeId(prefix))) {
        return "'" + prefix + "' is a tag, not a folder";
      }
    }
    if (folders.containsKey(path)) {
      return "it is also the folder of other tags";
    }
    if (getNodeManager().containsNode(newNodeId(path))) {
      return "declared twice";
    }
    return null;
  }

  private TagValue readSafely(String path) {
    try {
      return view.read(path);
    } catch (RuntimeException e) {
      log.warn("OPC UA application namespace: cannot read tag {}: {}", path, e.toString());
      return null;
    }
  }

  private void addAlarm(UaFolderNode alarms, AlarmView alarm) {
    if (alarm.name() == null || alarm.name().isEmpty()) {
      log.warn("OPC UA application namespace: an alarm without a name left out");
      return;
    }
    String objectId = ALARMS + "." + alarm.name();
    boolean clash =
        alarmsByName.containsKey(alarm.name())
            || getNodeManager().containsNode(newNodeId(objectId))
            || AlarmVariable.ALL.stream()
                .anyMatch(v -> getNodeManager().containsNode(newNodeId(objectId + "." + v.name())));
    if (clash) {
      log.warn(
          "OPC UA application namespace: alarm '{}' left out: declared twice, or its NodeIds clash"
              + " with another alarm's",
          alarm.name());
      return;
    }
    UaObjectNode object =
        new UaObjectNode.UaObjectNodeBuilder(getNodeContext())
            .setNodeId(newNodeId(objectId))
            .setBrowseName(newQualifiedName(alarm.name()))
            .setDisplayName(LocalizedText.english(alarm.name()))
            .setDescription(LocalizedText.english(text(alarm.message())))
            .setTypeDefinition(NodeIds.BaseObjectType)
            .build();
    getNodeManager().addNode(object);
    alarms.addOrganizes(object);
    List<UaVariableNode> vars = new ArrayList<>(AlarmVariable.ALL.size());
    for (AlarmVariable v : AlarmVariable.ALL) {
      UaVariableNode node =
          new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
              .setNodeId(newNodeId(objectId + "." + v.name()))
              .setBrowseName(newQualifiedName(v.name()))
              .setDisplayName(LocalizedText.english(v.name()))
              .setDataType(v.type())
              .setValueRank(ValueRanks.Scalar)
              .setTypeDefinition(NodeIds.BaseDataVariableType)
              .setAccessLevel(AccessLevel.READ_ONLY)
              .setUserAccessLevel(USER_ACCESS)
              .setMinimumSamplingInterval(MIN_SAMPLING_MS)
              .setValue(new DataValue(new Variant(v.get().apply(alarm))))
              .build();
      getNodeManager().addNode(node);
      object.addComponent(node);
      vars.add(node);
    }
    alarmsByName.put(alarm.name(), List.copyOf(vars));
    events.known(alarm);
  }

  /** The name of the alarm whose object (ConditionId) {@code id} is, or null. */
  private String alarmOf(NodeId id) {
    String prefix = ALARMS + ".";
    return id != null
            && id.getNamespaceIndex().equals(getNamespaceIndex())
            && id.getIdentifier() instanceof String s
            && s.startsWith(prefix)
            && alarmsByName.containsKey(s.substring(prefix.length()))
        ? s.substring(prefix.length())
        : null;
  }

  /**
   * AcknowledgeableConditionType's Acknowledge on an alarm's object is {@link
   * ConditionAcknowledgeMethod}; other calls as usual.
   */
  @Override
  protected MethodInvocationHandler getInvocationHandler(NodeId objectId, NodeId methodId)
      throws UaException {
    ConditionAcknowledgeMethod ack = conditionAcknowledge;
    if (ack != null
        && NodeIds.AcknowledgeableConditionType_Acknowledge.equals(methodId)
        && alarmOf(objectId) != null) {
      return ack;
    }
    return super.getInvocationHandler(objectId, methodId);
  }

  /** The SourceNode of an alarm's events: its tag's variable, or its own object. */
  private NodeId sourceOf(AlarmView alarm) {
    Tag tag = alarm.tag() == null ? null : tagsByPath.get(alarm.tag());
    return tag != null ? tag.node().getNodeId() : newNodeId(ALARMS + "." + alarm.name());
  }

  private UaFolderNode folder(String id, String name) {
    UaFolderNode folder =
        new UaFolderNode(
            getNodeContext(), newNodeId(id), newQualifiedName(name), LocalizedText.english(name));
    getNodeManager().addNode(folder);
    return folder;
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }

  // endregion

  // region live updates

  private void onTagChange(String path, TagValue value) {
    if (!built) {
      synchronized (buildLock) {
        if (!built) {
          earlyTags.put(path, value);
          return;
        }
      }
    }
    try {
      Tag tag = closed || path == null ? null : tagsByPath.get(path);
      if (tag != null) {
        tag.node().setValue(AppMapping.toDataValue(tag.spec().type(), value));
      }
    } catch (RuntimeException e) {
      log.warn("OPC UA application namespace: cannot show tag {}: {}", path, e.toString());
    }
  }

  private void onAlarmChange(AlarmView alarm) {
    if (alarm == null) {
      return;
    }
    if (!built) {
      synchronized (buildLock) {
        if (!built) {
          earlyAlarms.put(alarm.name(), alarm);
          return;
        }
      }
    }
    try {
      List<UaVariableNode> vars =
          closed || alarm.name() == null ? null : alarmsByName.get(alarm.name());
      if (vars == null) {
        return;
      }
      for (int i = 0; i < vars.size(); i++) {
        Object value = AlarmVariable.ALL.get(i).get().apply(alarm);
        UaVariableNode node = vars.get(i);
        if (!Objects.equals(node.getValue().value().value(), value)) {
          node.setValue(new DataValue(new Variant(value)));
        }
      }
      events.changed(alarm);
    } catch (RuntimeException e) {
      log.warn("OPC UA application namespace: cannot show alarm {}: {}", alarm, e.toString());
    }
  }

  /**
   * Tells clients with an event subscription that the alarm states they were shown may be stale and
   * they should call ConditionRefresh (a RefreshRequiredEvent, OPC UA Part 9): for a server that
   * has just become ACTIVE after being something else, whose clients may have followed another.
   */
  public void announceRefreshRequired() {
    if (built && !closed) {
      events.announceRefreshRequired();
    }
  }

  // endregion

  // region writes

  /**
   * Tag Value writes go to the view, all of one request at once; anything else is Milo's ordinary
   * write (which refuses every other write here with Bad_NotWritable). This synchronous form waits
   * on the calling thread; the endpoint answers writes through {@link #writeLater} instead.
   */
  @Override
  public List<StatusCode> write(WriteContext context, List<WriteValue> writeValues) {
    return writeLater(context, writeValues).join();
  }

  /** Whether {@code wv} is a write of a tag's Value, which {@link #writeLater} answers later. */
  public boolean answersLater(WriteValue wv) {
    return tagsByNode.containsKey(wv.getNodeId())
        && AttributeId.Value.uid().equals(wv.getAttributeId());
  }

  /**
   * Starts the writes of one request at once and answers when every outcome is in, or when the
   * write timeout has passed: no thread waits meanwhile.
   */
  public CompletableFuture<List<StatusCode>> writeLater(
      WriteContext context, List<WriteValue> writeValues) {
    StatusCode[] results = new StatusCode[writeValues.size()];
    List<Integer> others = new ArrayList<>();
    Map<Integer, CompletableFuture<WriteAnswer>> pending = new HashMap<>();
    SessionUser user = null;
    for (int i = 0; i < writeValues.size(); i++) {
      WriteValue wv = writeValues.get(i);
      Tag tag = tagsByNode.get(wv.getNodeId());
      if (tag == null || !AttributeId.Value.uid().equals(wv.getAttributeId())) {
        others.add(i);
        continue;
      }
      DataValue written = wv.getValue();
      Object asked = written == null ? null : written.value().value();
      if (user == null) {
        user = access.userOf(context.getSession());
      }
      if (!access.decide(user, AccessPolicy.Action.WRITE, tag.spec().path(), asked).allowed()) {
        results[i] = new StatusCode(StatusCodes.Bad_UserAccessDenied);
        continue;
      }
      if (wv.getIndexRange() != null && !wv.getIndexRange().isEmpty()) {
        results[i] = new StatusCode(StatusCodes.Bad_IndexRangeInvalid);
        continue;
      }
      if (!tag.spec().writable()) {
        results[i] = new StatusCode(StatusCodes.Bad_NotWritable);
        continue;
      }
      Object value = asked == null ? null : AppMapping.fromClient(tag.spec().type(), asked);
      if (value == null) {
        results[i] = new StatusCode(StatusCodes.Bad_TypeMismatch);
        continue;
      }
      String path = tag.spec().path();
      pending.put(i, WriteAnswer.of(path, startWrite(path, value, user), writeTimeout));
    }
    if (!others.isEmpty()) {
      List<StatusCode> r = super.write(context, others.stream().map(writeValues::get).toList());
      for (int j = 0; j < others.size(); j++) {
        results[others.get(j)] = r.get(j);
      }
    }
    return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              pending.forEach(
                  (i, future) -> {
                    WriteAnswer f = future.join();
                    results[i] = f.status();
                    if (f.text() != null) {
                      context
                          .getDiagnosticsContext()
                          .getDiagnosticsMap()
                          .put(
                              writeValues.get(i),
                              new DiagnosticInfo(-1, -1, -1, -1, f.text(), null, null));
                    }
                  });
              return List.of(results);
            });
  }

  private CompletableFuture<WriteOutcome> startWrite(String path, Object value, SessionUser user) {
    try {
      CompletableFuture<WriteOutcome> f = view.write(path, value, user);
      return f != null ? f : CompletableFuture.failedFuture(new IllegalStateException("no answer"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // endregion
}
