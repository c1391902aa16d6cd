package io.hotstandby.runtime.driver.opcua;

import io.hotstandby.domain.Sha256;
import io.hotstandby.opcua.SampledNamespace;
import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfigBuilder;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

/**
 * A tiny in-process OPC UA server on loopback standing in for a PLC: SecurityPolicy None (and on
 * request Basic256Sha256, trusting every client certificate), anonymous or {@value #USER}/{@value
 * #PASSWORD}, namespace {@value #NAMESPACE_URI} with a few variables (string NodeIds). It announces
 * the host name {@value #ADVERTISED_HOST}, which does not resolve, so only a client that rewrites
 * the endpoint host can connect.
 */
final class TestPlcServer implements AutoCloseable {
  static final String NAMESPACE_URI = "urn:hotstandby:test:plc";
  static final String APPLICATION_URI = "urn:hotstandby:test:plc-server";
  static final String ADVERTISED_HOST = "plc.invalid";
  static final String USER = "operator";
  static final String PASSWORD = "secret";

  // The password travels in clear text, as over SecurityPolicy None it would anyway.
  private static final UserTokenPolicy PLAIN_USER_NAME =
      new UserTokenPolicy("username", UserTokenType.UserName, null, null, null);

  /** NodeId string (namespace {@value #NAMESPACE_URI}) → data type and initial value. */
  private static final Map<String, Object[]> VARIABLES =
      Map.of(
          "Tank1.Level", new Object[] {NodeIds.Double, 1.5, AccessLevel.READ_WRITE},
          "Pump1.Running", new Object[] {NodeIds.Boolean, false, AccessLevel.READ_WRITE},
          "Counter", new Object[] {NodeIds.Int32, 0, AccessLevel.READ_WRITE},
          "Total", new Object[] {NodeIds.Int64, 0L, AccessLevel.READ_WRITE},
          "Label", new Object[] {NodeIds.String, "idle", AccessLevel.READ_WRITE},
          "Fixed", new Object[] {NodeIds.Double, 42.0, AccessLevel.READ_ONLY});

  private final int port;
  private final OpcUaServer server;
  private final PlcNamespace namespace;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<X509Certificate> clientCertificates = new CopyOnWriteArrayList<>();
  private X509Certificate certificate;

  private TestPlcServer(int port, boolean secure) throws Exception {
    this.port = port;
    Set<EndpointConfig> endpoints = new LinkedHashSet<>();
    endpoints.add(
        endpoint(port)
            .setSecurityPolicy(SecurityPolicy.None)
            .setSecurityMode(MessageSecurityMode.None)
            .addTokenPolicy(PLAIN_USER_NAME)
            .build());
    OpcUaServerConfigBuilder config =
        OpcUaServerConfig.builder()
            .setApplicationUri(APPLICATION_URI)
            .setApplicationName(LocalizedText.english("test PLC"))
            .setProductUri("urn:hotstandby:test")
            .setIdentityValidator(
                new CompositeValidator(
                    AnonymousIdentityValidator.INSTANCE,
                    new UsernameIdentityValidator(
                        c -> USER.equals(c.getUsername()) && PASSWORD.equals(c.getPassword()))));
    if (secure) {
      CertificateGroup certificates = inMemoryCertificates(clientCertificates);
      certificate =
          certificates.getCertificateChain(NodeIds.RsaSha256ApplicationCertificateType)
              .orElseThrow()[0];
      for (MessageSecurityMode mode :
          List.of(MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt)) {
        endpoints.add(
            endpoint(port)
                .setCertificate(certificate)
                .setSecurityPolicy(SecurityPolicy.Basic256Sha256)
                .setSecurityMode(mode)
                // Milo's server wants the token's own policy named when it decrypts a password.
                .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME)
                .build());
      }
      config.setCertificateManager(
          new DefaultCertificateManager(new MemoryCertificateQuarantine(), certificates));
    }
    server =
        new OpcUaServer(
            config.setEndpoints(endpoints).build(),
            profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
    namespace = new PlcNamespace(server);
    namespace.startup();
  }

