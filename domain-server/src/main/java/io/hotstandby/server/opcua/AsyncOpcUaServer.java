package io.hotstandby.server.opcua;

import static org.eclipse.milo.opcua.sdk.server.servicesets.AbstractServiceSet.createResponseHeader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import org.eclipse.milo.opcua.sdk.server.AddressSpace.CallContext;
import org.eclipse.milo.opcua.sdk.server.AddressSpace.WriteContext;
import org.eclipse.milo.opcua.sdk.server.DiagnosticsContext;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.servicesets.Service;
import org.eclipse.milo.opcua.sdk.server.servicesets.impl.AccessController.AccessResult;
import org.eclipse.milo.opcua.sdk.server.servicesets.impl.DefaultAttributeServiceSet;
import org.eclipse.milo.opcua.sdk.server.servicesets.impl.DefaultMethodServiceSet;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.UaRequestMessageType;
import org.eclipse.milo.opcua.stack.core.types.UaResponseMessageType;
import org.eclipse.milo.opcua.stack.core.types.builtin.DiagnosticInfo;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.CallRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.RequestHeader;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.core.util.Lists;
import org.eclipse.milo.opcua.stack.transport.server.OpcServerTransportFactory;
import org.eclipse.milo.opcua.stack.transport.server.ServiceRequestContext;

/**
 * Milo's server, with methods that are answered later: a Call that includes one of the {@link
 * #register}ed methods is answered when their futures complete, and the Milo thread that took it is
 * free at once. Milo 1.1.2's {@code MethodInvocationHandler.invoke} returns its result
 * synchronously, and so does the default method service set; the one asynchronous path is a service
 * handler implementing {@code AbstractServiceHandler.AsyncServiceHandler}, whose future the
 * server's request dispatch completes the response with. This class registers such a handler for
 * the Call service; calls to other methods go to Milo's own method service set as before.
 *
 * <p>Operations answered later (tag writes waiting for the runtime, such method calls) hold no
 * thread but a little memory each; at most {@link #MAX_PENDING} may be outstanding, all sessions
 * together. A request that would exceed it is answered at once with {@code Bad_TooManyOperations}
 * and nothing of it is done, so a client that writes faster than the plant answers cannot pile up
 * work without bound. Every such operation ends by its own timeout (the write timeout, the method's
 * wait), which gives its place back.
 */
final class AsyncOpcUaServer extends OpcUaServer {

  /** A method whose answer comes later. */
  @FunctionalInterface
  interface AsyncMethod {
    /**
     * @param session the caller's session
     * @param inputs the input arguments as sent (checked by the method itself)
     * @return the output arguments; a {@link UaException} makes the call's status
     */
    CompletableFuture<Variant[]> call(Session session, Variant[] inputs);
  }

  /** Writes whose answer comes later. */
  interface AsyncWriter {
    /** Whether this writer answers {@code value}. */
    boolean answersLater(WriteValue value);

    /** The status of each of {@code values}, in order. */
    CompletableFuture<List<StatusCode>> writeLater(WriteContext context, List<WriteValue> values);
  }

  /** Operations answered later that may be outstanding at once, all sessions together. */
  static final int MAX_PENDING = 1000;

  private final Map<NodeId, AsyncMethod> methods = new ConcurrentHashMap<>();
  private final Semaphore pending = new Semaphore(MAX_PENDING);
  private final List<AsyncWriter> writers = new CopyOnWriteArrayList<>();

  AsyncOpcUaServer(OpcUaServerConfig config, OpcServerTransportFactory transports) {
    super(config, transports);
    DefaultMethodServiceSet ordinaryCalls = new DefaultMethodServiceSet(this);
    DefaultAttributeServiceSet ordinaryWrites = new DefaultAttributeServiceSet(this);
    config.getEndpoints().stream()
        .map(e -> EndpointUtil.getPath(e.getEndpointUrl()))
        .distinct()
        .filter(path -> !path.endsWith("/discovery"))
        .forEach(
            path -> {
              addServiceHandler(path, Service.METHOD_CALL, new AsyncCall(ordinaryCalls));
              addServiceHandler(path, Service.ATTRIBUTE_WRITE, new AsyncWrite(ordinaryWrites));
            });
  }

  /** Answers the writes {@code writer} says it answers. */
  void registerWriter(AsyncWriter writer) {
    writers.add(writer);
  }

