package io.hotstandby.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import io.hotstandby.cluster.TopicEnvelope.Opened;
import io.hotstandby.cluster.TopicEnvelope.RefusedException;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.ServerSpec;
import io.hotstandby.events.RateLimitedLog;
import io.hotstandby.keys.DomainKeys;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's Hazelcast member: bound to the address the domain file gives, joined over TCP to
 * the other servers of the domain only, no multicast, no auto-detection, no phone-home. Its
 * connection monitor notices a crashed peer's closed sockets in tens of milliseconds, which the
 * server combines with the REC link to fail over fast.
 *
 * <p>Hazelcast OSS neither authenticates members nor encrypts their traffic: anyone who knows the
 * cluster name can join. The member is therefore used as an untrusted bus. It carries byte arrays
 * only (Java deserialization of anything else is refused by the filter), and every message is a
 * {@link TopicEnvelope} sealed with a key derived from the domain's secret for its topic, checked
 * against replays by a {@link ReplayGuard} and accepted only from a server of the domain in force.
 * What fails is dropped and counted by {@link Drop}.
 */
public final class ClusterMember implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterMember.class);
  static final String SERVER_ATTRIBUTE = "server";

  /** A sent message older or newer than this (wall clock) is refused as stale. */
  static final long MAX_AGE_MILLIS = 60_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Why a received topic message was dropped. */
  public enum Drop {
    /** Not a byte array: another type, or a Java-serialized object the filter refused. */
    NOT_BYTES,
    /** A byte array that is not a sealed message. */
    GARBAGE,
    /** Sealed with a key this server does not accept, tampered, or not sealed. */
    BAD_TAG,
    /** Sealed by a name that is not a server of the domain in force. */
    UNKNOWN_SENDER,
    /** A sequence number already seen, or too far below the highest. */
    REPLAY,
    /** Sent by an earlier process of its sender. */
    OLD_BOOT,
    /** Sent more than a minute from now, by the wall clock. */
    STALE
  }

  private final HazelcastInstance instance;
  private final String domainName;
  private final String self;
  private final long bootId = RANDOM.nextLong();
  private final long bootStart = System.currentTimeMillis();
  private volatile Sealing sealing = new Sealing(TopicKeys.NONE);
  private volatile Set<String> servers;
  private final ReplayGuard replays = new ReplayGuard(MAX_AGE_MILLIS, System::currentTimeMillis);
  private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();
  private final Map<Drop, AtomicLong> dropped = new EnumMap<>(Drop.class);
  private final RateLimitedLog dropLog = new RateLimitedLog(log, 10_000);

  /**
   * The domain secrets topic messages are sealed and opened with; each topic's key is derived from
   * them ({@link DomainKeys#TOPIC}), so that only servers of the domain read or change its file,
   * its projects or its roles.
   *
   * @param signing the secret messages are sealed with
   * @param accepted every secret a received message may be sealed with
   */
  public record TopicKeys(byte[] signing, List<byte[]> accepted) {
    static final TopicKeys NONE = new TopicKeys(new byte[0], List.of());
  }

  /** The keys of each topic, derived once per topic from a {@link TopicKeys}. */
  private final class Sealing {
    final TopicKeys secrets;
    final Map<String, byte[]> sealKeys = new ConcurrentHashMap<>();
    final Map<String, List<byte[]>> openKeys = new ConcurrentHashMap<>();

    Sealing(TopicKeys secrets) {
      this.secrets = secrets;
    }

    byte[] sealKey(String topic) {
      return sealKeys.computeIfAbsent(
          topic, t -> DomainKeys.TOPIC.derive(domainName, secrets.signing(), t));
    }

    List<byte[]> openKeys(String topic) {
      return openKeys.computeIfAbsent(
          topic,
          t -> {
            List<byte[]> keys = new ArrayList<>();
            secrets.accepted().forEach(s -> keys.add(DomainKeys.TOPIC.derive(domainName, s, t)));
            return List.copyOf(keys);
          });
    }
  }

  private ClusterMember(HazelcastInstance instance, Domain domain, String self) {
    this.instance = instance;
    this.domainName = domain.name();
    this.self = self;
    this.servers = serverNames(domain.servers());
    for (Drop d : Drop.values()) {
      dropped.put(d, new AtomicLong());
    }
  }

  private static Set<String> serverNames(Collection<ServerSpec> specs) {
    return Set.copyOf(specs.stream().map(ServerSpec::name).toList());
  }

  /** Sets the secrets topic messages are sealed and opened with; call before any publish. */
  public void setKeys(TopicKeys keys) {
    this.sealing = new Sealing(keys);
  }

  /** The servers of the domain now in force: messages sealed by any other name are dropped. */
  public void setServers(Collection<ServerSpec> specs) {
    this.servers = serverNames(specs);
  }

  /** How many received topic messages were dropped, for every reason. */
  public long droppedMessages() {
    return dropped.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** How many received topic messages were dropped, by reason, every reason present. */
  public Map<Drop, Long> droppedByReason() {
    Map<Drop, Long> m = new LinkedHashMap<>();
    dropped.forEach((d, n) -> m.put(d, n.get()));
    return m;
  }

  /**
   * Starts the member and reports, by server name, every peer the cluster removes.
   *
   * @throws IllegalStateException when the member cannot start (e.g. the port is in use)
   */
  public static ClusterMember start(Domain domain, String self, Consumer<String> onPeerRemoved) {
    return start(domain, self, onPeerRemoved, name -> {});
  }

  /**
   * Starts the member and reports, by server name, every peer the cluster removes and every peer
   * that joins.
   *
   * @throws IllegalStateException when the member cannot start (e.g. the port is in use)
   */
  public static ClusterMember start(
      Domain domain, String self, Consumer<String> onPeerRemoved, Consumer<String> onPeerAdded) {
    Config config = configFor(domain, self);
    config.addListenerConfig(
        new com.hazelcast.config.ListenerConfig(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent e) {
                String name = e.getMember().getAttribute(SERVER_ATTRIBUTE);
                log.info("cluster member added: {}", name);
                if (name != null) {
                  onPeerAdded.accept(name);
                }
              }

              @Override
              public void memberRemoved(MembershipEvent e) {
                String name = e.getMember().getAttribute(SERVER_ATTRIBUTE);
                log.info("cluster member removed: {}", name);
                if (name != null) {
                  onPeerRemoved.accept(name);
                }
              }
            }));
    return new ClusterMember(Hazelcast.newHazelcastInstance(config), domain, self);
  }

  static Config configFor(Domain domain, String self) {
    ServerSpec me = domain.server(self).orElseThrow();
    Config config = new Config();
    config.setClusterName(domain.name());
    config.setInstanceName("hotstandby-" + domain.name() + "-" + self);
    config.getMemberAttributeConfig().setAttribute(SERVER_ATTRIBUTE, self);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    // A crashed peer's sockets close at once; notice that in tens of milliseconds.
    config.setProperty("hazelcast.connection.monitor.interval", "50");
    config.setProperty("hazelcast.connection.monitor.max.faults", "1");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(me.hazelcastPort()).setPortAutoIncrement(false);
    network.setPublicAddress(me.host() + ":" + me.hazelcastPublicPort());
    network.getInterfaces().setEnabled(true).addInterface(me.host());
    network.getRestApiConfig().setEnabled(false);
    config.getSerializationConfig().setJavaSerializationFilterConfig(javaFilter());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    for (ServerSpec s : domain.servers()) {
      // The quorum witness runs no cluster member.
      if (!s.name().equals(domain.hotStandby().witness())) {
        join.getTcpIpConfig().addMember(s.host() + ":" + s.hazelcastPublicPort());
      }
    }
    return config;
  }

  /**
   * Only byte arrays travel as topic messages, and Hazelcast writes those with its own serializer.
   * A member without the secret could still publish a Java-serialized object, and deserializing it
   * can run code of any class on the classpath: the filter refuses, before it is resolved, every
   * class but byte arrays, Hazelcast's own classes, and what an exception Hazelcast returns from a
   * remote operation is made of (java.lang throwables, their stack traces and suppressed lists, a
   * few java.io and java.util.concurrent exceptions). Without the latter a member whose listener
   * registration raced a topology change would never learn of the failure.
   */
  static JavaSerializationFilterConfig javaFilter() {
    ClassFilter allowed =
        new ClassFilter()
            .addClasses(
                "[B",
                "[Ljava.lang.StackTraceElement;",
                "java.util.ArrayList",
                "java.util.Collections$EmptyList",
                "java.util.Collections$UnmodifiableCollection",
                "java.util.Collections$UnmodifiableList",
                "java.util.Collections$UnmodifiableRandomAccessList",
                "java.io.IOException",
                "java.io.EOFException",
                "java.io.UncheckedIOException",
                "java.util.concurrent.CancellationException",
                "java.util.concurrent.CompletionException",
                "java.util.concurrent.ExecutionException",
                "java.util.concurrent.RejectedExecutionException",
                "java.util.concurrent.TimeoutException")
            .addPackages("java.lang")
            .addPrefixes("com.hazelcast.");
    return new JavaSerializationFilterConfig().setDefaultsDisabled(true).setWhitelist(allowed);
  }

  /**
   * Subscribes to a topic of byte messages; {@code listener} gets every message published on it,
   * this member's own included, on a Hazelcast event thread.
   */
  public void subscribe(String topic, Consumer<byte[]> listener) {
    ITopic<Object> t = instance.getTopic(topic);
    t.addMessageListener(
        m -> {
          Object o;
          try {
            o = m.getMessageObject(); // deserialized here, lazily: the filter refuses here
          } catch (RuntimeException e) {
            drop(topic, Drop.NOT_BYTES, e.toString());
            return;
          }
          if (!(o instanceof byte[] sealed)) {
            drop(topic, Drop.NOT_BYTES, o == null ? "null" : o.getClass().getName());
            return;
          }
          byte[] payload = opened(topic, sealed);
          if (payload != null) {
            listener.accept(payload);
          }
        });
  }

  /** The payload of a message that passes every check; null, counted and logged, otherwise. */
  private byte[] opened(String topic, byte[] sealed) {
    Opened o;
    try {
      o = TopicEnvelope.open(sealing.openKeys(topic), topic, sealed);
    } catch (RefusedException e) {
      drop(topic, e.refusal() == TopicEnvelope.Refusal.GARBAGE ? Drop.GARBAGE : Drop.BAD_TAG, "");
      return null;
    }
    if (!servers.contains(o.sender())) {
      drop(topic, Drop.UNKNOWN_SENDER, "sealed by '" + o.sender() + "'");
      return null;
    }
    ReplayGuard.Verdict v = replays.admit(topic, o);
    if (v != null) {
      drop(topic, Drop.valueOf(v.name()), "from " + o.sender() + ", seq " + o.seq());
      return null;
    }
    return o.payload();
  }

  private void drop(String topic, Drop why, String detail) {
    long n = dropped.get(why).incrementAndGet();
    dropLog.warn(
        () ->
            "dropped a message on "
                + topic
                + ": "
                + why
                + (detail.isEmpty() ? "" : " (" + detail + ")")
                + "; "
                + droppedMessages()
                + " dropped so far, "
                + n
                + " for this reason");
  }

  /**
   * Publishes to every member subscribed to {@code topic}, this one included, sealed with the
   * topic's key.
   */
  public void publish(String topic, byte[] message) {
    Sealing s = sealing;
    if (s.secrets.signing().length == 0) {
      // Only in the moment between the member's start and setKeys; the digests that follow
      // repeat whatever is lost here.
      log.debug("not publishing on {} before the keys are set", topic);
      return;
    }
    ITopic<byte[]> t = instance.getTopic(topic);
    AtomicLong seq = sequences.computeIfAbsent(topic, k -> new AtomicLong());
    // One publisher at a time per topic, so numbers go out in order; the guard's window absorbs
    // what Hazelcast might still reorder.
    synchronized (seq) {
      Opened o =
          new Opened(
              self, bootId, bootStart, seq.incrementAndGet(), System.currentTimeMillis(), message);
      t.publish(TopicEnvelope.seal(s.sealKey(topic), topic, o));
    }
  }

  /** How many members the cluster has now, this one included. */
  public int memberCount() {
    return instance.getCluster().getMembers().size();
  }

  @Override
  public void close() {
    try {
      instance.getLifecycleService().terminate();
    } catch (RuntimeException e) {
      log.warn("stopping the cluster member: {}", e.toString());
    }
  }
}