  private static EndpointConfig.Builder endpoint(int port) {
    return EndpointConfig.newBuilder()
        .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
        .setBindAddress("127.0.0.1")
        .setBindPort(port)
        .setHostname(ADVERTISED_HOST)
        .setPath("/plc")
        .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS);
  }

  /**
   * A self-signed server certificate in memory; every client certificate is accepted, and kept in
   * {@code seen}.
   */
  private static CertificateGroup inMemoryCertificates(List<X509Certificate> seen)
      throws Exception {
    var factory =
        new RsaSha256CertificateFactory() {
          @Override
          protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair)
              throws Exception {
            return new X509Certificate[] {
              new SelfSignedCertificateBuilder(keyPair)
                  .setCommonName("test PLC")
                  .setApplicationUri(APPLICATION_URI)
                  .addDnsName(ADVERTISED_HOST)
                  .addIpAddress("127.0.0.1")
                  .build()
            };
          }
        };
    var group =
        new DefaultApplicationGroup(
            new MemoryTrustListManager(),
            new MemoryCertificateStore(),
            factory,
            (chain, applicationUri, hostNames) -> seen.add(chain.get(0)));
    group.initialize();
    return group;
  }

  /** Starts a server on {@code port} of 127.0.0.1 without security; returns once it listens. */
  static TestPlcServer start(int port) throws Exception {
    return start(new TestPlcServer(port, false));
  }

  /** As {@link #start}, also offering Basic256Sha256 with Sign and with SignAndEncrypt. */
  static TestPlcServer startSecure(int port) throws Exception {
    return start(new TestPlcServer(port, true));
  }

  private static TestPlcServer start(TestPlcServer plc) throws Exception {
    plc.server.startup().get(10, TimeUnit.SECONDS);
    return plc;
  }

  /** The URL a client on this machine uses (not the one the server announces). */
  String url() {
    return "opc.tcp://127.0.0.1:" + port + "/plc";
  }

  /** The SHA-256 fingerprint of the server's certificate ({@link #startSecure} only). */
  String fingerprint() throws CertificateEncodingException {
    return Sha256.hex(certificate.getEncoded());
  }

  /** The client certificates the server was shown, in order. */
  List<X509Certificate> clientCertificates() {
    return List.copyOf(clientCertificates);
  }

  /** The index of {@value #NAMESPACE_URI} on this server. */
  int namespaceIndex() {
    return server.getNamespaceTable().getIndex(NAMESPACE_URI).intValue();
  }

  /** Sets a variable as the PLC program would. */
  void set(String id, Object value) {
    namespace.node(id).setValue(new DataValue(new Variant(value)));
  }

  /** A variable's current value. */
  Object get(String id) {
    return namespace.node(id).getValue().value().value();
  }

  /** Stops the server and closes every connection to it. */
  @Override
  public void close() throws Exception {
    if (closed.getAndSet(true)) {
      return;
    }
    namespace.shutdown();
    server.shutdown().get(10, TimeUnit.SECONDS);
  }

  private static final class PlcNamespace extends SampledNamespace {
    private final Map<String, UaVariableNode> nodes = new ConcurrentHashMap<>();

    PlcNamespace(OpcUaServer server) {
      super(server, NAMESPACE_URI);
      getLifecycleManager().addStartupTask(this::addNodes);
    }

    UaVariableNode node(String id) {
      return nodes.get(id);
    }

    @SuppressWarnings("unchecked")
    private void addNodes() {
      VARIABLES.forEach(
          (id, spec) -> {
            var access = (Set<AccessLevel>) spec[2];
            UaVariableNode node =
                new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                    .setNodeId(newNodeId(id))
                    .setBrowseName(newQualifiedName(id))
                    .setDisplayName(LocalizedText.english(id))
                    .setDataType((NodeId) spec[0])
                    .setTypeDefinition(NodeIds.BaseDataVariableType)
                    .setAccessLevel(access)
                    .setUserAccessLevel(access)
                    .setMinimumSamplingInterval(10.0)
                    .setValue(new DataValue(new Variant(spec[1])))
                    .build();
            getNodeManager().addNode(node);
            nodes.put(id, node);
          });
    }
  }
}