  /** Stops answering writes through {@code writer} (its namespace is gone). */
  void unregisterWriter(AsyncWriter writer) {
    writers.remove(writer);
  }

  private AsyncWriter writerOf(WriteValue value) {
    for (AsyncWriter w : writers) {
      if (w.answersLater(value)) {
        return w;
      }
    }
    return null;
  }

  private final class AsyncWrite implements AsyncServiceHandler {
    private final DefaultAttributeServiceSet ordinary;

    AsyncWrite(DefaultAttributeServiceSet ordinary) {
      this.ordinary = ordinary;
    }

    @Override
    public CompletableFuture<UaResponseMessageType> handleAsync(
        ServiceRequestContext context, UaRequestMessageType message) {
      WriteRequest request = (WriteRequest) message;
      List<WriteValue> values = Lists.ofNullable(request.getNodesToWrite());
      try {
        if (values.stream().allMatch(v -> writerOf(v) == null)) {
          return CompletableFuture.completedFuture(ordinary.onWrite(context, request));
        }
        return write(context, request, values);
      } catch (UaException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    private CompletableFuture<UaResponseMessageType> write(
        ServiceRequestContext context, WriteRequest request, List<WriteValue> values)
        throws UaException {
      Session session =
          sessionOf(
              context,
              request.getRequestHeader(),
              values.size(),
              getConfig().getLimits().getMaxNodesPerWrite().longValue());
      Map<WriteValue, AccessResult> access =
          getAccessController().checkWriteAccess(session, values);
      var diagnostics = new DiagnosticsContext<WriteValue>();
      var writeContext =
          new WriteContext(
              AsyncOpcUaServer.this,
              session,
              diagnostics,
              request.getRequestHeader().getAuditEntryId(),
              request.getRequestHeader().getTimeoutHint(),
              request.getRequestHeader().getAdditionalHeader());
      StatusCode[] results = new StatusCode[values.size()];
      // Each writer gets its values in one list, as Milo groups a namespace's values.
      Map<AsyncWriter, List<Integer>> later = new LinkedHashMap<>();
      List<Integer> now = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        WriteValue v = values.get(i);
        AsyncWriter w = writerOf(v);
        if (access.get(v) instanceof AccessResult.Denied denied) {
          results[i] = denied.statusCode();
        } else if (w != null) {
          later.computeIfAbsent(w, k -> new ArrayList<>()).add(i);
        } else {
          now.add(i);
        }
      }
      int held = later.values().stream().mapToInt(List::size).sum();
      reserve(held);
      List<CompletableFuture<Void>> answers = new ArrayList<>();
      try {
        if (!now.isEmpty()) {
          List<StatusCode> r =
              getAddressSpaceManager().write(writeContext, now.stream().map(values::get).toList());
          for (int j = 0; j < now.size(); j++) {
            results[now.get(j)] = r.get(j);
          }
        }
        later.forEach(
            (w, indexes) ->
                answers.add(
                    w.writeLater(writeContext, indexes.stream().map(values::get).toList())
                        .thenAccept(
                            r -> {
                              for (int j = 0; j < indexes.size(); j++) {
                                results[indexes.get(j)] = r.get(j);
                              }
                            })));
      } catch (RuntimeException e) {
        pending.release(held); // no answer will give the places back
        throw e;
      }
      session.getSessionDiagnostics().getWriteCount().incrementTotalCount();
      session.getSessionDiagnostics().getTotalRequestCount().incrementTotalCount();
      return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
          .whenComplete((x, e) -> pending.release(held))
          .thenApply(
              x ->
                  new WriteResponse(
                      createResponseHeader(request),
                      results,
                      diagnostics.getDiagnosticInfos(values)));
    }
  }

  /**
   * The session a request belongs to, once its number of operations is within the server's limit
   * for the service, as Milo's own service sets check it.
   */
  private Session sessionOf(
      ServiceRequestContext context, RequestHeader header, int operations, long limit)
      throws UaException {
    Session session = getSessionManager().getSession(context, header);
    if (operations > limit) {
      throw new UaException(StatusCodes.Bad_TooManyOperations);
    }
    return session;
  }

  /** Takes {@code n} places among the pending operations, or refuses the whole request. */
  private void reserve(int n) throws UaException {
    if (n > 0 && !pending.tryAcquire(n)) {
      throw new UaException(
          StatusCodes.Bad_TooManyOperations,
          MAX_PENDING + " operations are waiting for an answer already; try again later");
    }
  }

  /** Answers calls of {@code methodId} through {@code method}. */
  void register(NodeId methodId, AsyncMethod method) {
    methods.put(methodId, method);
  }

  private final class AsyncCall implements AsyncServiceHandler {
    private final DefaultMethodServiceSet ordinary;

    AsyncCall(DefaultMethodServiceSet ordinary) {
      this.ordinary = ordinary;
    }

    @Override
    public CompletableFuture<UaResponseMessageType> handleAsync(
        ServiceRequestContext context, UaRequestMessageType message) {
      CallRequest request = (CallRequest) message;
      List<CallMethodRequest> calls = Lists.ofNullable(request.getMethodsToCall());
      try {
        if (calls.stream().noneMatch(c -> methods.containsKey(c.getMethodId()))) {
          return CompletableFuture.completedFuture(ordinary.onCall(context, request));
        }
        return call(context, request, calls);
      } catch (UaException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    private CompletableFuture<UaResponseMessageType> call(
        ServiceRequestContext context, CallRequest request, List<CallMethodRequest> calls)
        throws UaException {
      Session session =
          sessionOf(
              context,
              request.getRequestHeader(),
              calls.size(),
              getConfig().getLimits().getMaxNodesPerMethodCall().longValue());
      Map<CallMethodRequest, AccessResult> access =
          getAccessController().checkCallAccess(session, calls);
      // One context for the ordinary calls of the request, so their diagnostics reach the client.
      var diagnostics = new DiagnosticsContext<CallMethodRequest>();
      var callContext =
          new CallContext(
              AsyncOpcUaServer.this,
              session,
              diagnostics,
              request.getRequestHeader().getAuditEntryId(),
              request.getRequestHeader().getTimeoutHint(),
              request.getRequestHeader().getAdditionalHeader());
      int held =
          (int)
              calls.stream()
                  .filter(
                      c ->
                          methods.containsKey(c.getMethodId())
                              && !(access.get(c) instanceof AccessResult.Denied))
                  .count();
      reserve(held);
      List<CompletableFuture<CallMethodResult>> results = new ArrayList<>();
      try {
        for (CallMethodRequest c : calls) {
          AsyncMethod method = methods.get(c.getMethodId());
          if (access.get(c) instanceof AccessResult.Denied denied) {
            results.add(CompletableFuture.completedFuture(result(denied.statusCode())));
          } else if (method != null) {
            results.add(callLater(method, session, c));
          } else {
            results.add(
                CompletableFuture.completedFuture(
                    getAddressSpaceManager().call(callContext, List.of(c)).get(0)));
          }
        }
      } catch (RuntimeException e) {
        pending.release(held); // no answer will give the places back
        throw e;
      }
      session.getSessionDiagnostics().getCallCount().incrementTotalCount();
      session.getSessionDiagnostics().getTotalRequestCount().incrementTotalCount();
      return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
          .whenComplete((x, e) -> pending.release(held))
          .thenApply(
              x ->
                  new CallResponse(
                      createResponseHeader(request),
                      results.stream()
                          .map(CompletableFuture::join)
                          .toArray(CallMethodResult[]::new),
                      diagnostics.getDiagnosticInfos(calls)));
    }

    private CompletableFuture<CallMethodResult> callLater(
        AsyncMethod method, Session session, CallMethodRequest c) {
      Variant[] inputs = c.getInputArguments() == null ? new Variant[0] : c.getInputArguments();
      CompletableFuture<Variant[]> outputs;
      try {
        outputs = method.call(session, inputs);
      } catch (RuntimeException e) {
        outputs = CompletableFuture.failedFuture(e);
      }
      return outputs.handle(
          (out, e) -> {
            if (e == null) {
              return new CallMethodResult(
                  StatusCode.GOOD, new StatusCode[0], new DiagnosticInfo[0], out);
            }
            Throwable cause =
                e.getCause() != null && !(e instanceof UaException) ? e.getCause() : e;
            return result(
                cause instanceof UaException ua
                    ? ua.getStatusCode()
                    : new StatusCode(StatusCodes.Bad_InternalError));
          });
    }

    private static CallMethodResult result(StatusCode status) {
      return new CallMethodResult(status, new StatusCode[0], new DiagnosticInfo[0], new Variant[0]);
    }
  }
}
